package scanstream_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/sigap/sigap/internal/scan"
	"github.com/sigap/sigap/internal/scanstream"
	"github.com/sigap/sigap/internal/scanstream/natstest"
	"github.com/sigap/sigap/internal/server"
	"github.com/sigap/sigap/internal/store/storetest"
)

// hitPost is post i as JSON; every one of them hits the "jihad" rule.
func hitPost(i int) string {
	return fmt.Sprintf(`{"channel":"chan%d","message_id":"%d","text":"ayo j1h4d sekarang juga"}`, i%7, i+1)
}

// batchMsg is one message holding the given lines as NDJSON.
func batchMsg(lines ...string) *nats.Msg {
	m := nats.NewMsg(scanstream.PostsSubject + ".batch")
	m.Header.Set("Content-Type", scanstream.BatchContentType)
	m.Data = []byte(strings.Join(lines, "\n") + "\n")
	return m
}

// runWorker runs w until the returned stop is called; stop waits for Run.
func runWorker(t *testing.T, w *scanstream.Worker) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Error(err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// waitFor polls cond for up to a minute.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// streamMsgs is how many messages a stream holds.
func streamMsgs(t *testing.T, js jetstream.JetStream, name string) uint64 {
	t.Helper()
	st, err := js.Stream(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

// checkHitsOnce fails unless each of the n posts has exactly one stored hit.
func checkHitsOnce(t *testing.T, s *server.Server, n int) {
	t.Helper()
	hits, err := s.DB.RecentHits(t.Context(), "", "", 10*n)
	if err != nil {
		t.Fatal(err)
	}
	per := map[string]int{}
	for _, h := range hits {
		per[h.MessageID]++
	}
	for i := range n {
		if c := per[fmt.Sprint(i+1)]; c != 1 {
			t.Errorf("post %d has %d stored hits, want 1", i+1, c)
		}
	}
	if len(hits) != n {
		t.Errorf("%d hits stored, want %d", len(hits), n)
	}
}

func TestBatchMessages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		ctx := t.Context()
		s := sigapWithList(t, e)
		cfg := scanstream.Config{Workers: 2, Batch: 4}
		js := ensuredJetStream(t, cfg)
		// 3 batches of 10 posts; the second also has a blank line, a line that
		// is not JSON, a post without a channel and two with invalid UTF-8
		// (one the hand-written decoder reads, one it leaves to
		// encoding/json, which would have replaced the bytes), which go to
		// the dead letters on their own, as POST /v1/scan refuses them.
		var lines [][]string
		for b := range 3 {
			var l []string
			for i := range 10 {
				l = append(l, hitPost(b*10+i))
			}
			lines = append(lines, l)
		}
		lines[1] = append(lines[1][:5], append([]string{"", "  not json", `{"channel":"","message_id":"1"}`,
			"{\"channel\":\"somechannel\",\"message_id\":\"99\",\"text\":\"ayo \xff\"}",
			"{\"channel\":\"somechannel\",\"message_id\":\"98\",\"Text\":\"ayo \xff\"}"}, lines[1][5:]...)...)
		for _, l := range lines {
			if _, err := js.PublishMsg(ctx, batchMsg(l...)); err != nil {
				t.Fatal(err)
			}
		}
		// A single-post message still works next to batches.
		if _, err := js.Publish(ctx, scanstream.PostsSubject+".one", []byte(hitPost(30))); err != nil {
			t.Fatal(err)
		}
		w := scanstream.New(js, s.Scanner, cfg, nil)
		stop := runWorker(t, w)
		waitFor(t, "the posts", func() bool { return w.Stats.Scanned.Load() >= 31 && w.Stats.DeadLettered.Load() >= 4 })
		waitFor(t, "the acknowledgements", func() bool { return streamMsgs(t, js, scanstream.StreamName) == 0 })
		stop()
		if got := w.Stats.Scanned.Load(); got != 31 {
			t.Errorf("scanned %d posts, want 31", got)
		}
		if got := w.Stats.DeadLettered.Load(); got != 4 {
			t.Errorf("dead-lettered %d, want 4", got)
		}
		checkHitsOnce(t, s, 31)
		dead, err := js.OrderedConsumer(ctx, scanstream.DeadStreamName, jetstream.OrderedConsumerConfig{})
		if err != nil {
			t.Fatal(err)
		}
		got, reasons := map[string]string{}, map[string]string{}
		for range 4 {
			m, err := dead.Next(jetstream.FetchMaxWait(5 * time.Second))
			if err != nil {
				t.Fatal(err)
			}
			got[m.Headers().Get("Sigap-Line")] = string(m.Data())
			reasons[m.Headers().Get("Sigap-Line")] = m.Headers().Get("Sigap-Error")
			if m.Headers().Get("Sigap-Error") == "" {
				t.Error("dead letter without Sigap-Error")
			}
		}
		if got["7"] != "not json" || got["8"] != `{"channel":"","message_id":"1"}` || !strings.Contains(got["9"], "\xff") || !strings.Contains(got["10"], "\xff") {
			t.Errorf("dead letters by line = %q", got)
		}
		for _, line := range []string{"9", "10"} {
			if !strings.Contains(reasons[line], "UTF-8") {
				t.Errorf("line %s dead-lettered for %q, want a reason naming UTF-8", line, reasons[line])
			}
		}
		// Reasons in plain words, naming the field, without package prefixes.
		for line, want := range map[string]string{"7": "not a post", "8": "the post was refused: channel: ", "9": "the post was refused: text: "} {
			if !strings.HasPrefix(reasons[line], want) || strings.Contains(reasons[line], "notice:") || strings.Contains(reasons[line], "scanstream:") {
				t.Errorf("line %s dead-lettered for %q, want it to start %q", line, reasons[line], want)
			}
		}
	})
}

// flakyScanner fails the first scan of every post whose message ID is in
// fail, then scans normally.
type flakyScanner struct {
	scanstream.Scanner
	mu     sync.Mutex
	fail   map[string]bool
	failed atomic.Int64
}

var errFlaky = errors.New("database briefly unavailable")

func (f *flakyScanner) Scan(ctx context.Context, p scan.Post) (scan.Result, error) {
	f.mu.Lock()
	fail := f.fail[string(p.MessageID)]
	delete(f.fail, string(p.MessageID))
	f.mu.Unlock()
	if fail {
		f.failed.Add(1)
		return scan.Result{}, errFlaky
	}
	return f.Scanner.Scan(ctx, p)
}

// TestBatchRetriedWhole: a transient failure mid-batch naks the batch; on
// redelivery every post is scanned again, yet each has one stored hit and the
// bad line one dead letter.
func TestBatchRetriedWhole(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := sigapWithList(t, storetest.Engine{Name: "sqlite", Dir: t.TempDir()})
	cfg := scanstream.Config{Workers: 1}
	js := ensuredJetStream(t, cfg)
	lines := []string{hitPost(0), hitPost(1), "not json", hitPost(2), hitPost(3)}
	if _, err := js.PublishMsg(ctx, batchMsg(lines...)); err != nil {
		t.Fatal(err)
	}
	sc := &flakyScanner{Scanner: s.Scanner, fail: map[string]bool{"4": true}}
	w := scanstream.New(js, sc, cfg, nil)
	stop := runWorker(t, w)
	waitFor(t, "the retried batch", func() bool { return streamMsgs(t, js, scanstream.StreamName) == 0 })
	stop()
	if sc.failed.Load() != 1 || w.Stats.Retried.Load() != 1 {
		t.Errorf("failed scans %d, retried messages %d, want 1 and 1", sc.failed.Load(), w.Stats.Retried.Load())
	}
	if got := w.Stats.Scanned.Load(); got != 3+4 {
		t.Errorf("scanned %d posts, want 7 (3 before the failure, 4 on the retry)", got)
	}
	checkHitsOnce(t, s, 4)
	if n := streamMsgs(t, js, scanstream.DeadStreamName); n != 1 {
		t.Errorf("dead-letter stream holds %d messages, want 1 (the retry's copy dropped as a duplicate)", n)
	}
}

// gatedScanner scans the first after posts normally; every later scan
// signals held and waits for release.
type gatedScanner struct {
	scanstream.Scanner
	after   int64
	n       atomic.Int64
	release chan struct{}
	held    chan struct{}
}

func (g *gatedScanner) Scan(ctx context.Context, p scan.Post) (scan.Result, error) {
	if g.n.Add(1) > g.after {
		select {
		case g.held <- struct{}{}:
		default:
		}
		<-g.release
	}
	return g.Scanner.Scan(ctx, p)
}

// TestCrashMidBatchRedelivers: a worker dies (its connection drops) with
// posts pulled but not acknowledged, one of them scanned but its ack lost.
// Another worker gets all of them after AckWait; every post ends with
// exactly one stored hit and the stream empties.
func TestCrashMidBatchRedelivers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		ctx := t.Context()
		s := sigapWithList(t, e)
		ns := startNATSServer(t)
		dial := func() jetstream.JetStream {
			_, js := natstest.JetStream(t, ns)
			return js
		}
		cfg := scanstream.Config{Workers: 2, Batch: 16, AckWait: 2 * time.Second}
		js1 := dial()
		if _, err := scanstream.Ensure(ctx, js1, cfg); err != nil {
			t.Fatal(err)
		}
		const single, batches, per = 40, 4, 10
		for i := range single {
			if _, err := js1.Publish(ctx, scanstream.PostsSubject+".one", []byte(hitPost(i))); err != nil {
				t.Fatal(err)
			}
		}
		for b := range batches {
			var l []string
			for i := range per {
				l = append(l, hitPost(single+b*per+i))
			}
			if _, err := js1.PublishMsg(ctx, batchMsg(l...)); err != nil {
				t.Fatal(err)
			}
		}
		const total = single + batches*per
		g := &gatedScanner{Scanner: s.Scanner, after: 15, release: make(chan struct{}), held: make(chan struct{}, 1)}
		first := scanstream.New(js1, g, cfg, nil)
		stopFirst := runWorker(t, first)
		<-g.held
		// The crash: the connection goes with everything pulled and not acked.
		js1.Conn().Close()
		close(g.release) // the held scans store their hits; their acks are lost
		stopFirst()
		if n := first.Stats.Scanned.Load(); n >= total {
			t.Fatalf("the first worker scanned all %d posts before its crash", n)
		}
		second := scanstream.New(dial(), s.Scanner, cfg, nil)
		stopSecond := runWorker(t, second)
		check := dial()
		waitFor(t, "the redelivered posts", func() bool { return streamMsgs(t, check, scanstream.StreamName) == 0 })
		stopSecond()
		// The held posts were scanned by both: their hits stored, their acks lost.
		if a, b := first.Stats.Scanned.Load(), second.Stats.Scanned.Load(); a+b <= total {
			t.Errorf("the workers scanned %d+%d posts, want more than %d (the posts whose acks were lost, again)", a, b, total)
		}
		checkHitsOnce(t, s, total)
	})
}

// slowScanner takes delay over every post and counts the scans of each.
type slowScanner struct {
	scanstream.Scanner
	delay time.Duration
	mu    sync.Mutex
	seen  map[string]int
}

func (s *slowScanner) Scan(ctx context.Context, p scan.Post) (scan.Result, error) {
	time.Sleep(s.delay)
	s.mu.Lock()
	s.seen[string(p.MessageID)]++
	s.mu.Unlock()
	return s.Scanner.Scan(ctx, p)
}

// TestSlowBatchKeepsItsClaim: a batch that takes longer than AckWait to scan
// tells the server it is still in progress, so it is not handed to another
// worker meanwhile: every post is scanned once.
func TestSlowBatchKeepsItsClaim(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := sigapWithList(t, storetest.Engine{Name: "sqlite", Dir: t.TempDir()})
	// Pings come every AckWait/3 at the end of a post: at most about 1 s apart
	// here, so a busy machine still has a second to spare.
	cfg := scanstream.Config{Workers: 2, Batch: 4, AckWait: 2 * time.Second}
	js := ensuredJetStream(t, cfg)
	const n = 12 // 12 × 300 ms: nearly twice AckWait
	var lines []string
	for i := range n {
		lines = append(lines, hitPost(i))
	}
	if _, err := js.PublishMsg(ctx, batchMsg(lines...)); err != nil {
		t.Fatal(err)
	}
	sc := &slowScanner{Scanner: s.Scanner, delay: 300 * time.Millisecond, seen: map[string]int{}}
	w := scanstream.New(js, sc, cfg, nil)
	stop := runWorker(t, w)
	waitFor(t, "the slow batch", func() bool { return streamMsgs(t, js, scanstream.StreamName) == 0 })
	stop()
	sc.mu.Lock()
	defer sc.mu.Unlock()
	for i := range n {
		if got := sc.seen[fmt.Sprint(i+1)]; got != 1 {
			t.Errorf("post %d scanned %d times, want once", i+1, got)
		}
	}
	checkHitsOnce(t, s, n)
}
