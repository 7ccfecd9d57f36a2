package scanstream_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/rulelist"
	"github.com/sigap/sigap/internal/scan"
	"github.com/sigap/sigap/internal/scanstream"
	"github.com/sigap/sigap/internal/server"
	"github.com/sigap/sigap/internal/textnorm/testcorpus"
)

// benchSigap starts sigap (SQLite) with 10,000 shadow keywords and 10,000 link rules.
func benchSigap(b *testing.B) *server.Server {
	b.Helper()
	ctx := context.Background()
	s, err := server.New(ctx, config.Config{Addr: "127.0.0.1:0", DataDir: b.TempDir()}, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	admin, _ := s.DB.CallerByKeyHash(ctx, org.HashSecret(s.AdminKey))
	kw, _ := s.API.Lists.Create(ctx, admin, rulelist.CreateInput{Name: "kw", Kind: "keyword", Policy: "shadow"})
	var entries []rulelist.EntryInput
	// Keywords the posts never contain, so the benchmark measures the scan
	// path itself and not the storing of hits.
	for _, k := range testcorpus.New(7).Keywords(12_000) {
		k = "zq" + k
		if _, _, err := s.API.Lists.Check("keyword", k); err == nil && len(entries) < 10_000 {
			entries = append(entries, rulelist.EntryInput{Value: k})
		}
	}
	if _, err := s.API.Lists.Import(ctx, admin, kw.ID, entries); err != nil {
		b.Fatal(err)
	}
	ln, _ := s.API.Lists.Create(ctx, admin, rulelist.CreateInput{Name: "links", Kind: "link", Policy: "shadow"})
	entries = entries[:0]
	for i := range 10_000 {
		entries = append(entries, rulelist.EntryInput{Value: fmt.Sprintf("blocked-%d.example", i)})
	}
	if _, err := s.API.Lists.Import(ctx, admin, ln.ID, entries); err != nil {
		b.Fatal(err)
	}
	if err := s.Scanner.Reload(ctx, true); err != nil {
		b.Fatal(err)
	}
	return s
}

func benchPosts(n int) []scan.Post {
	g := testcorpus.New(11)
	posts := make([]scan.Post, n)
	for i := range posts {
		posts[i] = scan.Post{Channel: fmt.Sprintf("chan%d", i%100), MessageID: scan.FlexString(fmt.Sprint(i + 1)),
			Text: g.Post(1000), Links: []string{fmt.Sprintf("https://news-%d.example/a/%d", i%50, i), "https://t.me/somechannel/5"}}
	}
	return posts
}

// BenchmarkScanPath compares scanning a post directly with the same post
// going through NATS JetStream and one worker (publish, fetch, scan, ack).
func BenchmarkScanPath(b *testing.B) {
	s := benchSigap(b)
	posts := benchPosts(2000)
	ctx := context.Background()
	b.Run("direct", func(b *testing.B) {
		b.SetBytes(1000)
		for i := 0; b.Loop(); i++ {
			if _, err := s.Scanner.Scan(ctx, posts[i%len(posts)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("nats-worker", func(b *testing.B) {
		nc := startNATS(b)
		js, _ := jetstream.New(nc)
		cfg := scanstream.Config{Workers: 1, Batch: 64}
		if _, err := scanstream.Ensure(ctx, js, cfg); err != nil {
			b.Fatal(err)
		}
		bodies := make([][]byte, len(posts))
		for i, p := range posts {
			bodies[i], _ = json.Marshal(p)
		}
		// The platform publishes elsewhere: fill the stream first, then time consumption alone.
		for i := range b.N {
			if _, err := js.PublishAsync(scanstream.PostsSubject+".bench", bodies[i%len(bodies)]); err != nil {
				b.Fatal(err)
			}
		}
		<-js.PublishAsyncComplete()
		w := scanstream.New(js, s.Scanner, cfg, nil)
		wctx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		b.SetBytes(1000)
		b.ResetTimer()
		go func() { done <- w.Run(wctx) }()
		for w.Stats.Scanned.Load() < int64(b.N) {
			time.Sleep(time.Millisecond)
		}
		b.StopTimer()
		stop()
		<-done
	})
}
