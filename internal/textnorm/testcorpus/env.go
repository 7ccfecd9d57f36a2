package testcorpus

import (
	"os"
	"strconv"
	"testing"
)

// EnvInt is the size a benchmark's environment variable name asks for, or
// def when it is unset. A value that is not a whole number of at least min
// fails the benchmark, rather than measuring something nobody asked for.
func EnvInt(tb testing.TB, name string, def, min int) int {
	tb.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < min {
		tb.Fatalf("%s=%q: want a whole number of at least %d", name, s, min)
	}
	return v
}
