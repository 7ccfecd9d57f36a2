package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestProgressLines checks that a report written to a buffer (not a
// terminal) comes as whole lines, never a carriage-return bar, and that the
// last step always gets its line however recently the one before was written.
func TestProgressLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		every   time.Duration
		steps   []int
		want    []string
		enabled bool
	}{
		{"every step when the interval is zero", 0, []int{1, 1, 2}, []string{"1/4 links (25%)", "2/4 links (50%)", "4/4 links (100%)"}, false},
		{"only the end within one interval", time.Hour, []int{1, 1, 2}, []string{"4/4 links (100%)"}, true},
		{"an unfinished job within one interval says nothing", time.Hour, []int{1, 1}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			p := newProgress(&b, "links", 4, tt.enabled)
			p.every = tt.every
			for _, n := range tt.steps {
				p.add(n)
			}
			p.done()
			if strings.Contains(b.String(), "\r") {
				t.Fatalf("a carriage return in a non-terminal report: %q", b.String())
			}
			var got []string
			for _, l := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
				if l == "" {
					continue
				}
				if !strings.HasPrefix(l, "progress: ") {
					t.Fatalf("line %q lacks the progress prefix", l)
				}
				got = append(got, strings.SplitN(strings.TrimPrefix(l, "progress: "), ")", 2)[0]+")")
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Fatalf("lines = %q, want %q", got, tt.want)
			}
		})
	}
}
