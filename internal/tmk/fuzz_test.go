package tmk

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzUnmarshal feeds arbitrary bytes to the .tmk reader: it returns
// ErrFormat or features that write back to the same bytes and compare with
// themselves; it never panics or allocates beyond its bounds.
func FuzzUnmarshal(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		feat, err := Unmarshal(data)
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("undocumented error: %v", err)
			}
			return
		}
		out, err := feat.MarshalBinary()
		if err != nil {
			t.Fatalf("a file read cannot be written: %v", err)
		}
		if !bytes.Equal(out, data) {
			t.Fatal("written bytes differ from the input")
		}
		if _, err := Compare(feat, feat, Thresholds{Level1: 2}); err != nil {
			t.Fatalf("self-compare: %v", err)
		}
	})
}
