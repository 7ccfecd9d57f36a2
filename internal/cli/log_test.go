package cli

import (
	"bytes"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/store/storetest"
)

// rawDB opens the engine's database behind sigap's back, as a tamperer would.
func rawDB(t *testing.T, e storetest.Engine) *sql.DB {
	t.Helper()
	driver, dsn := "sqlite", "file:"+filepath.Join(e.Dir, "sigap.db")+"?_pragma=busy_timeout(10000)"
	if e.URL != "" {
		driver, dsn = "pgx", e.URL
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestLogVerify(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		ctx := t.Context()
		s, ts := startServer(t, config.Config{DataDir: e.Dir, DB: e.URL, ShutdownTimeout: 5 * time.Second})
		key := authorityKey(t, s)
		submit := func(i int) { fileOrder(t, ts.URL, key, fmt.Sprintf("chan%d", i)) }
		sign := func() {
			if _, err := s.API.TransLog.Sync(ctx); err != nil {
				t.Fatal(err)
			}
		}
		dir := t.TempDir()
		prev, cur := filepath.Join(dir, "prev.checkpoint"), filepath.Join(dir, "cur.checkpoint")
		dbArgs := []string{"--data", e.Dir}
		if e.URL != "" {
			dbArgs = append(dbArgs, "--db", e.URL)
		}
		verify := func(args ...string) (string, int) {
			t.Helper()
			out, errOut, code := run(t, append([]string{"log", "verify"}, args...)...)
			return out + errOut, code
		}
		for i := range 3 {
			submit(i)
		}
		sign()
		// Four audit entries come first: the platform org and its admin key
		// made on the first start, then the authority org and its key.
		if out, code := verify(append(dbArgs, "--save", prev)...); code != 0 || !strings.Contains(out, "OK: 10 events") {
			t.Fatalf("first audit: %d\n%s", code, out)
		}
		for i := 3; i < 5; i++ {
			submit(i)
		}
		sign()
		if out, code := verify(append(dbArgs, "--previous", prev, "--save", cur)...); code != 0 || !strings.Contains(out, "consistent with the previous checkpoint of 10 entries") {
			t.Fatalf("second audit: %d\n%s", code, out)
		}
		// Online, with the key pinned: the server's consistency proof.
		vkey, _, _ := run(t, "log", "key", "--data", e.Dir)
		if out, code := verify("--server", ts.URL, "--key", strings.TrimSpace(vkey), "--previous", prev); code != 0 || !strings.Contains(out, "(server's proof)") {
			t.Errorf("online: %d\n%s", code, out)
		}

		// A forged checkpoint: its size line changed, the signature kept.
		b, _ := os.ReadFile(cur)
		forged := filepath.Join(dir, "forged.checkpoint")
		os.WriteFile(forged, bytes.Replace(b, []byte("\n14\n"), []byte("\n15\n"), 1), 0o600)
		if out, code := verify(append(dbArgs, "--checkpoint", forged)...); code == 0 || !strings.Contains(out, "does not verify") {
			t.Errorf("forged checkpoint: %d\n%s", code, out)
		}
		// A checkpoint signed by another key.
		other := t.TempDir()
		okey, _, _ := run(t, "log", "keygen", "--data", other)
		if out, code := verify(append(dbArgs, "--key", strings.TrimSpace(okey))...); code == 0 || !strings.Contains(out, "no signature by the log key") {
			t.Errorf("other key: %d\n%s", code, out)
		}
		// A stale checkpoint: older than the one already seen.
		if out, code := verify(append(dbArgs, "--checkpoint", prev, "--previous", cur)...); code == 0 || !strings.Contains(out, "STALE") {
			t.Errorf("stale checkpoint: %d\n%s", code, out)
		}

		// Tamper: edit one event row directly.
		raw := rawDB(t, e)
		var seq int64
		var nid string
		if err := raw.QueryRow(`SELECT seq, notice_id FROM events WHERE type = 'notice.received' ORDER BY seq LIMIT 1 OFFSET 1`).Scan(&seq, &nid); err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(`UPDATE events SET data = REPLACE(data, '"order"', '"referral"') WHERE seq = ` + fmt.Sprint(seq)); err != nil {
			t.Fatal(err)
		}
		out, code := verify(append(dbArgs, "--previous", prev)...)
		want := fmt.Sprintf("TAMPERED: event seq %d (notice.received, notice %s", seq, nid)
		if code == 0 || !strings.Contains(out, want) || strings.Count(out, "TAMPERED") != 1 {
			t.Errorf("tampered event: %d, want one %q\n%s", code, want, out)
		}
		if !strings.Contains(out, "the log does not verify: 1 finding\n") {
			t.Errorf("tampered event: want \"1 finding\" in the verdict\n%s", out)
		}
		// Deleting an event is named by its log index.
		if _, err := raw.Exec(`DELETE FROM events WHERE seq = ` + fmt.Sprint(seq+1)); err != nil {
			t.Fatal(err)
		}
		if out, code := verify(dbArgs...); code == 0 || !strings.Contains(out, "has no event") {
			t.Errorf("deleted event: %d\n%s", code, out)
		}
		// An event inserted outside sigap has no log entry.
		if _, err := raw.Exec(`INSERT INTO events (at, type, notice_id, data) VALUES (1, 'notice.received', 'ntc_forged', '{}')`); err != nil {
			t.Fatal(err)
		}
		if out, code := verify(dbArgs...); code == 0 || !strings.Contains(out, "notice ntc_forged): the event is not in the log") {
			t.Errorf("inserted event: %d\n%s", code, out)
		}
	})
}

func TestLogVerifyBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"log"}, "usage"},
		{[]string{"log", "verify"}, "give the database"},
		{[]string{"log", "verify", "--server", "http://127.0.0.1:1", "--key", "not-a-key"}, "not a note verifier key"},
		{[]string{"log", "keygen", "--data", dir, "--origin", "has space"}, "origin"},
		{[]string{"log", "key", "--data", t.TempDir()}, "log key"},
	} {
		out, errOut, code := run(t, tc.args...)
		if code == 0 || !strings.Contains(out+errOut, tc.want) {
			t.Errorf("%v: exit %d, want an error with %q: %s%s", tc.args, code, tc.want, out, errOut)
		}
	}
}
