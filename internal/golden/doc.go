// Package golden compares what a test produced with the file kept for it in
// the package's testdata directory, and rewrites that file when asked.
package golden
