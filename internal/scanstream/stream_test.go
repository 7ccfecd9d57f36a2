package scanstream_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/scan/scantest"
	"github.com/sigap/sigap/internal/scanstream"
	"github.com/sigap/sigap/internal/scanstream/natstest"
	"github.com/sigap/sigap/internal/server"
	"github.com/sigap/sigap/internal/store/storetest"
)

// startNATS runs a real NATS server with JetStream in this process and
// connects to it.
func startNATS(t testing.TB) *nats.Conn {
	t.Helper()
	nc, _ := natstest.JetStream(t, startNATSServer(t))
	return nc
}

// ensuredJetStream starts NATS and makes the stream and consumer cfg asks for.
func ensuredJetStream(t *testing.T, cfg scanstream.Config) jetstream.JetStream {
	t.Helper()
	js, err := jetstream.New(startNATS(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scanstream.Ensure(context.Background(), js, cfg); err != nil {
		t.Fatal(err)
	}
	return js
}

// startNATSServer runs a real NATS server with JetStream in this process.
func startNATSServer(t testing.TB) *natsserver.Server { return natstest.Server(t, 0) }

// sigapWithList starts sigap with a shadow keyword list holding "jihad".
func sigapWithList(t *testing.T, e storetest.Engine) *server.Server {
	t.Helper()
	s, _ := sigapWithSet(t, e, func(s *server.Server) *filterset.Service { return s.API.Lists },
		filterset.CreateInput{Name: "Seruan jihad", Kind: "keyword", Policy: "shadow", Labels: []string{"terrorism"}, Language: "id"},
		filterset.Item{Value: "jihad", Source: "test"})
	return s
}

// sigapWithSet starts sigap with one set of the family family picks (its
// lists or its banks), made from in and holding item, and the scanner
// loaded with it.
func sigapWithSet(t *testing.T, e storetest.Engine, family func(*server.Server) *filterset.Service, in filterset.CreateInput, item filterset.Item) (*server.Server, filterset.Set) {
	t.Helper()
	ctx := context.Background()
	s, admin := scantest.Server(t, config.Config{DataDir: e.Dir, DB: e.URL})
	set, err := family(s).Create(ctx, admin, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := family(s).AddEntry(ctx, admin, set.ID, item); err != nil {
		t.Fatal(err)
	}
	if err := s.Scanner.Reload(ctx, true); err != nil {
		t.Fatal(err)
	}
	return s, set
}

// runUntil runs w until done says its stats are all the test waits for, or
// timeout passes (the test's checks then tell what is missing), and stops it.
func runUntil(t *testing.T, w *scanstream.Worker, timeout time.Duration, done func(*scanstream.Stats) bool) {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	ended := make(chan error, 1)
	go func() { ended <- w.Run(ctx) }()
	deadline := time.Now().Add(timeout)
	for !done(&w.Stats) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	if err := <-ended; err != nil {
		t.Fatal(err)
	}
}

func TestWorkersScanAckAndDeadLetter(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		ctx := t.Context()
		s := sigapWithList(t, e)
		cfg := scanstream.Config{Workers: 2, Batch: 8, MaxPostBytes: 64 << 10}
		js := ensuredJetStream(t, cfg)
		const posts, withHits = 60, 24
		for i := range posts {
			text := "kabar cuaca hari ini cerah"
			if i < withHits {
				text = "ayo j1h4d sekarang juga"
			}
			body := fmt.Sprintf(`{"channel":"chan%d","message_id":"%d","text":%q}`, i%7, i+1, text)
			if _, err := js.Publish(ctx, scanstream.PostsSubject+".chan", []byte(body)); err != nil {
				t.Fatal(err)
			}
		}
		bad := []string{"not json", `{"channel":"","message_id":"1"}`, `{"channel":"x","message_id":"2","text":"` + strings.Repeat("a", 70<<10) + `"}`}
		for _, b := range bad {
			if _, err := js.Publish(ctx, scanstream.PostsSubject+".chan", []byte(b)); err != nil && !strings.Contains(err.Error(), "maximum") {
				t.Fatal(err)
			}
		}
		w := scanstream.New(js, s.Scanner, cfg, nil)
		runUntil(t, w, time.Minute, func(st *scanstream.Stats) bool {
			return st.Scanned.Load() >= posts && st.DeadLettered.Load() >= 2
		})
		if got := w.Stats.Scanned.Load(); got != posts {
			t.Errorf("scanned %d posts, want %d", got, posts)
		}
		if got := w.Stats.WithHits.Load(); got != withHits {
			t.Errorf("%d posts with hits, want %d (leet evasions normalised)", got, withHits)
		}
		hits, err := s.DB.RecentHits(ctx, "", "", 500)
		if err != nil || len(hits) != withHits {
			t.Errorf("stored hits = %d (%v), want %d", len(hits), err, withHits)
		}
		// Every good post acknowledged (work-queue stream empties), the bad ones dead-lettered.
		st, _ := js.Stream(ctx, scanstream.StreamName)
		info, _ := st.Info(ctx)
		if info.State.Msgs != 0 {
			t.Errorf("%d posts left unacknowledged on the stream", info.State.Msgs)
		}
		dead, _ := js.Stream(ctx, scanstream.DeadStreamName)
		dinfo, _ := dead.Info(ctx)
		if dinfo.State.Msgs < 2 || int64(dinfo.State.Msgs) != w.Stats.DeadLettered.Load() {
			t.Errorf("dead-lettered %d (stream holds %d), want the malformed posts", w.Stats.DeadLettered.Load(), dinfo.State.Msgs)
		}
	})
}
