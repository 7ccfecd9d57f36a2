package keyfile_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/sigap/sigap/internal/keyfile"
)

func TestLoadOrCreateKeepsOneKey(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "x.key")
	first, created, err := keyfile.LoadOrCreate(path, 32)
	if err != nil || !created || len(first) != 32 {
		t.Fatalf("first start: %d bytes, created %v, err %v; want a new 32-byte key", len(first), created, err)
	}
	again, created, err := keyfile.LoadOrCreate(path, 32)
	if err != nil || created || !bytes.Equal(first, again) {
		t.Fatalf("second start: created %v, err %v, same key %v; want the first key read back", created, err, bytes.Equal(first, again))
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v (err %v), want 0600", fi.Mode().Perm(), err)
	}
}

func TestLoadOrCreateRefusesDamagedFiles(t *testing.T) {
	t.Parallel()
	for name, content := range map[string]string{
		"not base64":  "%%% not a key %%%\n",
		"too short":   "AAAA\n",
		"empty":       "",
		"wrong size":  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", // 32 bytes, 16 asked
		"binary junk": "\x00\xff\xfe",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "x.key")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, _, err := keyfile.LoadOrCreate(path, 16)
			if !errors.Is(err, keyfile.ErrMalformed) {
				t.Fatalf("err = %v, want ErrMalformed", err)
			}
			if b, _ := os.ReadFile(path); string(b) != content {
				t.Fatalf("the damaged file was rewritten: %q", b)
			}
		})
	}
}

func TestLoadOrCreateReportsUnreadableDir(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "missing-dir", "x.key")
	if _, _, err := keyfile.LoadOrCreate(path, 32); err == nil || errors.Is(err, keyfile.ErrMalformed) {
		t.Fatalf("err = %v, want a write error naming the path", err)
	}
}
