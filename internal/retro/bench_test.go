package retro_test

import (
	"bytes"
	"encoding/json"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/retro"
	"github.com/sigap/sigap/internal/scan"
	"github.com/sigap/sigap/internal/scan/scantest"
	"github.com/sigap/sigap/internal/scanstream"
	"github.com/sigap/sigap/internal/scanstream/natstest"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/textnorm/testcorpus"
)

// BenchmarkRetro is a retroactive scan of SIGAP_BENCH_RETRO_POSTS (default
// 100,000; the figure in docs/benchmarks.md is 1,000,000) retained posts of
// 1 KB, 100 a message, against 1,000 new keywords, beside the live scan of
// the same posts against every rule (10,000 keywords and the 1,000 new
// ones). It reports posts per second of wall time and per CPU-second of the
// whole process (the NATS server runs in it too). Run it once:
//
//	go test ./internal/retro -run '^$' -bench Retro -benchtime 1x
func BenchmarkRetro(b *testing.B) {
	total := testcorpus.EnvInt(b, "SIGAP_BENCH_RETRO_POSTS", 100_000, 1)
	ctx := b.Context()
	s, admin := scantest.Server(b, config.Config{})
	scantest.List(b, s, admin, filterset.CreateInput{Name: "old", Kind: "keyword", Policy: "review"}, scantest.Keywords(7, 10_000))
	_, js := natstest.JetStream(b, natstest.Server(b, 0))
	if _, err := scanstream.Ensure(ctx, js, scanstream.Config{Retain: 24 * time.Hour}); err != nil {
		b.Fatal(err)
	}
	// The old rules' own retroactive scan runs on the empty stream and finds nothing.
	if ran, err := (&retro.Runner{Service: s.Retro, Scanner: s.Scanner, JS: js, Holder: "bench"}).RunOnce(ctx); !ran || err != nil {
		b.Fatalf("old rules' scan: %v %v", ran, err)
	}
	sample := scantest.Posts(2000) // publish and the live scan number the posts themselves
	publish(b, js, sample, total)
	// The new entries arrive: their import queues the retroactive scan.
	fresh := scantest.List(b, s, admin, filterset.CreateInput{Name: "new", Kind: "keyword", Policy: "review"}, scantest.Keywords(99, 1000))
	if err := s.Scanner.Reload(ctx, true); err != nil {
		b.Fatal(err)
	}
	runtime.GC()

	b.Run("retro", func(b *testing.B) {
		for i := range b.N {
			if i > 0 {
				if _, err := s.Retro.Start(ctx, retro.Request{SetID: fresh.ID}); err != nil {
					b.Fatal(err)
				}
			}
			r := &retro.Runner{Service: s.Retro, Scanner: s.Scanner, JS: js, Holder: "bench", Rate: -1}
			start, cpu := time.Now(), testcorpus.ProcessCPU()
			if ran, err := r.RunOnce(ctx); !ran || err != nil {
				b.Fatalf("ran %v: %v", ran, err)
			}
			wall, used := time.Since(start), testcorpus.ProcessCPU()-cpu
			jobs, _ := s.DB.RetroJobs(ctx, "", "", 1)
			if len(jobs) != 1 || jobs[0].State != store.RetroDone || jobs[0].Posts != int64(total) {
				b.Fatalf("%d jobs, want the last done over %d posts", len(jobs), total)
			}
			b.ReportMetric(float64(total)/wall.Seconds(), "posts/s")
			b.ReportMetric(float64(total)/used.Seconds(), "posts/cpu-s")
		}
	})
	b.Run("live", func(b *testing.B) {
		n := min(total, 100_000)
		for range b.N {
			start, cpu := time.Now(), testcorpus.ProcessCPU()
			for i := range n {
				p := sample[i%len(sample)]
				p.MessageID = scan.FlexString(strconv.Itoa(i + 1))
				if _, err := s.Scanner.Scan(ctx, p); err != nil {
					b.Fatal(err)
				}
			}
			wall, used := time.Since(start), testcorpus.ProcessCPU()-cpu
			b.ReportMetric(float64(n)/wall.Seconds(), "posts/s")
			b.ReportMetric(float64(n)/used.Seconds(), "posts/cpu-s")
		}
	})
}

// publish puts total posts on the stream, 100 a message, as a platform batching them would.
func publish(b *testing.B, js jetstream.JetStream, sample []scan.Post, total int) {
	b.Helper()
	var buf bytes.Buffer
	var pending []jetstream.PubAckFuture
	flush := func() {
		msg := nats.NewMsg(scanstream.PostsSubject + ".bench")
		msg.Header.Set("Content-Type", scanstream.BatchContentType)
		msg.Data = bytes.Clone(buf.Bytes())
		buf.Reset()
		f, err := js.PublishMsgAsync(msg)
		if err != nil {
			b.Fatal(err)
		}
		if pending = append(pending, f); len(pending) >= 256 {
			settle(b, pending)
			pending = pending[:0]
		}
	}
	for i := range total {
		p := sample[i%len(sample)]
		p.MessageID = scan.FlexString(strconv.Itoa(i + 1))
		raw, _ := json.Marshal(p)
		buf.Write(raw)
		buf.WriteByte('\n')
		if (i+1)%100 == 0 {
			flush()
		}
	}
	if buf.Len() > 0 {
		flush()
	}
	settle(b, pending)
}

// settle waits for the acknowledgements of asynchronous publishes.
func settle(b *testing.B, pending []jetstream.PubAckFuture) {
	for _, f := range pending {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			b.Fatal(err)
		}
	}
}
