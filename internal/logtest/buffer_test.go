package logtest

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestBufferKeepsEveryWrite writes lines from many goroutines while reading:
// every line arrives whole (run with -race to check the locking too).
func TestBufferKeepsEveryWrite(t *testing.T) {
	t.Parallel()
	var l Buffer
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 100 {
				fmt.Fprintf(&l, "g%d line %d\n", g, i)
				_ = l.String()
			}
		})
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(l.String(), "\n"), "\n")
	if len(lines) != 800 {
		t.Fatalf("%d lines, want 800", len(lines))
	}
	seen := map[string]bool{}
	for _, line := range lines {
		seen[line] = true
	}
	for g := range 8 {
		for i := range 100 {
			if want := fmt.Sprintf("g%d line %d", g, i); !seen[want] {
				t.Errorf("line %q is missing or torn", want)
			}
		}
	}
}
