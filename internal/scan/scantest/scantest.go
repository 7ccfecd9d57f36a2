package scantest

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"testing"

	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/rulelist"
	"github.com/sigap/sigap/internal/scan"
	"github.com/sigap/sigap/internal/server"
	"github.com/sigap/sigap/internal/textnorm/testcorpus"
)

// Server starts sigap with cfg (on SQLite in a temporary directory of tb
// unless cfg names a data dir), closed when tb ends, and returns it with its
// administrator.
func Server(tb testing.TB, cfg config.Config) (*server.Server, org.Caller) {
	tb.Helper()
	ctx := context.Background()
	cfg.Addr = "127.0.0.1:0"
	if cfg.DataDir == "" {
		cfg.DataDir = tb.TempDir()
	}
	s, err := server.New(ctx, cfg, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	admin, err := s.DB.CallerByKeyHash(ctx, org.HashSecret(s.AdminKey))
	if err != nil {
		tb.Fatal(err)
	}
	return s, admin
}

// List makes the rule list in on s as admin and imports items into it.
func List(tb testing.TB, s *server.Server, admin org.Caller, in filterset.CreateInput, items []filterset.Item) filterset.Set {
	tb.Helper()
	ctx := context.Background()
	set, err := s.API.Lists.Create(ctx, admin, in)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := s.API.Lists.Import(ctx, admin, set.ID, items); err != nil {
		tb.Fatal(err)
	}
	return set
}

// Keywords are n keyword entries of seed's corpus that no post contains
// (each starts "zq"), so that a scan measures matching and not the storing
// of hits.
func Keywords(seed uint64, n int) []filterset.Item {
	var out []filterset.Item
	for _, k := range testcorpus.New(seed).Keywords(n + n/5) {
		k = "zq" + k
		if _, _, err := rulelist.Check("keyword", k); err == nil && len(out) < n {
			out = append(out, filterset.Item{Value: k})
		}
	}
	return out
}

// Posts are n posts of 1 KB of mixed corpus text in 100 channels, with
// message ids 1 to n, each linking a news site (one of 50) and a Telegram
// message.
func Posts(n int) []scan.Post {
	g := testcorpus.New(11)
	posts := make([]scan.Post, n)
	for i := range posts {
		posts[i] = scan.Post{Channel: fmt.Sprintf("chan%d", i%100), MessageID: scan.FlexString(strconv.Itoa(i + 1)),
			Text: g.Post(1000), Links: []string{fmt.Sprintf("https://news-%d.example/a/%d", i%50, i), "https://t.me/somechannel/5"}}
	}
	return posts
}
