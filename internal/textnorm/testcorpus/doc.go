// Package testcorpus generates deterministic mixed Indonesian, English and
// Arabic posts and keyword lists for the filtering benchmarks and tests, and
// reads the sizes their environment asks for and the CPU time they report
// beside wall time. It is imported only
// by tests.
package testcorpus
