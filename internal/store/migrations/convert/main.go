// Command convert folds a migration written in the older two-file form,
// sqlite/NNNNN_x.sql and postgres/NNNNN_x.sql under internal/store/migrations,
// into the one file NNNNN_x.sql that the store renders for each engine, checks
// that the new file renders back to both byte for byte, and removes the pair.
//
//	go run ./internal/store/migrations/convert [internal/store/migrations]
package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sigap/sigap/internal/store/migrations"
)

func main() {
	dir := filepath.Join("internal", "store", "migrations")
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	n, err := convert(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "convert: gagal / failed:", err)
		os.Exit(1)
	}
	fmt.Printf("convert: %d migration(s) folded into %s / %d migrasi digabung ke %s\n", n, dir, n, dir)
}

// convert folds every pair under dir and returns how many it folded. It
// checks every pair before it writes anything, so a bad pair changes nothing.
func convert(dir string) (int, error) {
	names, err := filepath.Glob(filepath.Join(dir, string(migrations.SQLite), "*.sql"))
	if err != nil {
		return 0, err
	}
	folded := make(map[string]string, len(names))
	for _, sq := range names {
		name := filepath.Base(sq)
		if folded[name], err = fold(dir, name); err != nil {
			return 0, fmt.Errorf("%s: %w", name, err)
		}
	}
	for name, src := range folded {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			return 0, err
		}
		if err := errors.Join(os.Remove(filepath.Join(dir, string(migrations.SQLite), name)),
			os.Remove(filepath.Join(dir, string(migrations.Postgres), name))); err != nil {
			return 0, err
		}
	}
	return len(names), nil
}

// fold reads one pair and returns its single source, once it renders back to both.
func fold(dir, name string) (string, error) {
	if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
		return "", errors.New("the one-file migration exists already")
	}
	files := map[migrations.Dialect]string{}
	for _, d := range []migrations.Dialect{migrations.SQLite, migrations.Postgres} {
		b, err := os.ReadFile(filepath.Join(dir, string(d), name))
		if err != nil {
			return "", err
		}
		files[d] = string(b)
	}
	src, err := migrations.Fold(files[migrations.SQLite], files[migrations.Postgres])
	if err != nil {
		return "", err
	}
	for d, want := range files {
		if got, err := migrations.Render(src, d); err != nil || got != want {
			return "", errors.Join(fmt.Errorf("the folded file does not render back to the %s file", d), err)
		}
	}
	return src, nil
}
