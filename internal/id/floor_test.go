package id

import (
	"testing"
	"time"
)

func TestFloor(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name  string
		at    time.Time
		above bool
	}{
		{"the same millisecond", base, true},
		{"a millisecond later", base.Add(time.Millisecond), true},
		{"a year later", base.AddDate(1, 0, 0), true},
		{"a millisecond earlier", base.Add(-time.Millisecond), false},
	} {
		for range 50 {
			if got := New("ent", c.at) >= Floor("ent", base); got != c.above {
				t.Fatalf("%s: New >= Floor is %v, want %v", c.name, got, c.above)
			}
		}
	}
}
