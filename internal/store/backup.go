package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// SQLitePath is where Open keeps the SQLite database for o: the path of a
// sqlite: URL, else sigap.db in the data dir. It is "" for PostgreSQL.
func SQLitePath(o Options) string {
	if strings.HasPrefix(o.URL, "postgres://") || strings.HasPrefix(o.URL, "postgresql://") {
		return ""
	}
	if p := strings.TrimPrefix(o.URL, "sqlite:"); p != "" {
		return p
	}
	return filepath.Join(o.DataDir, "sigap.db")
}

// CopySQLite writes a consistent copy of the SQLite database at src to dst
// while other processes keep writing to it. VACUUM INTO reads the whole
// database in one read transaction, so the copy holds exactly the commits
// made before it began (in WAL mode writers go on meanwhile), and unlike the
// online backup API it never restarts when a writer commits during the copy.
// progress, if not nil, hears about every second how many bytes are written
// of about how many.
func CopySQLite(ctx context.Context, src, dst string, progress func(done, total int64)) error {
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("store: backup: the database %s: %w", src, err)
	}
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("store: backup: %s already exists", dst)
	}
	// Its own connection, not query_only: VACUUM INTO writes (to dst).
	db, err := sql.Open("sqlite", "file:"+src+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("store: backup: open %s: %w", src, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var pages, pageSize int64
	if err := db.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		return fmt.Errorf("store: backup: %s: %w", src, err)
	}
	if err := db.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&pageSize); err != nil {
		return fmt.Errorf("store: backup: %s: %w", src, err)
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		if progress == nil {
			return
		}
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if fi, err := os.Stat(dst); err == nil {
					progress(fi.Size(), pages*pageSize)
				}
			}
		}
	}()
	_, err = db.ExecContext(ctx, `VACUUM INTO ?`, dst)
	close(stop)
	<-done
	if err != nil {
		_ = os.Remove(dst)
		return fmt.Errorf("store: backup: copy %s: %w", src, err)
	}
	if err := os.Chmod(dst, 0o600); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	return nil
}

// LogHead is where a database's transparency log stood: how many entries it
// held and its newest signed checkpoint (Checkpoint.Note is "" if none).
type LogHead struct {
	Size       int64
	Checkpoint StoredCheckpoint
}

// ReadLogHead reads the log's head from the database o names without
// migrating it or starting a writer, so a backup made by a newer sigap
// leaves the running service's schema alone.
func ReadLogHead(ctx context.Context, o Options) (LogHead, error) {
	var db *DB
	var err error
	if path := SQLitePath(o); path != "" {
		if _, err := os.Stat(path); err != nil {
			return LogHead{}, fmt.Errorf("store: log head: %w", err)
		}
		db, err = openSQLite(path)
	} else {
		db, err = openPostgres(ctx, o.URL)
	}
	if err != nil {
		return LogHead{}, err
	}
	defer db.closePools()
	var h LogHead
	if h.Size, _, err = db.LogState(ctx); err != nil {
		return LogHead{}, err
	}
	if h.Checkpoint, err = db.LatestCheckpoint(ctx); err != nil && !errors.Is(err, ErrNotFound) {
		return LogHead{}, err
	}
	return h, nil
}

// IsEmptyPostgres tells whether the PostgreSQL database at url (in the
// schema its search_path names) holds no sigap tables, so a restore into it
// cannot mix two services' records.
func IsEmptyPostgres(ctx context.Context, url string) (bool, error) {
	db, err := openPostgres(ctx, url)
	if err != nil {
		return false, err
	}
	defer db.closePools()
	var n int
	// to_regclass resolves through the search_path, as sigap's own queries do.
	if err := db.read.QueryRowContext(ctx, `SELECT (to_regclass('goose_db_version') IS NOT NULL)::int + (to_regclass('events') IS NOT NULL)::int`).Scan(&n); err != nil {
		return false, fmt.Errorf("store: look into %s: %w", redact(url), err)
	}
	return n == 0, nil
}

// PostgresServerVersion is the server's major version (server_version_num / 10000).
func PostgresServerVersion(ctx context.Context, url string) (int, error) {
	db, err := openPostgres(ctx, url)
	if err != nil {
		return 0, err
	}
	defer db.closePools()
	var v int
	if err := db.read.QueryRowContext(ctx, `SELECT current_setting('server_version_num')::int`).Scan(&v); err != nil {
		return 0, fmt.Errorf("store: server version of %s: %w", redact(url), err)
	}
	return v / 10000, nil
}
