package backup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sigap/sigap/internal/store"
)

// RestoreOptions say which backup to restore and where to.
type RestoreOptions struct {
	From string
	// DataDir receives the keys (and, from a SQLite backup, the database); it
	// must not exist or be empty.
	DataDir string
	// DB is the PostgreSQL database to restore a dump into: it must hold no
	// sigap tables. From a SQLite backup it may be sqlite:PATH (PATH must not
	// exist), or "" for DataDir/sigap.db.
	DB string
	// Progress, if not nil, hears what is being done.
	Progress func(line string)
}

// Restore checks the backup against its manifest and puts it back: the keys
// into the data dir, the database into the data dir (SQLite) or into an
// empty PostgreSQL database (pg_restore in one transaction: all or nothing).
// `sigap serve --data DataDir [--db DB]` then starts from it.
func Restore(ctx context.Context, o RestoreOptions) (Manifest, error) {
	if o.Progress == nil {
		o.Progress = func(string) {}
	}
	if o.From == "" || o.DataDir == "" {
		return Manifest{}, errors.New("backup: give the backup (--from) and the data dir to restore into (--data)")
	}
	m, err := Open(o.From)
	if err != nil {
		return Manifest{}, err
	}
	if err := emptyOrAbsent(o.DataDir); err != nil {
		return Manifest{}, err
	}
	isPG := strings.HasPrefix(o.DB, "postgres://") || strings.HasPrefix(o.DB, "postgresql://")
	switch {
	case m.Engine == "postgres" && !isPG:
		return Manifest{}, errors.New("backup: this is a PostgreSQL backup: give the database to restore it into (--db postgres://...)")
	case m.Engine == "sqlite" && isPG:
		return Manifest{}, errors.New("backup: this is a SQLite backup; it restores into a data dir (and --db sqlite:PATH), not into PostgreSQL")
	}
	if m.Engine == "postgres" {
		if err := restorePG(ctx, o, m); err != nil {
			return Manifest{}, err
		}
	}
	if err := os.MkdirAll(o.DataDir, 0o700); err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	for name := range m.Files {
		if name == DumpFile || name == DatabaseFile {
			continue
		}
		if err := copyFile(filepath.Join(o.From, name), filepath.Join(o.DataDir, name)); err != nil {
			return Manifest{}, err
		}
	}
	if m.Engine == "sqlite" {
		dst := store.SQLitePath(store.Options{URL: o.DB, DataDir: o.DataDir})
		o.Progress("copying the database to " + dst)
		if _, err := os.Stat(dst); err == nil {
			return Manifest{}, fmt.Errorf("backup: %s already exists", dst)
		}
		if err := copyFile(filepath.Join(o.From, DatabaseFile), dst); err != nil {
			return Manifest{}, err
		}
	}
	if err := syncDir(o.DataDir); err != nil {
		return Manifest{}, err
	}
	return m, nil
}

// restorePG loads the dump into an empty database.
func restorePG(ctx context.Context, o RestoreOptions, m Manifest) error {
	_, _, schema, err := libpqTarget(o.DB)
	if err != nil {
		return err
	}
	if schema != m.PGSchema {
		if m.PGSchema == "" {
			return fmt.Errorf("backup: the dump holds a whole database; give --db without search_path")
		}
		return fmt.Errorf("backup: the dump holds the schema %s; give --db ...?search_path=%s (pg_restore recreates it by that name)", m.PGSchema, m.PGSchema)
	}
	empty, err := store.IsEmptyPostgres(ctx, o.DB)
	if err != nil {
		return err
	}
	if !empty {
		return errors.New("backup: the database already holds sigap tables; restore into a new, empty database (createdb) so two records do not mix")
	}
	major, err := store.PostgresServerVersion(ctx, o.DB)
	if err != nil {
		return err
	}
	bin, err := tool(ctx, "pg_restore", major)
	if err != nil {
		return err
	}
	conn, password, _, err := libpqTarget(o.DB)
	if err != nil {
		return err
	}
	o.Progress("restoring the dump with pg_restore")
	return runPG(ctx, bin, password, []string{"--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges",
		"--dbname=" + conn, filepath.Join(o.From, DumpFile)})
}
