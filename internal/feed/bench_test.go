package feed_test

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/textnorm/testcorpus"
)

// BenchmarkFeedSync shares a bank of SIGAP_FEED_BENCH_N sha256 entries
// (default 1,000,000) and times a new subscriber's whole sync over loopback
// HTTP, SQLite on both sides: the source's first catch-up of its feed (once
// per set, at the first read), then the pages of 10,000 read, verified and
// copied. Run: go test -run XXX -bench FeedSync -benchtime 1x ./internal/feed
func BenchmarkFeedSync(b *testing.B) {
	n := testcorpus.EnvInt(b, "SIGAP_FEED_BENCH_N", 1_000_000, 1)
	ctx := b.Context()
	for range b.N {
		b.StopTimer()
		src, dst := sqliteNode(b), sqliteNode(b)
		bankA, _ := src.bank(b, "big")
		items := make([]filterset.Item, 0, 100_000)
		caller := org.Caller{OrgID: "bench"}
		for i := range n {
			h := sha256.Sum256([]byte(strconv.Itoa(i)))
			items = append(items, filterset.Item{Type: "sha256", Value: hex.EncodeToString(h[:]), Source: "bench"})
			if len(items) == cap(items) || i == n-1 {
				if _, err := src.srv.Banks.Import(ctx, caller, bankA, items); err != nil {
					b.Fatal(err)
				}
				items = items[:0]
			}
		}
		feedURL, token, _ := src.share(b, bankA, "bench")
		b.StartTimer()
		cpu0 := testcorpus.ProcessCPU()
		start := time.Now()
		// The first read catches the feed up with the set: the source's one-off cost.
		src.call(b, "GET", feedURL+"?limit=1", token, nil).want(b, 200, "first read")
		caughtUp := time.Since(start)
		subID, bankB := dst.subscribe(b, feedURL, token, "bench")
		for {
			dst.poll(b)
			if st := dst.status(b, subID); st["lag"].(float64) == 0 && st["events"].(float64) == float64(n) {
				break
			} else if st["failures"].(float64) > 0 {
				b.Fatalf("sync failed: %v", st)
			}
			_ = dst.srv.Feeds.PollNow(ctx, subID)
		}
		total := time.Since(start)
		cpu := testcorpus.ProcessCPU() - cpu0
		b.StopTimer()
		stats := dst.call(b, "GET", "/v1/banks/"+bankB, dst.admin, nil).want(b, 200, "copy").json(b)["stats"].(map[string]any)
		if stats["entries"].(float64) != float64(n) {
			b.Fatalf("the copy holds %v entries, want %d", stats["entries"], n)
		}
		b.ReportMetric(caughtUp.Seconds(), "catchup-s")
		b.ReportMetric(total.Seconds(), "sync-s")
		b.ReportMetric(float64(n)/(total-caughtUp).Seconds(), "entries/s")
		// Both servers share this process: its CPU time is what the sync cost
		// on a machine that other work also loads.
		b.ReportMetric(cpu.Seconds(), "cpu-s")
		b.StartTimer()
	}
}
