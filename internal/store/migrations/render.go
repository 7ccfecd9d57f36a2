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

// The section markers, each a whole line: "-- section NAME" up to "-- end
// section" names lines that another migration takes as they are with
// "-- include FILE NAME" (a Down that restores what an earlier Up made).
const (
	markSection    = "-- section "
	markSectionEnd = "-- end section"
	markInclude    = "-- include "
)

// isMarker reports whether line is one Render reads as notation rather than SQL.
func isMarker(line string) bool {
	return line == markSQLite || line == markPostgres || line == markEnd || line == markSectionEnd ||
		strings.HasPrefix(line, markSection) || strings.HasPrefix(line, markInclude)
}

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
		text, err := includeSections(src, string(b))
		if err != nil {
			return nil, fmt.Errorf("migrations: %s: %w", path.Base(name), err)
		}
		sql, err := Render(text, d)
		if err != nil {
			return nil, fmt.Errorf("migrations: %s: %w", path.Base(name), err)
		}
		out[name] = &fstest.MapFile{Data: []byte(sql), Mode: 0o444}
	}
	return out, nil
}

// includeSections replaces each "-- include FILE NAME" line of text with
// the lines of FILE's section NAME, read from src.
func includeSections(src fs.FS, text string) (string, error) {
	if !strings.Contains(text, markInclude) {
		return text, nil
	}
	lines := strings.Split(text, "\n")
	var out []string
	for i, line := range lines {
		rest, ok := strings.CutPrefix(line, markInclude)
		if !ok {
			out = append(out, line)
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || path.Base(f[0]) != f[0] || !strings.HasSuffix(f[0], ".sql") {
			return "", fmt.Errorf("%w: line %d: want %q", ErrSyntax, i+1, markInclude+"NNNNN_name.sql section")
		}
		b, err := fs.ReadFile(src, f[0])
		if err != nil {
			return "", fmt.Errorf("%w: line %d: %w", ErrSyntax, i+1, err)
		}
		sec, err := section(string(b), f[1])
		if err != nil {
			return "", fmt.Errorf("%w: line %d: %s: %w", ErrSyntax, i+1, f[0], err)
		}
		out = append(out, sec...)
	}
	return strings.Join(out, "\n"), nil
}

// section returns the lines of text's section name, which must not include
// another: one level keeps what a migration runs readable from two files.
func section(text, name string) ([]string, error) {
	var in bool
	var out []string
	for _, line := range strings.Split(text, "\n") {
		switch {
		case line == markSection+name:
			in = true
		case in && line == markSectionEnd:
			return out, nil
		case in && strings.HasPrefix(line, markInclude):
			return nil, fmt.Errorf("section %s includes another", name)
		case in:
			out = append(out, line)
		}
	}
	return nil, fmt.Errorf("no section %s up to %q", name, markSectionEnd)
}

// Render returns the SQL of one migration source for d: the lines of blocks
// for the other engine dropped, the markers dropped, and every placeholder
// spelled out. A source that includes another's section is rendered by FS,
// which can read the other.
func Render(src string, d Dialect) (string, error) {
	if d != SQLite && d != Postgres {
		return "", fmt.Errorf("%w: unknown dialect %q", ErrSyntax, d)
	}
	var out []string
	var block Dialect // the engine of the block the line stands in; "" outside one
	var inSection bool
	for i, line := range strings.Split(src, "\n") {
		switch {
		case strings.HasPrefix(line, markSection):
			if inSection {
				return "", fmt.Errorf("%w: line %d: a section inside a section", ErrSyntax, i+1)
			}
			inSection = true
			continue
		case line == markSectionEnd:
			if !inSection {
				return "", fmt.Errorf("%w: line %d: %q outside a section", ErrSyntax, i+1, line)
			}
			inSection = false
			continue
		case strings.HasPrefix(line, markInclude):
			return "", fmt.Errorf("%w: line %d: %q is read only by FS", ErrSyntax, i+1, line)
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
	if inSection {
		return "", fmt.Errorf("%w: a section has no %q", ErrSyntax, markSectionEnd)
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
