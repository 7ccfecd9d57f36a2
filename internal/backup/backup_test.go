package backup

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/store"
)

func TestLibpqTarget(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, conn, password, schema, err string
	}{
		{in: "postgres://sigap:s3cret@db:5432/sigap?sslmode=disable", conn: "postgres://sigap@db:5432/sigap?sslmode=disable", password: "s3cret"},
		{in: "postgres://u@h/d?search_path=t_1&pool_max_conns=20&sslmode=require", conn: "postgres://u@h/d?sslmode=require", schema: "t_1"},
		{in: "postgresql://h/d?statement_cache_capacity=0", conn: "postgresql://h/d"},
		{in: "postgres://h/d?search_path=a,b", err: "several schemas"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			conn, pw, schema, err := libpqTarget(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || conn != tt.conn || pw != tt.password || schema != tt.schema {
				t.Errorf("= %q %q %q %v; want %q %q %q", conn, pw, schema, err, tt.conn, tt.password, tt.schema)
			}
		})
	}
}

func TestToolMajor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		line string
		want int
	}{
		{"pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n", 15},
		{"pg_restore (PostgreSQL) 17.2\n", 17},
		{"pg_dump (PostgreSQL) 9.6.24\n", 9},
		{"something else", 0},
	}
	for _, tt := range tests {
		got, err := toolMajor(tt.line)
		if got != tt.want || (err != nil) != (tt.want == 0) {
			t.Errorf("toolMajor(%q) = %d, %v; want %d", tt.line, got, err, tt.want)
		}
	}
}

// sqliteDataDir makes a data dir with the three keys and a migrated database.
func sqliteDataDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, k := range KeyFiles[:requiredKeys] {
		if err := os.WriteFile(filepath.Join(dir, k), []byte("key "+k+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "wrap.key"), []byte("another key\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a key\n"), 0o600)
	db, err := store.Open(t.Context(), store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	return dir
}

// TestCreateOpenRestore makes a SQLite backup, checks what it holds, that a
// changed file is caught, and restores it into a new data dir.
func TestCreateOpenRestore(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	data := sqliteDataDir(t)
	out := filepath.Join(t.TempDir(), "b")
	m, err := Create(ctx, Options{DataDir: data, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for n := range m.Files {
		names = append(names, n)
	}
	if m.Engine != "sqlite" || len(m.Files) != 5 || m.Files["wrap.key"] == "" || m.Files[DatabaseFile] == "" || m.Files["notes.txt"] != "" {
		t.Errorf("manifest: %s, files %v; want sqlite, the three keys, wrap.key and the database", m.Engine, names)
	}
	if _, err := Create(ctx, Options{DataDir: data, Out: out}); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("a second backup into the same dir: %v, want a refusal", err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".sigap-backup-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary dirs left behind: %v", leftovers)
	}
	if _, err := Open(out); err != nil {
		t.Fatal(err)
	}

	restored := filepath.Join(t.TempDir(), "r")
	if _, err := Restore(ctx, RestoreOptions{From: out, DataDir: restored}); err != nil {
		t.Fatal(err)
	}
	for n, sum := range m.Files {
		got, err := fileSHA256(filepath.Join(restored, n))
		if info, serr := os.Stat(filepath.Join(restored, n)); err != nil || got != sum || serr != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("restored %s: %v %v; want the backup's bytes, mode 0600", n, err, serr)
		}
	}
	if _, err := Restore(ctx, RestoreOptions{From: out, DataDir: restored}); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("restore into a full data dir: %v, want a refusal", err)
	}
	if _, err := Restore(ctx, RestoreOptions{From: out, DataDir: t.TempDir(), DB: "postgres://h/d"}); err == nil || !strings.Contains(err.Error(), "SQLite backup") {
		t.Errorf("SQLite backup into PostgreSQL: %v, want a refusal", err)
	}

	// A key changed after the backup: caught before anything is restored.
	os.WriteFile(filepath.Join(out, "log-signing.key"), []byte("forged\n"), 0o600)
	if _, err := Open(out); err == nil || !strings.Contains(err.Error(), "log-signing.key has changed") {
		t.Errorf("Open after a key changed: %v", err)
	}
	if _, err := Restore(ctx, RestoreOptions{From: out, DataDir: filepath.Join(t.TempDir(), "x")}); err == nil {
		t.Error("restored a backup whose key changed")
	}
}

// TestKeyRingsBackedUp checks that the rings `sigap keys rotate` writes go
// into a backup and come back from it: without them receipts and
// checkpoints signed by keys since the first rotation would not verify.
func TestKeyRingsBackedUp(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	data := sqliteDataDir(t)
	rings := []string{"receipt-signing.keyring", "log-signing.keyring"}
	for _, r := range rings {
		if !slices.Contains(KeyFiles, r) {
			t.Errorf("KeyFiles misses %s", r)
		}
		if err := os.WriteFile(filepath.Join(data, r), []byte(`{"format":1,"keys":[]}`+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "b")
	m, err := Create(ctx, Options{DataDir: data, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	restored := filepath.Join(t.TempDir(), "r")
	if _, err := Restore(ctx, RestoreOptions{From: out, DataDir: restored}); err != nil {
		t.Fatal(err)
	}
	for _, r := range rings {
		if m.Files[r] == "" {
			t.Errorf("the backup has no %s", r)
		}
		if b, err := os.ReadFile(filepath.Join(restored, r)); err != nil || !strings.Contains(string(b), `"format":1`) {
			t.Errorf("restored %s: %q, %v", r, b, err)
		}
	}
}
