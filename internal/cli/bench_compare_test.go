package cli

import (
	"database/sql"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/store/storetest"
)

// TestBenchCompare runs one short round on each engine: both take every
// request (0 failed), the report puts them side by side, and the round's
// PostgreSQL database is gone afterwards.
func TestBenchCompare(t *testing.T) {
	t.Parallel()
	u := storetest.PostgresURL(t)
	benchReports(t, []string{"--compare", u}, "round 1, SQLite", "round 1, PostgreSQL", "of SQLite)", "PostgreSQL/SQLite throughput:")
	db, err := sql.Open("pgx", u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var left int
	if err := db.QueryRow(`SELECT count(*) FROM pg_database WHERE datname = $1`, fmt.Sprintf("sigap_bench_%d_1", os.Getpid())).Scan(&left); err != nil || left != 0 {
		t.Errorf("the round's database is still there (%d, %v)", left, err)
	}
}

// TestBenchCompareRefuses checks --compare's bad input: each is a clear
// error before anything runs, and no password is echoed.
func TestBenchCompareRefuses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"not a PostgreSQL URL", []string{"--compare", "mysql://u:secret@host/db", "intake"}, "wants a postgres:// URL"},
		{"with --signed", []string{"--compare", "postgres://u@127.0.0.1:1/db", "--signed", "intake"}, "leave out --db and --signed"},
		{"with --db", []string{"--compare", "postgres://u@127.0.0.1:1/db", "--db", "postgres://u@127.0.0.1:1/x", "intake"}, "leave out --db and --signed"},
		{"nobody listening", []string{"--compare", "postgres://u:secret@127.0.0.1:1/db?connect_timeout=2", "--rounds", "1", "intake"}, "bench: --compare postgres://u:xxxxx@127.0.0.1:1/db"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := run(t, append([]string{"bench"}, tc.args...)...)
			if code == 0 || !strings.Contains(stderr, tc.want) || strings.Contains(stdout+stderr, "secret") {
				t.Errorf("exit %d, stderr %q; want a failure saying %q without the password", code, stderr, tc.want)
			}
		})
	}
}
