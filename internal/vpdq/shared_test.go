package vpdq

import (
	"os"
	"testing"
)

func readHashFile(t testing.TB, path string) Hash {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h, err := Parse(string(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return h
}
