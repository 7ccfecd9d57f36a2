package cli

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sigap/sigap/internal/client"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/server"
)

// startServer runs a real server with cfg behind an HTTP test server, both
// closed when t ends; without cfg.DataDir it keeps its SQLite database in a
// directory of t's own.
func startServer(t *testing.T, cfg config.Config) (*server.Server, *httptest.Server) {
	t.Helper()
	return startServerAt(t, cfg, nil)
}

// startServerAt is startServer on clk (nil: the wall clock).
func startServerAt(t *testing.T, cfg config.Config, clk clock.Clock) (*server.Server, *httptest.Server) {
	t.Helper()
	cfg.Addr = "127.0.0.1:0"
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	s, err := server.New(context.Background(), cfg, slog.New(slog.DiscardHandler), clk)
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
	ctx := t.Context()
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

// fileOrder files a terrorism order for the link https://t.me/s/CHANNEL/1
// with key on the server at base, failing t unless it is accepted, and
// returns the answer: the notice with its signed receipt.
func fileOrder(t *testing.T, base, key, channel string) []byte {
	t.Helper()
	var answer json.RawMessage
	resp, err := client.New(base, key).Do(t.Context(), "POST", "/v1/notices", map[string]any{
		"kind": "order", "category": "terrorism", "explanation": "x", "legal_basis": "UU ITE Pasal 40",
		"subjects": []map[string]string{{"url": "https://t.me/s/" + channel + "/1"}},
	}, nil, &answer)
	if err != nil {
		t.Fatalf("file an order: %v", err)
	}
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("file an order: %s, want 201", resp.Status)
	}
	return answer
}
