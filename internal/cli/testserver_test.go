package cli

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/server"
)

// startServer runs a real server with cfg behind an HTTP test server, both
// closed when t ends; without cfg.DataDir it keeps its SQLite database in a
// directory of t's own.
func startServer(t *testing.T, cfg config.Config) (*server.Server, *httptest.Server) {
	t.Helper()
	cfg.Addr = "127.0.0.1:0"
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	s, err := server.New(context.Background(), cfg, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() { ts.Close(); s.Close() })
	return s, ts
}

// authorityKey enrols the authority Komdigi on s and returns the secret of a key of its.
func authorityKey(t *testing.T, s *server.Server) string {
	t.Helper()
	ctx := context.Background()
	o, err := s.API.Admin.CreateOrg(ctx, "Komdigi", org.KindAuthority, "")
	if err != nil {
		t.Fatal(err)
	}
	k, err := s.API.Admin.CreateKey(ctx, o.ID, org.RoleAuthority)
	if err != nil {
		t.Fatal(err)
	}
	return k.Secret
}

// testServer starts a real server on SQLite and returns its URL and an authority key.
func testServer(t *testing.T) (string, string) {
	t.Helper()
	s, ts := startServer(t, config.Config{})
	return ts.URL, authorityKey(t, s)
}
