package main

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// tree writes files (path → content) under a new directory and returns it.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// list returns every file under dir with its content.
func list(t *testing.T, dir string) map[string]string {
	t.Helper()
	got := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		got[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestConvert(t *testing.T) {
	t.Parallel()
	pair := map[string]string{
		"sqlite/00220_x.sql":   "-- +goose Up\nCREATE TABLE x (n INTEGER NOT NULL);\n",
		"postgres/00220_x.sql": "-- +goose Up\nCREATE TABLE x (n BIGINT NOT NULL);\n",
	}
	dir := tree(t, pair)
	n, err := convert(dir)
	if err != nil || n != 1 {
		t.Fatalf("convert = %d, %v; want 1", n, err)
	}
	want := map[string]string{"00220_x.sql": "-- +goose Up\nCREATE TABLE x (n {{bigint}} NOT NULL);\n"}
	if got := list(t, dir); !maps.Equal(got, want) {
		t.Errorf("after convert: %q, want %q", got, want)
	}
}

// TestConvertRefuses checks that a bad pair gets an error and leaves every
// file, the good pair's too, as it was.
func TestConvertRefuses(t *testing.T) {
	t.Parallel()
	good := map[string]string{"sqlite/00220_a.sql": "SELECT 1;\n", "postgres/00220_a.sql": "SELECT 1;\n"}
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"no twin", map[string]string{"sqlite/00230_b.sql": "SELECT 1;\n"}, "00230_b.sql"},
		{"exists", map[string]string{"sqlite/00230_b.sql": "A;\n", "postgres/00230_b.sql": "A;\n", "00230_b.sql": "old\n"}, "exists already"},
		{"notation", map[string]string{"sqlite/00230_b.sql": "x {{bigint}}\n", "postgres/00230_b.sql": "A;\n"}, "cannot fold"},
		{"marker", map[string]string{"sqlite/00230_b.sql": "-- end\n", "postgres/00230_b.sql": "A;\n"}, "cannot fold"},
	} {
		files := map[string]string{}
		for k, v := range good {
			files[k] = v
		}
		for k, v := range tc.files {
			files[k] = v
		}
		dir := tree(t, files)
		if _, err := convert(dir); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want one naming %q", tc.name, err, tc.want)
		}
		if got := list(t, dir); !maps.Equal(got, files) {
			t.Errorf("%s: files changed: %q, want %q", tc.name, got, files)
		}
	}
}
