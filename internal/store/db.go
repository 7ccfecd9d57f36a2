package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // the pure-Go SQLite driver

	"github.com/sigap/sigap/internal/store/migrations"
)

// Dialect says which engine a DB speaks.
type Dialect int

// The engines sigap runs on.
const (
	SQLite Dialect = iota
	Postgres
)

func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// ErrNotFound is returned when a row asked for does not exist (or is not the caller's to see).
var ErrNotFound = errors.New("store: not found")

// ErrConflict is returned when a write collides with a unique row.
var ErrConflict = errors.New("store: conflict")

// DB is the database: a read pool, a single writer that commits in groups, and the dialect.
type DB struct {
	read    *sql.DB
	write   *sql.DB
	dialect Dialect
	writer  *writer
	log     *slog.Logger
	// closePool releases the pgx pool, which closing its database/sql wrapper does not.
	closePool func()
	// readStmts and writeStmts are SQLite's prepared-statement caches (nil on PostgreSQL).
	readStmts, writeStmts *stmtCache
	// logOff stores events without transparency-log entries. Only the
	// benchmark that measures what the log costs sets it (export_test.go).
	logOff bool
}

// Options configure Open.
type Options struct {
	// URL is a postgres:// URL, or empty (or sqlite:PATH) for SQLite.
	URL string
	// DataDir holds the SQLite file when URL is empty.
	DataDir string
	Logger  *slog.Logger
}

// Open connects, migrates the schema and starts the group-commit writer.
func Open(ctx context.Context, o Options) (*DB, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	var db *DB
	var err error
	switch {
	case strings.HasPrefix(o.URL, "postgres://"), strings.HasPrefix(o.URL, "postgresql://"):
		db, err = openPostgres(ctx, o.URL)
	case o.URL == "", strings.HasPrefix(o.URL, "sqlite:"):
		path := strings.TrimPrefix(o.URL, "sqlite:")
		if path == "" {
			path = filepath.Join(o.DataDir, "sigap.db")
		}
		db, err = openSQLite(path)
	default:
		return nil, fmt.Errorf("store: database URL %q: use postgres://user:pass@host/db or sqlite:/path/file.db", redact(o.URL))
	}
	if err != nil {
		return nil, err
	}
	db.log = o.Logger
	if err := db.migrate(ctx); err != nil {
		db.closePools()
		return nil, err
	}
	db.writer = newWriter(db)
	return db, nil
}

func openSQLite(path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: create %s: %w", filepath.Dir(path), err)
	}
	// The database holds API key hashes and sessions: a new one is readable by
	// its owner only (an empty file is an empty SQLite database). SQLite gives
	// the -wal and -shm files it creates the database file's mode. An existing
	// file keeps the mode its operator chose.
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		f.Close()
	} else if !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("store: create %s: %w", path, err)
	}
	// Pragmas go in the DSN so every pooled connection gets them; busy_timeout
	// first. synchronous(FULL) makes each commit durable; group commit pays for it.
	dsn := func(extra string) string {
		return "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(ON)" +
			"&_pragma=synchronous(FULL)" + extra
	}
	// temp_store(MEMORY): each caller in a group commit runs in a savepoint, and
	// SQLite copies every page a savepoint touches to a sub-journal; in a temp
	// file that cost a pwrite per page (22% of intake CPU, measured).
	// cache_size(-65536), 64 MiB for the one writer: with SQLite's 2 MiB
	// default a page of 10,000 feed entries re-read the index pages it had
	// just written from the OS (a pread each) and spilled them mid-transaction.
	write, err := sql.Open("sqlite", dsn("&_txlock=immediate&_pragma=temp_store(MEMORY)&_pragma=cache_size(-65536)"))
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	read, err := sql.Open("sqlite", dsn("&_pragma=query_only(ON)"))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)
	if err := write.Ping(); err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("store: sqlite %s: %w", path, err)
	}
	return &DB{read: read, write: write, dialect: SQLite, readStmts: newStmtCache(read, false), writeStmts: newStmtCache(write, true)}, nil
}

func openPostgres(ctx context.Context, u string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(u)
	if err != nil {
		return nil, fmt.Errorf("store: postgres URL %s: %w", redact(u), err)
	}
	if cfg.MaxConns < 16 {
		cfg.MaxConns = 16
	}
	// A replica paused in the middle of a transaction (SIGSTOP, a VM frozen,
	// a GC stall of the host) holds its row locks, the log's sequence row
	// among them, and so would stall every other replica's writes, lease
	// take-overs included, until it woke. PostgreSQL ends such a session
	// after this long idle in its transaction; sigap's own transactions are
	// never idle for more than a moment. The URL may set another value.
	if _, ok := cfg.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"]; !ok {
		cfg.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"] = "5000"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: connect to %s: %w", redact(u), err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: connect to %s: %w (is PostgreSQL running and the database created?)", redact(u), err)
	}
	db := stdlib.OpenDBFromPool(pool)
	return &DB{read: db, write: db, dialect: Postgres, closePool: pool.Close}, nil
}

// redact hides a password in a database URL before it is logged or shown.
func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparseable URL)"
	}
	return p.Redacted()
}

func (db *DB) migrate(ctx context.Context) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("store: migrate %s: %w", db.dialect, err)
	}
	for _, r := range res {
		db.log.Info("migrated schema", "dialect", db.dialect.String(), "version", r.Source.Version, "file", r.Source.Path)
	}
	return nil
}

// provider returns goose's runner over the migrations rendered for db's engine.
func (db *DB) provider() (*goose.Provider, error) {
	src, err := migrations.FS(migrations.Dialect(db.dialect.String()))
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	gd := goose.DialectSQLite3
	var opts []goose.ProviderOption
	if db.dialect == Postgres {
		gd = goose.DialectPostgres
		// Replicas started together on a fresh database: one migrates, the others wait.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, fmt.Errorf("store: migrations: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(gd, db.write, src, opts...)
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	return p, nil
}

// Dialect tells which engine this is.
func (db *DB) Dialect() Dialect { return db.dialect }

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

// Close stops the writer (committing what it holds) and closes the pools.
func (db *DB) Close() error {
	if db.writer != nil {
		db.writer.stop()
	}
	return db.closePools()
}

func (db *DB) closePools() error {
	db.readStmts.close()
	db.writeStmts.close()
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	if db.closePool != nil {
		db.closePool()
	}
	return err
}

// rebind turns ? placeholders into $1, $2, ... for PostgreSQL.
func rebind(d Dialect, q string) string {
	if d != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

func (db *DB) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if s := db.readStmts.get(ctx, q); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return db.read.QueryContext(ctx, rebind(db.dialect, q), args...)
}

func (db *DB) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if s := db.readStmts.get(ctx, q); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return db.read.QueryRowContext(ctx, rebind(db.dialect, q), args...)
}

// rowScanner is what a scan function reads one row from: *sql.Row or *sql.Rows.
type rowScanner = interface{ Scan(...any) error }

// querier runs a read: DB on its read pool, Tx inside its write transaction.
type querier interface {
	query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	queryRow(ctx context.Context, q string, args ...any) *sql.Row
}

// queryOne runs q and reads the one row it selects with scan. No row is
// ErrNotFound; errors are wrapped as "store: what: ...".
func queryOne[T any](ctx context.Context, qr querier, what string, scan func(rowScanner) (T, error), q string, args ...any) (T, error) {
	v, err := scan(qr.queryRow(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		var zero T
		return zero, fmt.Errorf("store: %s: %w", what, err)
	}
	return v, nil
}

// queryAll runs q and reads every row it returns with scan, so that a list
// is its SQL and its record's scan function rather than one more rows loop.
// Errors are wrapped as "store: what: ..."; no rows is a nil slice, as the
// loops it replaced returned.
func queryAll[T any](ctx context.Context, qr querier, what string, scan func(rowScanner) (T, error), q string, args ...any) ([]T, error) {
	rows, err := qr.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return out, nil
}

// scanString reads a row of one text column.
func scanString(r rowScanner) (string, error) {
	var s string
	err := r.Scan(&s)
	return s, err
}

// countBy runs q, a GROUP BY whose rows are a key and its count, into a map.
func countBy(ctx context.Context, qr querier, what, q string, args ...any) (map[string]int, error) {
	type keyCount struct {
		key string
		n   int
	}
	rows, err := queryAll(ctx, qr, what, func(r rowScanner) (keyCount, error) {
		var c keyCount
		err := r.Scan(&c.key, &c.n)
		return c, err
	}, q, args...)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int, len(rows))
	for _, c := range rows {
		out[c.key] = c.n
	}
	return out, nil
}
