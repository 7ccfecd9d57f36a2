// Package logtest holds the log a test reads while the program under test,
// from its own goroutines, is still writing it.
package logtest
