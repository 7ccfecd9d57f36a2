package cli

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strconv"
	"testing"

	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/server"
)

// TestBenchServersCheck runs intake against two running "replicas", the
// second of which is dead from the start: the clients move to the live one,
// and --check finds every acknowledged notice with a valid receipt; a
// service that lost one would fail the check.
func TestBenchServersCheck(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := server.New(ctx, config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir()}, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	o, _ := s.API.Admin.CreateOrg(ctx, "Komdigi", org.KindAuthority, "")
	k, _ := s.API.Admin.CreateKey(ctx, o.ID, org.RoleAuthority)
	ts := httptest.NewServer(s.Handler())
	dead := httptest.NewServer(nil)
	dead.Close()
	t.Cleanup(func() { ts.Close(); s.Close() })

	stdout, stderr, code := run(t, "bench", "intake", "--servers", ts.URL+","+dead.URL, "--key", k.Secret, "--clients", "4", "--duration", "1s", "--check")
	if code != 0 {
		t.Fatalf("bench --check: exit %d\n%s\n%s", code, stdout, stderr)
	}
	m := regexp.MustCompile(`check: (\d+) notices acknowledged; 0 missing, 0 receipts that do not verify`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no clean check line in:\n%s", stdout)
	}
	if n, _ := strconv.Atoi(m[1]); n == 0 {
		t.Fatalf("nothing acknowledged:\n%s", stdout)
	}
	if _, _, code := run(t, "bench", "--check", "intake"); code == 0 {
		t.Error("--check without --servers was accepted")
	}
}
