package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for schema set-up

	"github.com/sigap/sigap/internal/store"
)

// Environment variables that steer the PostgreSQL half of the suite.
const (
	// EnvURL names a PostgreSQL server to test against (a database the user may create schemas in).
	EnvURL = "SIGAP_TEST_POSTGRES"
	// EnvRequire makes a missing PostgreSQL a failure instead of a skip (CI sets it).
	EnvRequire = "SIGAP_REQUIRE_POSTGRES"
)

var (
	pgOnce    sync.Once
	pgBaseURL string
	pgWhy     string
	pgStop    func()
)

// postgresURL returns the server to use, starting a private one from local
// binaries if none was given, or "" and the reason there is none.
func postgresURL() (string, string) {
	pgOnce.Do(func() {
		if u := os.Getenv(EnvURL); u != "" {
			pgBaseURL = u
			return
		}
		l, err := startLocal()
		if err != nil {
			pgWhy = err.Error()
			return
		}
		pgBaseURL, pgStop = l.URL, l.Stop
	})
	return pgBaseURL, pgWhy
}

// Main runs the package's tests and then stops any PostgreSQL this process started.
func Main(m interface{ Run() int }) int {
	code := m.Run()
	if pgStop != nil {
		pgStop()
	}
	return code
}

// Engine is one database under test.
type Engine struct {
	Name string
	URL  string // "" for SQLite in DataDir
	Dir  string
}

// Each runs fn once per engine, each with a fresh, migrated, empty database.
func Each(t *testing.T, fn func(t *testing.T, e Engine)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, Engine{Name: "sqlite", Dir: t.TempDir()})
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, Engine{Name: "postgres", URL: PostgresURL(t), Dir: t.TempDir()})
	})
}

// PostgresURL returns the URL of a fresh, empty schema on the test
// PostgreSQL server, dropped when t ends. Without a server it skips t, or
// fails it when SIGAP_REQUIRE_POSTGRES is set (as CI does).
func PostgresURL(t *testing.T) string {
	t.Helper()
	base, why := postgresURL()
	if base == "" {
		if os.Getenv(EnvRequire) != "" {
			t.Fatalf("PostgreSQL is required (%s is set) but unavailable: %s", EnvRequire, why)
		}
		t.Skipf("PostgreSQL unavailable (%s); set %s=postgres://... or install Debian's postgresql to run this half", why, EnvURL)
	}
	return freshSchema(t, base)
}

// EachDB runs fn once per engine with a fresh database opened for t and a
// context: the start most store tests share.
func EachDB(t *testing.T, fn func(ctx context.Context, t *testing.T, db *store.DB)) {
	t.Helper()
	Each(t, func(t *testing.T, e Engine) { fn(context.Background(), t, Open(t, e)) })
}

// Open opens the engine's database for t and closes it when t ends.
func Open(t *testing.T, e Engine) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), store.Options{URL: e.URL, DataDir: e.Dir})
	if err != nil {
		t.Fatalf("open %s: %v", e.Name, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// freshSchema creates an empty schema for one test and returns a URL whose
// connections use it; the schema is dropped when the test ends.
func freshSchema(t *testing.T, base string) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("postgres: create schema: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err == nil {
			_, _ = a.Exec("DROP SCHEMA " + schema + " CASCADE")
			a.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("postgres URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	// Tests share one database; the schema's name on each connection tells
	// a test's own sessions apart in pg_stat_activity.
	q.Set("application_name", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// pgBinDir finds Debian's PostgreSQL server binaries.
func pgBinDir() (string, error) {
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(matches) == 0 {
		return "", fmt.Errorf("no %s and no PostgreSQL binaries under /usr/lib/postgresql", EnvURL)
	}
	return filepath.Dir(matches[len(matches)-1]), nil
}
