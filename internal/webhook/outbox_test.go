package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/jobs"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
	"github.com/sigap/sigap/internal/webhook"
)

// receiver is a fast webhook endpoint that remembers what it got.
type receiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	byID   map[string]int
	types  []string
	got    []received
	notify chan struct{}
	keep   bool // keep headers and bodies (tests), or only count (benchmarks)
}

type received struct {
	header http.Header
	body   []byte
}

func newReceiver(tb testing.TB, keep bool) *receiver {
	r := &receiver{byID: map[string]int{}, notify: make(chan struct{}, 1), keep: keep}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		var m struct{ Type string }
		_ = json.Unmarshal(body, &m)
		r.mu.Lock()
		r.byID[req.Header.Get("webhook-id")]++
		r.types = append(r.types, m.Type)
		if r.keep {
			r.got = append(r.got, received{req.Header.Clone(), body})
		}
		r.mu.Unlock()
		select {
		case r.notify <- struct{}{}:
		default:
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	tb.Cleanup(r.srv.Close)
	return r
}

// count is how many requests arrived.
func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.types)
}

// waitFor waits until n requests arrived or the deadline passes; it only
// bounds a broken run, the tests' verdicts do not depend on it.
func (r *receiver) waitFor(n int, deadline time.Duration) bool {
	stop := time.After(deadline)
	for r.count() < n {
		select {
		case <-r.notify:
		case <-stop:
			return false
		case <-time.After(50 * time.Millisecond):
		}
	}
	return true
}

// outbox is the real queue and delivery code on one database, with one
// authority whose endpoint is a receiver.
type outbox struct {
	db     *store.DB
	clk    clock.Clock
	q      *jobs.Queue
	svc    *webhook.Service
	orgID  string
	secret string
}

func newOutbox(tb testing.TB, db *store.DB, clk clock.Clock, rcv *receiver, workers int) *outbox {
	tb.Helper()
	ctx := tb.Context()
	now := clk.Now()
	o := &outbox{db: db, clk: clk, orgID: id.New("org", now)}
	o.q = jobs.New(db, clk, nil, jobs.Config{Workers: workers})
	o.svc = webhook.New(db, clk, o.q, nil, webhook.Config{AllowPrivate: true})
	if err := db.Write(ctx, func(tx *store.Tx) error {
		return tx.CreateOrg(ctx, org.Org{ID: o.orgID, Name: "Badan Nasional Penanggulangan Terorisme", Kind: org.KindAuthority, CreatedAt: now})
	}); err != nil {
		tb.Fatal(err)
	}
	ep, err := o.svc.SetEndpoint(ctx, o.orgID, rcv.srv.URL+"/hook")
	if err != nil {
		tb.Fatal(err)
	}
	o.secret = ep.Secret
	return o
}

// message is a delivery like the service's own: a notice update or, when
// urgent, a deadline alert.
func (o *outbox) message(i int, urgent bool) webhook.Message {
	nid := fmt.Sprintf("ntc_%06d", i)
	m := webhook.Message{ID: fmt.Sprintf("msg_ev%d", i), OrgID: o.orgID, Type: "notice.updated", Ref: nid, OnlyIfEndpoint: true,
		Data: map[string]any{"notice_id": nid, "status": "actioned", "seq": i, "changed": map[string]any{"status": "actioned"}}}
	if urgent {
		m.ID, m.Type, m.Urgent = fmt.Sprintf("msg_dl_%s_1", nid), "notice.deadline", true
		m.Data = map[string]any{"notice_id": nid, "fraction": 0.5, "due_at": o.clk.Now().Add(2 * time.Hour)}
	}
	return m
}

// enqueue puts messages in the outbox, a hundred to a transaction.
func (o *outbox) enqueue(tb testing.TB, ms []webhook.Message) {
	tb.Helper()
	ctx := tb.Context()
	for len(ms) > 0 {
		chunk := ms[:min(100, len(ms))]
		ms = ms[len(chunk):]
		if err := o.db.Write(ctx, func(tx *store.Tx) error {
			for _, m := range chunk {
				if added, err := webhook.EnqueueTx(ctx, tx, o.clk.Now(), m); err != nil || !added {
					return fmt.Errorf("enqueue %s: added %v: %w", m.ID, added, err)
				}
			}
			return nil
		}); err != nil {
			tb.Fatal(err)
		}
	}
}

// TestAlertGoesBeforeRoutineBacklog: with a backlog of routine updates in the
// outbox, the next delivery leased is a deadline alert enqueued after them.
func TestAlertGoesBeforeRoutineBacklog(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		rcv := newReceiver(t, true)
		clk := clock.NewFixed(time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC))
		o := newOutbox(t, storetest.Open(t, e), clk, rcv, 4)
		var ms []webhook.Message
		for i := range 200 {
			ms = append(ms, o.message(i, false))
		}
		o.enqueue(t, ms)
		clk.Advance(time.Second)
		o.enqueue(t, []webhook.Message{o.message(1000, true)})
		ctx := t.Context()
		if n, err := o.q.RunDue(ctx, 1); err != nil || n != 1 {
			t.Fatalf("RunDue: %d, %v", n, err)
		}
		if n, err := o.q.RunDue(ctx, 1); err != nil || n != 1 {
			t.Fatalf("RunDue: %d, %v", n, err)
		}
		rcv.mu.Lock()
		defer rcv.mu.Unlock()
		if len(rcv.types) != 2 || rcv.types[0] != "notice.deadline" || rcv.types[1] != "notice.updated" {
			t.Errorf("delivered %v, want the deadline alert first, then the oldest update", rcv.types)
		}
		if id := rcv.got[1].header.Get("webhook-id"); id != "msg_ev0" {
			t.Errorf("the second delivery was %s, want the oldest update msg_ev0", id)
		}
	})
}

// TestConcurrentDeliveriesOncePerIDWithStandardHeaders runs the queue with
// many workers: every webhook-id arrives exactly once, signed as Standard
// Webhooks says, and the outbox records each as delivered.
func TestConcurrentDeliveriesOncePerIDWithStandardHeaders(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		rcv := newReceiver(t, true)
		o := newOutbox(t, storetest.Open(t, e), clock.System{}, rcv, 32)
		const n = 300
		var ms []webhook.Message
		for i := range n {
			ms = append(ms, o.message(i, i%10 == 0))
		}
		o.enqueue(t, ms)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { defer close(done); o.q.Run(ctx) }()
		rcv.waitFor(n, time.Minute)
		// Let the last attempts settle before stopping, so a second delivery
		// (were there one) would have had its chance.
		for stop := time.Now().Add(time.Minute); time.Now().Before(stop); time.Sleep(20 * time.Millisecond) {
			if c, err := o.db.JobCounts(ctx); err == nil && c[store.JobDone] == n {
				break
			}
		}
		cancel()
		<-done

		rcv.mu.Lock()
		defer rcv.mu.Unlock()
		if len(rcv.byID) != n {
			t.Errorf("%d distinct webhook-ids arrived, want %d", len(rcv.byID), n)
		}
		for _, m := range ms {
			if c := rcv.byID[m.ID]; c != 1 {
				t.Errorf("webhook-id %s arrived %d times, want once", m.ID, c)
			}
		}
		now := time.Now()
		for _, g := range rcv.got {
			if err := webhook.Verify(o.secret, g.header, g.body, now, 5*time.Minute); err != nil {
				t.Errorf("%s: %v", g.header.Get("webhook-id"), err)
			}
			if ct, ua := g.header.Get("Content-Type"), g.header.Get("User-Agent"); ct != "application/json" || ua != "sigap-webhooks/1" {
				t.Errorf("%s: Content-Type %q, User-Agent %q", g.header.Get("webhook-id"), ct, ua)
			}
		}
		for _, m := range ms[:5] {
			d, err := o.db.Delivery(t.Context(), m.ID)
			if err != nil || d.State != store.DeliveryDelivered || d.Attempts != 1 {
				t.Errorf("delivery %s: %+v, %v", m.ID, d, err)
			}
		}
	})
}
