package store_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// TestSQLiteFilesOwnerOnly checks that a new SQLite database, which holds
// API key hashes, and the WAL files SQLite makes beside it are created 0600.
// PostgreSQL keeps its files itself, so only SQLite is tested.
func TestSQLiteFilesOwnerOnly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts func(dir string) store.Options
		file func(dir string) string
	}{
		{"default file in the data dir",
			func(dir string) store.Options { return store.Options{DataDir: dir} },
			func(dir string) string { return filepath.Join(dir, "sigap.db") }},
		{"sqlite: URL in a new directory",
			func(dir string) store.Options {
				return store.Options{URL: "sqlite:" + filepath.Join(dir, "nested", "x.db")}
			},
			func(dir string) string { return filepath.Join(dir, "nested", "x.db") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			ctx := t.Context()
			db, err := store.Open(ctx, tt.opts(dir))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			// A write, so the WAL and its index exist.
			mkOrg(t, db, org.KindAuthority)
			file := tt.file(dir)
			for _, f := range []string{file, file + "-wal", file + "-shm"} {
				st, err := os.Stat(f)
				if err != nil {
					t.Errorf("%s: %v", filepath.Base(f), err)
					continue
				}
				if m := st.Mode().Perm(); m != 0o600 {
					t.Errorf("%s is %#o, want 0600", filepath.Base(f), m)
				}
			}
		})
	}
}
