package pdq

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzHashReader feeds arbitrary bytes through the bounded decode and hash
// path: it must return a hash or one of the documented errors, never panic,
// and never report more pixels than the limit allows.
func FuzzHashReader(f *testing.F) {
	lim := Limits{MaxBytes: 1 << 20, MaxPixels: 1 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := HashReader(bytes.NewReader(data), lim)
		if err != nil {
			known := []error{ErrEmpty, ErrUnknownFmt, ErrDecode, ErrTooLarge, ErrTooManyPixels}
			for _, k := range known {
				if errors.Is(err, k) {
					return
				}
			}
			t.Fatalf("undocumented error: %v", err)
		}
		if r.Quality < 0 || r.Quality > 100 {
			t.Fatalf("quality %d out of range", r.Quality)
		}
		if !r.Hash.IsZero() && r.Quality > 0 && r.Hash.OnesCount() > 128 {
			t.Fatalf("more than half the bits set: %d", r.Hash.OnesCount())
		}
	})
}
