package scanstream_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/scan"
	"github.com/sigap/sigap/internal/scan/scantest"
	"github.com/sigap/sigap/internal/scanstream"
	"github.com/sigap/sigap/internal/server"
	"github.com/sigap/sigap/internal/textnorm/testcorpus"
)

// benchSigap starts sigap (SQLite) with 10,000 shadow keywords the posts
// never contain (so the benchmark measures the scan path itself and not the
// storing of hits) and 10,000 link rules.
func benchSigap(b *testing.B) *server.Server {
	b.Helper()
	s, admin := scantest.Server(b, config.Config{})
	scantest.List(b, s, admin, filterset.CreateInput{Name: "kw", Kind: "keyword", Policy: "shadow"}, scantest.Keywords(7, 10_000))
	links := make([]filterset.Item, 10_000)
	for i := range links {
		links[i] = filterset.Item{Value: fmt.Sprintf("blocked-%d.example", i)}
	}
	scantest.List(b, s, admin, filterset.CreateInput{Name: "links", Kind: "link", Policy: "shadow"}, links)
	if err := s.Scanner.Reload(context.Background(), true); err != nil {
		b.Fatal(err)
	}
	runtime.GC() // the set-up's garbage is not the benchmark's
	return s
}

// BenchmarkScanPath compares scanning posts directly in this process with the
// same posts going through NATS JetStream and the worker.
//
//   - direct: one goroutine calls Scanner.Scan, the cost of a post on one core.
//   - direct-parallel: GOMAXPROCS goroutines call Scanner.Scan, what the
//     machine scans with every core busy and no NATS at all.
//   - nats/...: end to end. A publisher goroutine publishes the posts
//     asynchronously (at most 1,024 publishes awaiting the server's
//     acknowledgement) while the worker consumes them; the clock stops once
//     every post is scanned and acknowledged (the work-queue stream is
//     empty). The NATS server runs in this process and shares the cores.
//     "post" publishes one post a message, "batch25" 25 posts a message
//     (NDJSON). "file" is the stream Ensure creates; "file-async" the same
//     with persist_mode async (the server acknowledges a publish before
//     writing it, so a crash of the NATS server can lose the last
//     milliseconds of posts), "memory" in memory storage (every post lost
//     if the server restarts). Only "file" is what sigap sets up.
//   - nats-consume: the stream is filled first and only consumption is timed
//     (the figure the first version of this benchmark reported).
//
// Each reports cpu-ns/post, the process's user+system CPU time per post
// (NATS server, publisher and worker together for the NATS lines).
func BenchmarkScanPath(b *testing.B) {
	s := benchSigap(b)
	posts := scantest.Posts(2000)
	ctx := b.Context()
	bodies := make([][]byte, len(posts))
	for i, p := range posts {
		bodies[i], _ = json.Marshal(p)
	}
	b.Run("direct", func(b *testing.B) { benchDirect(b, s, posts) })
	b.Run("direct-parallel", func(b *testing.B) {
		b.SetBytes(1000)
		var next atomic.Int64
		cpu := startCPU()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := next.Add(1)
				if _, err := s.Scanner.Scan(ctx, posts[int(i)%len(posts)]); err != nil {
					b.Error(err)
					return
				}
			}
		})
		cpu.report(b)
	})
	type variant struct {
		name   string
		stream jetstream.StreamConfig
		perMsg int
	}
	file := postsStream(jetstream.FileStorage)
	async := postsStream(jetstream.FileStorage)
	async.PersistMode = jetstream.AsyncPersistMode
	for _, v := range []variant{
		{"post/file", file, 1},
		{"post/file-async", async, 1},
		{"post/memory", postsStream(jetstream.MemoryStorage), 1},
		{"batch25/file", file, 25},
		{"batch100/file", file, 100},
	} {
		for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
			b.Run(fmt.Sprintf("nats/%s/workers=%d", v.name, workers), func(b *testing.B) {
				js := benchJetStream(b, v.stream)
				msgs := benchMessages(bodies, b.N, v.perMsg)
				w := scanstream.New(js, s.Scanner, benchConfig(workers), nil)
				timeWorker(ctx, b, js, w, func() error { return publishAll(js, msgs) })
			})
		}
	}
	b.Run("nats-consume", func(b *testing.B) {
		js := benchJetStream(b, file)
		if err := publishAll(js, benchMessages(bodies, b.N, 1)); err != nil {
			b.Fatal(err)
		}
		timeWorker(ctx, b, js, scanstream.New(js, s.Scanner, benchConfig(1), nil), nil)
	})
}

// benchConfig is the worker configuration the benchmark measures.
func benchConfig(workers int) scanstream.Config {
	c := scanstream.Config{Workers: workers}
	if v, err := strconv.Atoi(os.Getenv("SIGAP_BENCH_BATCH")); err == nil {
		c.Batch = v
	}
	return c
}

// postsStream is the posts stream as Ensure creates it, in the given storage.
func postsStream(storage jetstream.StorageType) jetstream.StreamConfig {
	return jetstream.StreamConfig{Name: scanstream.StreamName, Subjects: []string{scanstream.PostsSubject + ".>"},
		Storage: storage, Retention: jetstream.WorkQueuePolicy, MaxMsgSize: 2 << 20}
}

// benchJetStream starts a NATS server and creates the streams (the posts
// stream as given), so stream creation is not timed.
func benchJetStream(b *testing.B, posts jetstream.StreamConfig) jetstream.JetStream {
	b.Helper()
	nc := startNATS(b)
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(1024))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := js.CreateStream(ctx, posts); err != nil {
		b.Fatal(err)
	}
	if _, err := scanstream.Ensure(ctx, js, scanstream.Config{}); err != nil {
		b.Fatal(err)
	}
	return js
}

// benchMessages makes the messages for n posts, perMsg posts a message
// (NDJSON with the batch Content-Type when more than one).
func benchMessages(bodies [][]byte, n, perMsg int) []*nats.Msg {
	var msgs []*nats.Msg
	for i := 0; i < n; i += perMsg {
		m := nats.NewMsg(scanstream.PostsSubject + ".bench")
		if perMsg == 1 {
			m.Data = bodies[i%len(bodies)]
		} else {
			m.Header.Set("Content-Type", scanstream.BatchContentType)
			for j := i; j < min(i+perMsg, n); j++ {
				m.Data = append(append(m.Data, bodies[j%len(bodies)]...), '\n')
			}
		}
		msgs = append(msgs, m)
	}
	return msgs
}

// publishAll publishes the messages the way a platform would: asynchronously,
// with at most 1,024 publishes awaiting the server's acknowledgement.
func publishAll(js jetstream.JetStream, msgs []*nats.Msg) error {
	for _, m := range msgs {
		if _, err := js.PublishMsgAsync(m); err != nil {
			return err
		}
	}
	<-js.PublishAsyncComplete()
	return nil
}

// timeWorker times w until it has drained b.N posts from js; publish, if
// not nil, sends them meanwhile (else they wait in the stream already).
func timeWorker(ctx context.Context, b *testing.B, js jetstream.JetStream, w *scanstream.Worker, publish func() error) {
	wctx, stop := context.WithCancel(ctx)
	done, pubErr := make(chan error, 1), make(chan error, 1)
	b.SetBytes(1000)
	b.ResetTimer()
	cpu := startCPU()
	go func() { done <- w.Run(wctx) }()
	if publish == nil {
		pubErr <- nil
	} else {
		go func() { pubErr <- publish() }()
	}
	waitDrained(ctx, b, js, w, b.N)
	cpu.report(b)
	b.StopTimer()
	stop()
	if err := errors.Join(<-done, <-pubErr); err != nil {
		b.Fatal(err)
	}
}

// waitDrained returns once the worker has scanned n posts and every one of
// them is acknowledged (the work-queue stream holds no message).
// benchDirect scans the posts in turn on one goroutine.
func benchDirect(b *testing.B, s *server.Server, posts []scan.Post) {
	ctx := b.Context()
	b.SetBytes(1000)
	cpu := startCPU()
	for i := 0; b.Loop(); i++ {
		if _, err := s.Scanner.Scan(ctx, posts[i%len(posts)]); err != nil {
			b.Fatal(err)
		}
	}
	cpu.report(b)
}

func waitDrained(ctx context.Context, b *testing.B, js jetstream.JetStream, w *scanstream.Worker, n int) {
	b.Helper()
	// Polled every millisecond: waking more often costs the worker's process
	// CPU that is counted against it (a run lasts about a second).
	for w.Stats.Scanned.Load() < int64(n) {
		time.Sleep(time.Millisecond)
	}
	st, err := js.Stream(ctx, scanstream.StreamName)
	if err != nil {
		b.Fatal(err)
	}
	for {
		info, err := st.Info(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if info.State.Msgs == 0 {
			return
		}
		time.Sleep(200 * time.Microsecond)
	}
}

// cpuClock measures the process's CPU time (user and system) over a benchmark.
type cpuClock struct{ start time.Duration }

func startCPU() cpuClock { return cpuClock{testcorpus.ProcessCPU()} }

func (c cpuClock) report(b *testing.B) {
	b.ReportMetric(float64(testcorpus.ProcessCPU()-c.start)/float64(b.N), "cpu-ns/post")
}
