package video

import (
	"bytes"
	"errors"
	"os"
	"testing"
)

func TestSpool(t *testing.T) {
	t.Parallel()
	data := []byte("0123456789")
	tests := []struct {
		name string
		max  int64
		want error
	}{
		{"fits", 10, nil},
		{"over the limit", 9, ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path, remove, err := Spool(bytes.NewReader(data), tc.max)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if err != nil {
				return
			}
			got, err := os.ReadFile(path)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("spooled %q, %v", got, err)
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("mode %v, %v; want 0600", fi.Mode(), err)
			}
			remove()
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("file still there after remove: %v", err)
			}
		})
	}
}
