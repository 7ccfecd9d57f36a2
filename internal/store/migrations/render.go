package migrations

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"testing/fstest"
)

//go:embed *.sql
var sources embed.FS

// Dialect names an engine a migration is rendered for.
type Dialect string

// The engines a migration renders for.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

var dialects = []Dialect{SQLite, Postgres}

// placeholders maps each placeholder's name to its SQLite and PostgreSQL
// spelling; the longest PostgreSQL spelling comes first so that Fold tries it
// before a shorter one that starts the same way.
var placeholders = []struct{ name, sqlite, postgres string }{
	{"identity", "INTEGER PRIMARY KEY AUTOINCREMENT", "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"},
	{"double", "REAL", "DOUBLE PRECISION"},
	{"bigint", "INTEGER", "BIGINT"},
	{"bool", "INTEGER", "BOOLEAN"},
	{"blob", "BLOB", "BYTEA"},
	{"true", "1", "TRUE"},
	{"false", "0", "FALSE"},
}

// The block markers, each a whole line: a block runs from an "-- if"
// marker to the next one or to its end marker.
const (
	markSQLite   = "-- if sqlite"
	markPostgres = "-- if postgres"
	markEnd      = "-- end"
	openMark     = "{{"
)

// ErrSyntax is returned for a migration whose placeholders or blocks do not parse.
var ErrSyntax = errors.New("migrations: syntax")

// FS returns the migrations rendered for d, named as goose wants them
// (NNNNN_name.sql at the root).
func FS(d Dialect) (fs.FS, error) {
	return renderAll(sources, d)
}

func renderAll(src fs.FS, d Dialect) (fs.FS, error) {
	names, err := fs.Glob(src, "*.sql")
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	out := fstest.MapFS{}
	for _, name := range names {
		b, err := fs.ReadFile(src, name)
		if err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		sql, err := Render(string(b), d)
		if err != nil {
			return nil, fmt.Errorf("migrations: %s: %w", path.Base(name), err)
		}
		out[name] = &fstest.MapFile{Data: []byte(sql), Mode: 0o444}
	}
	return out, nil
}

// Render returns the SQL of one migration source for d: the lines of blocks
// for the other engine dropped, the markers dropped, and every placeholder
// spelled out.
func Render(src string, d Dialect) (string, error) {
	if d != SQLite && d != Postgres {
		return "", fmt.Errorf("%w: unknown dialect %q", ErrSyntax, d)
	}
	var out []string
	var block Dialect // the engine of the block the line stands in; "" outside one
	for i, line := range strings.Split(src, "\n") {
		switch {
		case line == markSQLite:
			block = SQLite
			continue
		case line == markPostgres:
			block = Postgres
			continue
		case line == markEnd:
			if block == "" {
				return "", fmt.Errorf("%w: line %d: %q outside a block", ErrSyntax, i+1, line)
			}
			block = ""
			continue
		}
		// A line for the other engine is expanded too, so that a typo in
		// it fails on either engine's tests.
		l, err := expand(line, d)
		if err != nil {
			return "", fmt.Errorf("%w: line %d: %w", ErrSyntax, i+1, err)
		}
		if block == "" || block == d {
			out = append(out, l)
		}
	}
	if block != "" {
		return "", fmt.Errorf("%w: a block for %s has no %q", ErrSyntax, block, markEnd)
	}
	return strings.Join(out, "\n"), nil
}

// expand spells out line's placeholders for d.
func expand(line string, d Dialect) (string, error) {
	var b strings.Builder
	for {
		i := strings.Index(line, openMark)
		if i < 0 {
			b.WriteString(line)
			return b.String(), nil
		}
		b.WriteString(line[:i])
		line = line[i+len(openMark):]
		j := strings.Index(line, "}}")
		if j < 0 {
			return "", errors.New("a {{ without }}")
		}
		word, ok := spelling(line[:j], d)
		if !ok {
			return "", fmt.Errorf("unknown placeholder {{%s}}", line[:j])
		}
		b.WriteString(word)
		line = line[j+2:]
	}
}

func spelling(name string, d Dialect) (string, bool) {
	for _, p := range placeholders {
		if p.name == name {
			if d == Postgres {
				return p.postgres, true
			}
			return p.sqlite, true
		}
	}
	return "", false
}
