package cli

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store/storetest"
)

// status is the answer's status to GET /v1/notices with key.
func status(t *testing.T, base, key string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/v1/notices", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestKeyCommands(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		ctx := t.Context()
		s, ts := startServer(t, config.Config{DataDir: e.Dir, DB: e.URL, ShutdownTimeout: 5 * time.Second})
		o, _ := s.API.Admin.CreateOrg(ctx, "Komdigi", org.KindAuthority, "")
		orgAdmin, _ := s.API.Admin.CreateKey(ctx, o.ID, org.RoleAdmin)
		k, _ := s.API.Admin.CreateKey(ctx, o.ID, org.RoleAuthority)
		if st := status(t, ts.URL, k.Secret); st != 200 {
			t.Fatalf("the key before: %d", st)
		}
		conn := []string{"--server", ts.URL, "--key", orgAdmin.Secret}

		// list: the org is the admin key's own; the key's last use shows, never a secret.
		out, errOut, code := run(t, append([]string{"key", "list"}, conn...)...)
		if code != 0 || !strings.Contains(out, k.ID) || !strings.Contains(out, "WIB") || strings.Contains(out, "sgp_") {
			t.Fatalf("key list: %d\n%s%s", code, out, errOut)
		}
		line := ""
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, k.ID) {
				line = l
			}
		}
		if strings.Count(line, "UTC") != 2 || !strings.Contains(line, "authority") {
			t.Errorf("the key's line shows created and last used, nothing else: %q", line)
		}

		// rotate: the new key alone on stdout; both work during the overlap.
		out, errOut, code = run(t, append([]string{"key", "rotate", "--overlap", "1h"}, append(conn, k.ID)...)...)
		fresh := strings.TrimSpace(out)
		if code != 0 || !strings.HasPrefix(fresh, "sgp_") || strings.Contains(fresh, "\n") || !strings.Contains(errOut, "stops working at") {
			t.Fatalf("key rotate: %d\n%s%s", code, out, errOut)
		}
		if status(t, ts.URL, fresh) != 200 || status(t, ts.URL, k.Secret) != 200 {
			t.Error("during the overlap both keys must work")
		}

		// revoke: refused from now on; twice is no error; an unknown key is.
		for range 2 {
			if out, errOut, code := run(t, append([]string{"key", "revoke", "--org", o.ID}, append(conn, k.ID)...)...); code != 0 {
				t.Fatalf("key revoke: %d\n%s%s", code, out, errOut)
			}
		}
		if st := status(t, ts.URL, k.Secret); st != 401 {
			t.Errorf("a revoked key: %d", st)
		}
		if _, errOut, code := run(t, append([]string{"key", "revoke"}, append(conn, "key_nosuch")...)...); code == 0 || !strings.Contains(errOut, "404") {
			t.Errorf("revoking an unknown key: %d %s", code, errOut)
		}
		if _, _, code := run(t, append([]string{"key", "revoke"}, conn...)...); code == 0 {
			t.Error("revoke without a KEY_ID succeeded")
		}
		if _, _, code := run(t, "key", "frobnicate"); code != 1 {
			t.Errorf("an unknown subcommand: %d", code)
		}

		// The changes are audit entries of the log, and the log still verifies.
		if _, err := s.API.TransLog.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		args := []string{"log", "verify", "--data", e.Dir}
		if e.URL != "" {
			args = append(args, "--db", e.URL)
		}
		if out, errOut, code := run(t, args...); code != 0 || !strings.Contains(out, "OK:") {
			t.Errorf("log verify after key changes: %d\n%s%s", code, out, errOut)
		}
	})
}
