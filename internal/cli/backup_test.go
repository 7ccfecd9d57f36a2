package cli

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/backup"
	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/receipt"
	"github.com/sigap/sigap/internal/server"
	"github.com/sigap/sigap/internal/store/storetest"
)

// ackedNotice is what a client keeps of a 201: the id, its log index and the
// signed receipt.
type ackedNotice struct {
	ID       string          `json:"id"`
	LogIndex *int64          `json:"log_index"`
	Receipt  receipt.Receipt `json:"receipt"`
}

// TestRestoreDrill takes a backup while clients post notices, restores it
// (PostgreSQL: after the database is lost) and starts a server from the copy: every
// notice acknowledged before the backup began is there, its receipt verifies
// with the copy's key, and `sigap log verify` passes on the copy.
func TestRestoreDrill(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		ctx := t.Context()
		cfg := config.Config{Addr: "127.0.0.1:0", DataDir: e.Dir, DB: e.URL, ShutdownTimeout: 10 * time.Second}
		s, err := server.New(ctx, cfg, slog.New(slog.DiscardHandler), nil)
		if err != nil {
			t.Fatal(err)
		}
		o, _ := s.API.Admin.CreateOrg(ctx, "Komdigi", org.KindAuthority, "")
		k, _ := s.API.Admin.CreateKey(ctx, o.ID, org.RoleAuthority)
		sctx, stopServe := context.WithCancel(ctx)
		addr := make(chan string, 1)
		served := make(chan error, 1)
		go func() { served <- s.Serve(sctx, func(a string) { addr <- a }) }()
		base := "http://" + <-addr

		var mu sync.Mutex
		var acked []ackedNotice
		var stopLoad atomic.Bool
		var wg sync.WaitGroup
		hc := &http.Client{Timeout: 20 * time.Second}
		for c := range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; !stopLoad.Load(); i++ {
					body := fmt.Sprintf(`{"kind":"order","category":"terrorism","explanation":"x","legal_basis":"UU ITE Pasal 40","subjects":[{"url":"https://t.me/s/drill%d/%d"}]}`, c, i+1)
					req, _ := http.NewRequest("POST", base+"/v1/notices", strings.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+k.Secret)
					req.Header.Set("Content-Type", "application/json")
					resp, err := hc.Do(req)
					if err != nil {
						return
					}
					var n ackedNotice
					derr := json.NewDecoder(resp.Body).Decode(&n)
					resp.Body.Close()
					if resp.StatusCode != http.StatusCreated {
						continue
					}
					if derr != nil || n.LogIndex == nil {
						t.Errorf("201 without a notice: %v", derr)
						return
					}
					mu.Lock()
					acked = append(acked, n)
					mu.Unlock()
				}
			}()
		}
		count := func() int { mu.Lock(); defer mu.Unlock(); return len(acked) }
		for count() < 60 {
			time.Sleep(5 * time.Millisecond)
		}
		// Everything acknowledged so far; the load goes on during the backup.
		mu.Lock()
		before := append([]ackedNotice(nil), acked...)
		mu.Unlock()
		out := filepath.Join(t.TempDir(), "backup")
		args := []string{"backup", "--data", e.Dir, "--out", out}
		if e.URL != "" {
			args = append(args, "--db", e.URL)
		}
		stdout, stderr, code := run(t, args...)
		during := count() - len(before)
		stopLoad.Store(true)
		wg.Wait()
		stopServe()
		if err := <-served; err != nil {
			t.Error(err)
		}
		s.Close()
		if code != 0 {
			t.Fatalf("backup: exit %d\n%s%s", code, stdout, stderr)
		}
		t.Logf("%d notices acknowledged before the backup, %d while it ran", len(before), during)

		m, err := backup.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		var maxIndex int64
		for _, n := range before {
			maxIndex = max(maxIndex, *n.LogIndex)
		}
		if m.LogSize <= maxIndex || m.Engine != map[bool]string{true: "postgres", false: "sqlite"}[e.URL != ""] {
			t.Errorf("manifest: engine %s, log of %d entries; want %s and more than %d", m.Engine, m.LogSize, e.Name, maxIndex)
		}
		for _, f := range []string{"receipt-signing.key", "log-signing.key", "dsa-puid.key", "admin.key", backup.ManifestFile} {
			if info, err := os.Stat(filepath.Join(out, f)); err != nil || info.Mode().Perm() != 0o600 {
				t.Errorf("%s in the backup: %v; want mode 0600", f, err)
			}
		}

		// Where the copy runs: SQLite straight from the backup dir; PostgreSQL
		// restored first, into the place of a lost database. (Not a new
		// database: DROP DATABASE waits for a checkpoint, half a minute on
		// this shared machine; docs/operations.md restores into a new one.)
		data, dbURL := out, ""
		if e.URL != "" {
			loseSchema(t, e.URL)
			dbURL = e.URL
			data = filepath.Join(t.TempDir(), "restored")
			if stdout, stderr, code := run(t, "restore", "--from", out, "--data", data, "--db", dbURL); code != 0 {
				t.Fatalf("restore: exit %d\n%s%s", code, stdout, stderr)
			}
			// A second restore into the now full database is refused.
			if _, stderr, code := run(t, "restore", "--from", out, "--data", t.TempDir(), "--db", dbURL); code == 0 || !strings.Contains(stderr, "already holds sigap tables") {
				t.Errorf("restore into a full database: exit %d, %s", code, stderr)
			}
		}
		verifyArgs := []string{"log", "verify", "--data", data}
		if dbURL != "" {
			verifyArgs = append(verifyArgs, "--db", dbURL)
		}
		// The copy as it is, before any server signs anything in it.
		if stdout, stderr, code := run(t, verifyArgs...); code != 0 || !strings.Contains(stdout, "OK") {
			t.Errorf("log verify on the backup: exit %d\n%s%s", code, stdout, stderr)
		}
		again, err := server.New(ctx, config.Config{Addr: "127.0.0.1:0", DataDir: data, DB: dbURL, ShutdownTimeout: 10 * time.Second},
			slog.New(slog.DiscardHandler), nil)
		if err != nil {
			t.Fatal(err)
		}
		keys := []receipt.PublicKey{again.Signer.Public()}
		for _, n := range before {
			got, err := again.DB.Notice(ctx, n.ID, "")
			if err != nil {
				t.Errorf("notice %s acknowledged before the backup is not in it: %v", n.ID, err)
				continue
			}
			if _, err := receipt.Verify(n.Receipt, keys); err != nil || got.Receipt != n.Receipt {
				t.Errorf("notice %s: its receipt does not verify with the copy's key, or the copy holds another: %v", n.ID, err)
			}
		}
		if err := again.Close(); err != nil {
			t.Fatal(err)
		}
		if stdout, stderr, code := run(t, verifyArgs...); code != 0 || !strings.Contains(stdout, "OK") {
			t.Errorf("log verify after a start from the copy: exit %d\n%s%s", code, stdout, stderr)
		}
	})
}

// loseSchema drops the schema u's search_path names, as if the database
// had been lost: a restore then has to bring back everything.
func loseSchema(t *testing.T, u string) {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	schema := p.Query().Get("search_path")
	if schema == "" {
		t.Fatalf("%s names no schema", u)
	}
	db, err := sql.Open("pgx", u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
		t.Fatalf("drop the schema: %v", err)
	}
}

// TestBackupRefuses checks the refusals that keep a backup from mixing with
// another or going without its keys.
func TestBackupRefuses(t *testing.T) {
	t.Parallel()
	full := t.TempDir()
	os.WriteFile(filepath.Join(full, "x"), []byte("x"), 0o600)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no out", []string{"backup", "--data", t.TempDir()}, "usage"},
		{"out not empty", []string{"backup", "--data", t.TempDir(), "--out", full}, "not empty"},
		{"no keys", []string{"backup", "--data", t.TempDir(), "--out", filepath.Join(t.TempDir(), "b")}, "has no receipt-signing.key"},
		{"restore from nothing", []string{"restore", "--from", t.TempDir(), "--data", filepath.Join(t.TempDir(), "d")}, "not a sigap backup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := run(t, tt.args...)
			if code == 0 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want a failure saying %q (stdout %q)", code, stderr, tt.want, stdout)
			}
		})
	}
}
