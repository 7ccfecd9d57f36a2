// Package scantest starts a sigap to scan with and makes the posts and rule
// lists the scan path's benchmarks and tests run on, so that their figures
// compare: posts of the text corpus with two links each, and keywords no
// such post contains. It is imported only by tests.
package scantest
