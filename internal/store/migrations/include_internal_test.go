package migrations

import (
	"errors"
	"io/fs"
	"testing"
	"testing/fstest"
)

// includeFS holds a migration with a section, one that takes it, and one
// whose section includes another (which no migration may take).
func includeFS(late string) fstest.MapFS {
	return fstest.MapFS{
		"00010_early.sql": {Data: []byte("-- +goose Up\n-- section trig\n-- if sqlite\nCREATE TRIGGER x;\n" +
			"-- if postgres\nCREATE FUNCTION x() {{bigint}};\n-- end\n-- end section\n")},
		"00020_late.sql":   {Data: []byte(late)},
		"00030_nested.sql": {Data: []byte("-- section n\n-- include 00010_early.sql trig\n-- end section\n")},
	}
}

// TestIncludeSections checks that an included section renders as if its
// lines were written out, on both engines, and that the file holding the
// section renders without its markers.
func TestIncludeSections(t *testing.T) {
	t.Parallel()
	want := map[Dialect][2]string{
		SQLite:   {"-- +goose Up\nCREATE TRIGGER x;\n", "-- +goose Down\nCREATE TRIGGER x;\nSELECT 1;\n"},
		Postgres: {"-- +goose Up\nCREATE FUNCTION x() BIGINT;\n", "-- +goose Down\nCREATE FUNCTION x() BIGINT;\nSELECT 1;\n"},
	}
	for _, d := range dialects {
		out, err := renderAll(includeFS("-- +goose Down\n-- include 00010_early.sql trig\nSELECT 1;\n"), d)
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		for i, name := range []string{"00010_early.sql", "00020_late.sql"} {
			if got, _ := fs.ReadFile(out, name); string(got) != want[d][i] {
				t.Errorf("%s: %s renders as %q, want %q", d, name, got, want[d][i])
			}
		}
	}
}

// TestIncludeRefusesMalformed checks that a wrong include is a syntax error
// rather than a migration missing lines.
func TestIncludeRefusesMalformed(t *testing.T) {
	t.Parallel()
	for _, late := range []string{
		"-- include 00010_early.sql other\n",     // no such section
		"-- include 00011_gone.sql trig\n",       // no such file
		"-- include ../00010_early.sql trig\n",   // a path, not a name
		"-- include 00010_early.txt trig\n",      // not a migration
		"-- include 00010_early.sql\n",           // no section named
		"-- include 00010_early.sql trig more\n", // a word too many
		"-- include 00030_nested.sql n\n",        // a section that includes another
	} {
		for _, d := range dialects {
			if _, err := renderAll(includeFS(late), d); !errors.Is(err, ErrSyntax) {
				t.Errorf("%q on %s: err %v, want ErrSyntax", late, d, err)
			}
		}
	}
}
