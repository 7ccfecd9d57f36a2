package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/sigap/sigap/internal/audit"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/receipt"
	"github.com/sigap/sigap/internal/server"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
	"github.com/sigap/sigap/internal/translog"
)

// runAt runs the command line on the test's clock.
func runAt(t *testing.T, clk clock.Clock, args ...string) (string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	env := testEnv(&out, &errb, nil)
	env.Now = clk.Now
	code := Main(t.Context(), env, args)
	return out.String() + errb.String(), code
}

// TestKeysRotate rotates both signing keys of a running service with
// `sigap keys rotate` and follows a receipt and the log across it.
func TestKeysRotate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		ctx := t.Context()
		clk := clock.NewFixed(time.Now())
		s, ts := startServerAt(t, config.Config{DataDir: e.Dir, DB: e.URL, ShutdownTimeout: 5 * time.Second}, clk)
		s.Signer.UseClock(clk.Now)
		key := authorityKey(t, s)
		dir := t.TempDir()
		get := func(path, key string) []byte {
			t.Helper()
			req, _ := http.NewRequest("GET", ts.URL+path, nil)
			if key != "" {
				req.Header.Set("Authorization", "Bearer "+key)
			}
			resp, err := ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var b bytes.Buffer
			b.ReadFrom(resp.Body)
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b.Bytes())
			}
			return b.Bytes()
		}
		save := func(name string, b []byte) string {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, b, 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}
		submit := func(i int) (path, keyID string) {
			t.Helper()
			answer := fileOrder(t, ts.URL, key, fmt.Sprintf("rot%d", i))
			var v struct{ Receipt receipt.Receipt }
			if err := json.Unmarshal(answer, &v); err != nil {
				t.Fatal(err)
			}
			return save(fmt.Sprintf("notice%d.json", i), answer), v.Receipt.KeyID
		}
		keysNow := func() []receipt.PublicKey {
			var v struct{ Keys []receipt.PublicKey }
			if err := json.Unmarshal(get("/v1/keys", ""), &v); err != nil {
				t.Fatal(err)
			}
			return v.Keys
		}
		logKeysNow := func() []translog.KeyInfo {
			var v struct{ Keys []translog.KeyInfo }
			if err := json.Unmarshal(get("/v1/log/keys", ""), &v); err != nil {
				t.Fatal(err)
			}
			return v.Keys
		}
		reload := func() {
			t.Helper()
			if err := s.Signer.Reload(ctx); err != nil {
				t.Fatal(err)
			}
			if err := s.TransLog.ReloadKeys(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := s.TransLog.Sync(ctx); err != nil {
				t.Fatal(err)
			}
		}
		dbArgs := []string{"--data", e.Dir}
		if e.URL != "" {
			dbArgs = append(dbArgs, "--db", e.URL)
		}

		before, oldID := submit(0)
		keys0 := save("keys0.json", get("/v1/keys", ""))
		reload()
		cp0 := save("cp0", get("/v1/log/checkpoint", ""))
		oldLogKey := strings.TrimSpace(string(get("/v1/log/key", "")))

		out, code := runAt(t, clk, append([]string{"keys", "rotate", "--announce", "1h"}, dbArgs...)...)
		if code != 0 || strings.Count(out, "announced") != 2 {
			t.Fatalf("keys rotate: %d\n%s", code, out)
		}
		reload()

		// Announced: listed, not yet signing receipts, co-signing checkpoints.
		ks := keysNow()
		if len(ks) != 2 || ks[0].KeyID != oldID || ks[0].Status != "active" || ks[1].Status != "announced" ||
			!ks[0].NotAfter.Equal(ks[1].NotBefore) || ks[1].NotBefore.Before(clk.Now().Add(time.Hour-time.Second)) {
			t.Fatalf("GET /v1/keys during the announcement: %+v", ks)
		}
		newID := ks[1].KeyID
		if _, id := submit(1); id != oldID {
			t.Errorf("a receipt during the announcement is signed by %s, want the active %s", id, oldID)
		}
		lks := logKeysNow()
		if len(lks) != 2 || lks[0].VerifierKey != oldLogKey || lks[0].Status != "active" || lks[1].Status != "announced" {
			t.Fatalf("GET /v1/log/keys during the announcement: %+v", lks)
		}
		if got := strings.TrimSpace(string(get("/v1/log/key", ""))); got != oldLogKey {
			t.Errorf("GET /v1/log/key during the announcement is %s, want the current %s", got, oldLogKey)
		}
		reload()
		during := get("/v1/log/checkpoint", "")
		for _, lk := range lks {
			v, err := note.NewVerifier(lk.VerifierKey)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := note.Open(during, note.VerifierList(v)); err != nil {
				t.Errorf("the checkpoint during the announcement does not verify with %s alone: %v\n%s", lk.KeyID, err, during)
			}
		}

		// Both rotations are in the audit record.
		var items struct{ Items []audit.Item }
		if err := json.Unmarshal(get("/v1/audit", s.AdminKey), &items); err != nil {
			t.Fatal(err)
		}
		objects := map[string]bool{}
		for _, it := range items.Items {
			if it.Action == audit.SigningKeyRotated && it.Actor == keysActor && it.LogIndex > 0 {
				objects[it.Object] = true
			}
		}
		if !objects[newID] || !objects[lks[1].KeyID] {
			t.Errorf("audit entries for %s and %s missing: %+v", newID, lks[1].KeyID, items.Items)
		}

		// Taken over: the new key signs, the old one is retired and listed.
		clk.Advance(time.Hour + time.Second)
		reload()
		after, id := submit(2)
		if id != newID {
			t.Errorf("a receipt after the swap is signed by %s, want the new %s", id, newID)
		}
		ks = keysNow()
		if len(ks) != 2 || ks[0].Status != "retired" || ks[1].Status != "active" {
			t.Fatalf("GET /v1/keys after the swap: %+v", ks)
		}
		keys1 := save("keys1.json", get("/v1/keys", ""))
		if out, code := run2(t, "receipt", "verify", "--keys", keys1, before); code != 0 || !strings.Contains(out, "retired") {
			t.Errorf("the receipt from before the rotation, with the keys listed after: %d\n%s", code, out)
		}
		if out, code := run2(t, "receipt", "verify", "--server", ts.URL, after); code != 0 {
			t.Errorf("the new receipt online: %d\n%s", code, out)
		}
		if out, code := run2(t, "receipt", "verify", "--keys", keys0, after); code == 0 || !strings.Contains(out, "unknown signing key") {
			t.Errorf("the new receipt with only the old key: %d\n%s", code, out)
		}
		offline := []receipt.PublicKey{}
		for _, k := range ks {
			offline = append(offline, k)
		}
		var r0 struct{ Receipt receipt.Receipt }
		b0, _ := os.ReadFile(before)
		json.Unmarshal(b0, &r0)
		if _, err := receipt.Verify(r0.Receipt, offline); err != nil {
			t.Errorf("offline with the listed keys: %v", err)
		}

		// The log verifies across the rotation, from the database and online.
		if out, code := run2(t, append([]string{"log", "verify", "--previous", cp0}, dbArgs...)...); code != 0 || !strings.Contains(out, "OK: consistent") {
			t.Errorf("log verify --data across the rotation: %d\n%s", code, out)
		}
		if out, code := run2(t, "log", "verify", "--server", ts.URL, "--previous", cp0); code != 0 || !strings.Contains(out, "OK: consistent") {
			t.Errorf("log verify --server across the rotation: %d\n%s", code, out)
		}
		if out, code := run2(t, "log", "verify", "--server", ts.URL, "--key", lks[1].VerifierKey, "--key", lks[1].VerifierKey, "--previous", cp0); code == 0 || !strings.Contains(out, "INVALID: previous") {
			t.Errorf("the checkpoint from before the rotation with only the new key pinned: %d\n%s", code, out)
		}
		if out, code := run2(t, "log", "verify", "--server", ts.URL, "--key", oldLogKey, "--key", lks[1].VerifierKey, "--previous", cp0); code != 0 {
			t.Errorf("both keys pinned across the rotation: %d\n%s", code, out)
		}
		if out, code := run2(t, "log", "verify", "--server", ts.URL, "--key", oldLogKey); code == 0 || !strings.Contains(out, "INVALID") {
			t.Errorf("the new checkpoint with only the retired key pinned: %d\n%s", code, out)
		}
		if out, code := runAt(t, clk, "keys", "list", "--data", e.Dir); code != 0 || strings.Count(out, "retired") != 2 || strings.Count(out, "active") != 2 {
			t.Errorf("keys list: %d\n%s", code, out)
		}
	})
}

func run2(t *testing.T, args ...string) (string, int) {
	t.Helper()
	out, errOut, code := run(t, args...)
	return out + errOut, code
}

// TestKeysRotateRefuses checks bad input changes nothing: a corrupt key, a
// rotation during another, a data dir without its database.
func TestKeysRotateRefuses(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	data := t.TempDir()
	s, err := server.New(ctx, config.Config{Addr: "127.0.0.1:0", DataDir: data, ShutdownTimeout: 5 * time.Second}, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	snapshot := func() map[string]string {
		out := map[string]string{}
		for _, n := range []string{"receipt-signing.key", "log-signing.key", receipt.RingFile, translog.RingFile} {
			b, _ := os.ReadFile(filepath.Join(data, n))
			out[n] = string(b)
		}
		return out
	}
	audited := func() int {
		db, err := store.Open(ctx, store.Options{DataDir: data})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		items, err := db.AuditItems(ctx, store.AuditQuery{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, it := range items {
			if it.Action == audit.SigningKeyRotated {
				n++
			}
		}
		return n
	}
	clk := clock.NewFixed(time.Now())

	good := snapshot()
	logKey := good["log-signing.key"]
	if err := os.WriteFile(filepath.Join(data, "log-signing.key"), []byte("PRIVATE+KEY+sigap.local/log+00000000+AAAA\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	corrupt := snapshot()
	out, code := runAt(t, clk, "keys", "rotate", "--data", data)
	if code == 0 || !strings.Contains(out, "log-signing.key") {
		t.Errorf("rotate with a corrupt log key: %d\n%s", code, out)
	}
	if got := snapshot(); fmt.Sprint(got) != fmt.Sprint(corrupt) || audited() != 0 {
		t.Errorf("a refused rotation changed the keys or the audit record")
	}
	os.WriteFile(filepath.Join(data, "log-signing.key"), []byte(logKey), 0o600)

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"bad only", []string{"--data", data, "--only", "dsa"}, "receipt or log"},
		{"negative", []string{"--data", data, "--announce", "-1h"}, "negative"},
		{"no database", []string{"--data", t.TempDir()}, "has sigap started"},
	}
	for _, tt := range tests {
		if out, code := runAt(t, clk, append([]string{"keys", "rotate"}, tt.args...)...); code == 0 || !strings.Contains(out, tt.want) {
			t.Errorf("%s: %d\n%s", tt.name, code, out)
		}
	}
	if fmt.Sprint(snapshot()) != fmt.Sprint(good) || audited() != 0 {
		t.Error("refused rotations changed something")
	}

	if out, code := runAt(t, clk, "keys", "rotate", "--data", data, "--only", "receipt"); code != 0 || strings.Count(out, "announced") != 1 {
		t.Fatalf("rotate the receipt key: %d\n%s", code, out)
	}
	once := snapshot()
	if out, code := runAt(t, clk, "keys", "rotate", "--data", data); code == 0 || !strings.Contains(out, "already announced") {
		t.Errorf("a second rotation during the announcement: %d\n%s", code, out)
	}
	if fmt.Sprint(snapshot()) != fmt.Sprint(once) || audited() != 1 || once[translog.RingFile] != "" {
		t.Errorf("the refused second rotation changed something (audit entries %d)", audited())
	}
}
