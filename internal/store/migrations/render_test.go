package migrations_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/store/migrations"
)

// TestRenderedMatchesTwoFileForm checks that every migration renders, for each
// engine, to the very bytes of the sqlite/ and postgres/ file it replaced
// (their SHA-256 sums were taken before the pairs were folded).
func TestRenderedMatchesTwoFileForm(t *testing.T) {
	t.Parallel()
	sums, err := os.ReadFile("testdata/two_file_sha256.txt")
	if err != nil {
		t.Fatal(err)
	}
	rendered := map[migrations.Dialect]fs.FS{}
	for _, d := range []migrations.Dialect{migrations.SQLite, migrations.Postgres} {
		if rendered[d], err = migrations.FS(d); err != nil {
			t.Fatal(err)
		}
	}
	lines := strings.Split(strings.TrimSpace(string(sums)), "\n")
	if len(lines) != 44 {
		t.Fatalf("%d sums, want 44 (22 migrations on two engines)", len(lines))
	}
	for _, line := range lines {
		sum, name, _ := strings.Cut(line, " ")
		d, file := path.Split(name)
		b, err := fs.ReadFile(rendered[migrations.Dialect(strings.TrimSuffix(d, "/"))], file)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := sha256.Sum256(b); hex.EncodeToString(got[:]) != sum {
			t.Errorf("%s renders to other bytes than the two-file form held", name)
		}
	}
}

// TestNoTwoFileLeftovers fails when a migration in the older two-file form
// was merged in: the embed would skip it, so fold it with ./convert.
func TestNoTwoFileLeftovers(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{"sqlite", "postgres"} {
		if names, _ := os.ReadDir(dir); len(names) > 0 {
			t.Errorf("%s/ holds %d two-file migration(s): run go run ./internal/store/migrations/convert", dir, len(names))
		}
	}
}

func TestRender(t *testing.T) {
	t.Parallel()
	src := "CREATE TABLE t (\n    id {{identity}},\n    n {{bigint}} NOT NULL DEFAULT 0,\n    b {{bool}} NOT NULL DEFAULT {{true}},\n" +
		"    f {{double}}, x {{blob}}, z {{bool}} DEFAULT {{false}}\n);\n-- if sqlite\nSELECT 1;\n-- if postgres\nSELECT 2;\nSELECT 3;\n-- end\n-- if sqlite\n-- ends here\n"
	for _, tc := range []struct {
		d       migrations.Dialect
		want    string
		wantErr error
	}{
		{migrations.SQLite, "CREATE TABLE t (\n    id INTEGER PRIMARY KEY AUTOINCREMENT,\n    n INTEGER NOT NULL DEFAULT 0,\n" +
			"    b INTEGER NOT NULL DEFAULT 1,\n    f REAL, x BLOB, z INTEGER DEFAULT 0\n);\nSELECT 1;\n-- ends here\n", nil},
		{migrations.Postgres, "CREATE TABLE t (\n    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    n BIGINT NOT NULL DEFAULT 0,\n" +
			"    b BOOLEAN NOT NULL DEFAULT TRUE,\n    f DOUBLE PRECISION, x BYTEA, z BOOLEAN DEFAULT FALSE\n);\nSELECT 2;\nSELECT 3;\n", nil},
		{"mysql", "", migrations.ErrSyntax},
	} {
		// The last block has no end marker: both engines refuse it, and
		// with it closed they render as wanted.
		if _, err := migrations.Render(src, tc.d); !errors.Is(err, migrations.ErrSyntax) {
			t.Errorf("%s, unclosed block: err %v, want ErrSyntax", tc.d, err)
		}
		got, err := migrations.Render(src+"-- end\n", tc.d)
		if !errors.Is(err, tc.wantErr) || got != tc.want {
			t.Errorf("%s: got %q, %v; want %q, %v", tc.d, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestRenderRefusesMalformed(t *testing.T) {
	t.Parallel()
	for _, src := range []string{
		"id {{serial}} NOT NULL",         // no such placeholder
		"id {{bigint NOT NULL",           // unclosed
		"id {{}}",                        // empty name
		"id {{{bigint}}}",                // a brace inside the name
		"-- end\nSELECT 1;",              // an end outside a block
		"-- if postgres\nSELECT 1;",      // no end
		"-- if sqlite\nx {{bool\n-- end", // inside a block the engine keeps
		"-- section a\nSELECT 1;",        // a section with no end
		"-- end section\nSELECT 1;",      // an end outside a section
		"-- section a\n-- section b\n-- end section\n-- end section", // nested
		"-- include 00010_a.sql a",                                   // an include only FS can read
	} {
		for _, d := range []migrations.Dialect{migrations.SQLite, migrations.Postgres} {
			if got, err := migrations.Render(src, d); !errors.Is(err, migrations.ErrSyntax) {
				t.Errorf("Render(%q, %s) = %q, %v; want ErrSyntax", src, d, got, err)
			}
		}
	}
}

func TestFold(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, sqlite, postgres, want string }{
		{"same", "SELECT 1;\n", "SELECT 1;\n", "SELECT 1;\n"},
		{"types", "a INTEGER NOT NULL DEFAULT 0,\nb REAL\n", "a BOOLEAN NOT NULL DEFAULT FALSE,\nb DOUBLE PRECISION\n",
			"a {{bool}} NOT NULL DEFAULT {{false}},\nb {{double}}\n"},
		{"identity before bigint", "seq INTEGER PRIMARY KEY AUTOINCREMENT,\n", "seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n",
			"seq {{identity}},\n"},
		{"whole words only", "x INTEGERS 10\n", "x BIGINTS 1TRUE\n",
			"-- if sqlite\nx INTEGERS 10\n-- if postgres\nx BIGINTS 1TRUE\n-- end\n"},
		{"postgres only", "A;\nC;\n", "A;\nB;\nC;\n", "A;\n-- if postgres\nB;\n-- end\nC;\n"},
		{"sqlite only", "A;\nB;\n", "A;\n", "A;\n-- if sqlite\nB;\n-- end\n"},
		{"both differ", "A;\nX;\nC;", "A;\nY;\nZ;\nC;", "A;\n-- if sqlite\nX;\n-- if postgres\nY;\nZ;\n-- end\nC;"},
	} {
		got, err := migrations.Fold(tc.sqlite, tc.postgres)
		if err != nil || got != tc.want {
			t.Errorf("%s: Fold = %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

func TestFoldRefusesNotation(t *testing.T) {
	t.Parallel()
	for _, src := range []string{"x {{bigint}}\n", "x }}\n", "-- if sqlite\n", "A;\n-- end\n", "-- if postgres"} {
		if got, err := migrations.Fold(src, "SELECT 1;\n"); !errors.Is(err, migrations.ErrUnfoldable) {
			t.Errorf("Fold(%q) = %q, %v; want ErrUnfoldable", src, got, err)
		}
		if got, err := migrations.Fold("SELECT 1;\n", src); !errors.Is(err, migrations.ErrUnfoldable) {
			t.Errorf("Fold(postgres %q) = %q, %v; want ErrUnfoldable", src, got, err)
		}
	}
}

// FuzzFold checks that whatever pair Fold takes, Render gives both files
// back byte for byte.
func FuzzFold(f *testing.F) {
	f.Add("a INTEGER NOT NULL DEFAULT 0,\n", "a BOOLEAN NOT NULL DEFAULT FALSE,\n")
	f.Add("END;\n", "    RETURN NULL;\nEND $$;\n")
	f.Fuzz(func(t *testing.T, sqlite, postgres string) {
		if len(sqlite)+len(postgres) > 1<<14 {
			return // the fold compares every line pair; keep each run quick
		}
		src, err := migrations.Fold(sqlite, postgres)
		if err != nil {
			return
		}
		for d, want := range map[migrations.Dialect]string{migrations.SQLite: sqlite, migrations.Postgres: postgres} {
			if got, err := migrations.Render(src, d); err != nil || got != want {
				t.Fatalf("Render(Fold(...), %s) = %q, %v; want %q\nfolded: %q", d, got, err, want, src)
			}
		}
	})
}

// BenchmarkFS measures rendering every migration for one engine, which the
// store does each time it opens a database.
func BenchmarkFS(b *testing.B) {
	for _, d := range []migrations.Dialect{migrations.SQLite, migrations.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			for b.Loop() {
				if _, err := migrations.FS(d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
