package webhook_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for the benchmark's schema

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
	"github.com/sigap/sigap/internal/webhook"
)

// benchWorkers is the queue's default worker count; the bare client posts
// with as many goroutines, so both sides have the same concurrency.
const benchWorkers = 64

// BenchmarkOutbox delivers b.N webhooks to a fast receiver on loopback
// through the real queue and delivery code (lease, read, sign, post, record,
// settle) on SQLite and, when SIGAP_TEST_POSTGRES names a server, PostgreSQL;
// "bare" posts the same signed bodies to the same kind of receiver with a
// plain keep-alive net/http client, the ceiling of this machine. Run with a
// fixed count, e.g. -bench Outbox -benchtime 5000x; compare deliveries/s.
func BenchmarkOutbox(b *testing.B) {
	b.Run("bare", benchBare)
	b.Run("sqlite", func(b *testing.B) { benchQueue(b, openBench(b, "")) })
	if base := os.Getenv(storetest.EnvURL); base != "" {
		b.Run("postgres", func(b *testing.B) { benchQueue(b, openBench(b, base)) })
	}
}

func openBench(b *testing.B, pgBase string) *store.DB {
	b.Helper()
	opts := store.Options{DataDir: b.TempDir()}
	if pgBase != "" {
		opts.URL = benchSchema(b, pgBase)
	}
	db, err := store.Open(context.Background(), opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// benchSchema makes a fresh PostgreSQL schema, as storetest does for tests.
func benchSchema(b *testing.B, base string) string {
	var r [6]byte
	_, _ = rand.Read(r[:])
	schema := "b_" + hex.EncodeToString(r[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if a, err := sql.Open("pgx", base); err == nil {
			_, _ = a.Exec("DROP SCHEMA " + schema + " CASCADE")
			a.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func benchQueue(b *testing.B, db *store.DB) {
	rcv := newReceiver(b, false)
	o := newOutbox(b, db, clock.System{}, rcv, benchWorkers)
	ms := make([]webhook.Message, b.N)
	for i := range ms {
		ms[i] = o.message(i, i%50 == 0)
	}
	o.enqueue(b, ms)
	ctx, cancel := context.WithCancel(b.Context())
	done := make(chan struct{})
	b.ResetTimer()
	go func() { defer close(done); o.q.Run(ctx) }()
	ok := rcv.waitFor(b.N, 10*time.Minute)
	b.StopTimer()
	cancel()
	<-done
	if !ok {
		b.Fatalf("%d of %d delivered", rcv.count(), b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deliveries/s")
}

func benchBare(b *testing.B) {
	rcv := newReceiver(b, false)
	secret := webhook.NewSecret()
	bodies := make([][]byte, b.N)
	for i := range bodies {
		bodies[i], _ = json.Marshal(map[string]any{"type": "notice.updated", "timestamp": time.Now().UTC().Format(time.RFC3339),
			"data": map[string]any{"notice_id": i, "status": "actioned", "seq": i, "changed": map[string]any{"status": "actioned"}}})
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: benchWorkers}, Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	var next atomic.Int64
	var failed atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for range benchWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				req, _ := http.NewRequest(http.MethodPost, rcv.srv.URL+"/hook", bytes.NewReader(bodies[i]))
				req.Header.Set("Content-Type", "application/json")
				_ = webhook.Headers(req.Header, secret, "msg_"+string(rune('a'+i%26)), time.Now(), bodies[i])
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d posts failed", n)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deliveries/s")
}
