package vpdq

import (
	"errors"
	"testing"
)

// FuzzParse feeds arbitrary text to Parse: it returns a hash whose fields
// are in range and which survives Format and Parse unchanged, or one of the
// documented errors; it never panics.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		h, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrEmpty) {
				t.Fatalf("undocumented error: %v", err)
			}
			return
		}
		if len(h) == 0 {
			t.Fatal("no frames and no error")
		}
		for _, ft := range h {
			if ft.Frame < 0 || ft.Quality < 0 || ft.Quality > 100 || ft.Timestamp < 0 {
				t.Fatalf("out-of-range feature %+v", ft)
			}
		}
		again, err := Parse(h.String())
		if err != nil {
			t.Fatalf("formatted hash does not parse: %v", err)
		}
		if len(again) != len(h) {
			t.Fatalf("%d frames after a round trip, want %d", len(again), len(h))
		}
		for i := range h {
			if again[i].Frame != h[i].Frame || again[i].Quality != h[i].Quality || again[i].Hash != h[i].Hash {
				t.Fatalf("frame %d changed: %+v -> %+v", i, h[i], again[i])
			}
		}
	})
}
