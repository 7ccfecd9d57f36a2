package golden

import (
	"fmt"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps its failures instead of failing.
type recorder struct {
	testing.TB
	failures []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

// Fatalf records the failure and stops Check, as t.Fatalf would; run recovers.
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	panic(r)
}

// run calls Check on a recorder and returns the failures it recorded.
func run(t *testing.T, name string, got []byte) (failures []string) {
	r := &recorder{TB: t}
	defer func() {
		if p := recover(); p != nil && p != r {
			panic(p)
		}
		failures = r.failures
	}()
	Check(r, name, got, false)
	return r.failures
}

func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, got string
		want            string // a part of the one failure; "" for none
	}{
		{"same", "sample", "one\ntwo\n", ""},
		{"a line differs", "sample", "one\nthree\n", `line 2:
 got "three"
want "two"`},
		{"a line more", "sample", "one\ntwo\nthree\n", `line 3:
 got "three"
want ""`},
		{"no file", "missing", "x", "run go test -update"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			failures := run(t, tt.file, []byte(tt.got))
			switch {
			case tt.want == "" && len(failures) != 0:
				t.Errorf("failures %q, want none", failures)
			case tt.want != "" && (len(failures) != 1 || !strings.Contains(failures[0], tt.want)):
				t.Errorf("failures %q, want one with %q", failures, tt.want)
			}
		})
	}
}
