// Package testcorpus generates deterministic mixed Indonesian, English and
// Arabic posts and keyword lists for the filtering benchmarks and tests. It is
// imported only by tests.
package testcorpus
