package store

import (
	"context"
	"strings"

	"github.com/sigap/sigap/internal/notice"
)

// A notice's rows are most of what storing it costs, and on PostgreSQL every
// statement is a round trip. InsertNotice therefore defers them: the notice
// row, its subjects, its escalation timers and its timeline events wait in
// the transaction, and one multi-row INSERT per table stores those of the
// whole group just before the commit, the events last with their log entries
// (deferred_notices.go, deferred_timers.go). Any statement that touches a
// table with rows waiting first stores them, so no one reads a timeline, a
// log or a notice without them, and log indexes stay dense and in order.

// pending holds rows of one kind waiting in a transaction.
type pending[T any] struct {
	items   []T
	flushed int // items[:flushed] are in the database
}

// pendingMark is where a caller's savepoint began in one queue.
type pendingMark struct{ n, flushed int }

func (p *pending[T]) waiting() bool { return p.flushed < len(p.items) }

func (p *pending[T]) mark() pendingMark { return pendingMark{n: len(p.items), flushed: p.flushed} }

// rollback undoes a caller's part after ROLLBACK TO SAVEPOINT: its own rows
// are dropped, and earlier callers' rows stored inside its savepoint were
// undone with it, so they wait again.
func (p *pending[T]) rollback(m pendingMark) {
	p.items = p.items[:m.n]
	p.flushed = min(p.flushed, m.flushed)
}

// flush stores the waiting rows with store.
func (p *pending[T]) flush(store func([]T) error) error {
	if !p.waiting() {
		return nil
	}
	from := p.flushed
	p.flushed = len(p.items) // store's own statements must not flush again
	if err := store(p.items[from:]); err != nil {
		p.flushed = from
		return err
	}
	return nil
}

// pendingEvent is a timeline event waiting to be stored. first, when set,
// receives its log index once stored: the first event of a notice, whose
// index the notice answer carries.
type pendingEvent struct {
	ev    notice.Event
	first *int64
}

// txMark is where a caller's savepoint began in every queue.
type txMark struct{ notices, cases, events, timers pendingMark }

func (t *Tx) mark() txMark {
	return txMark{notices: t.notices.mark(), cases: t.cases.mark(), events: t.events.mark(), timers: t.timers.mark()}
}

// rollbackPending undoes a caller's waiting rows, and what the transaction
// remembers, after ROLLBACK TO SAVEPOINT.
func (t *Tx) rollbackPending(m txMark) {
	t.notices.rollback(m.notices)
	t.cases.rollback(m.cases)
	t.events.rollback(m.events)
	t.timers.rollback(m.timers)
	t.trust = nil // it may have read what the savepoint undid
}

// deferLogged queues evs and returns where the first one's log index will be.
func (t *Tx) deferLogged(evs []notice.Event) *int64 {
	first := new(int64)
	for i, e := range evs {
		p := pendingEvent{ev: e}
		if i == 0 {
			p.first = first
		}
		t.events.items = append(t.events.items, p)
	}
	return first
}

// touchesLog reports whether q reads or writes what waiting events would change.
func touchesLog(q string) bool {
	return strings.Contains(q, "events") || strings.Contains(q, "log_")
}

// flushEvents stores the waiting events with their log entries.
func (t *Tx) flushEvents(ctx context.Context) error {
	if err := t.flushCases(ctx); err != nil { // the events name their cases
		return err
	}
	return t.events.flush(func(items []pendingEvent) error {
		evs := make([]notice.Event, len(items))
		for i, p := range items {
			evs[i] = p.ev
		}
		first, err := t.appendLogged(ctx, evs)
		if err != nil {
			return err
		}
		for i, p := range items {
			if p.first != nil {
				*p.first = first + int64(i)
			}
		}
		return nil
	})
}

// flushFor stores the rows still waiting in the transaction when q reads or
// writes their tables, so that q sees them; notices go first, as the other
// tables refer to them.
func (t *Tx) flushFor(ctx context.Context, q string) error {
	if t.cases.waiting() && touchesCases(q) {
		if err := t.flushCases(ctx); err != nil {
			return err
		}
	}
	if t.notices.waiting() && touchesNotices(q) {
		if err := t.flushNotices(ctx); err != nil {
			return err
		}
	}
	if t.events.waiting() && touchesLog(q) {
		if err := t.flushEvents(ctx); err != nil {
			return err
		}
	}
	if t.timers.waiting() && touchesTimers(q) {
		return t.flushTimers(ctx)
	}
	return nil
}

// flushPending stores every waiting row. The events go last: on PostgreSQL
// their log indexes lock the log's sequence row until the commit, and the
// other writers wait on that lock, so nothing else may run while it is held.
func (t *Tx) flushPending(ctx context.Context) error {
	if err := t.flushCases(ctx); err != nil { // their upsert answers, so it goes alone
		return err
	}
	// The rest needs no answer but the log's next index: on PostgreSQL it
	// goes out in two pipelines, the second with the COMMIT (pipeline.go).
	t.deferring = true
	defer func() { t.deferring = false }()
	if err := t.flushNotices(ctx); err != nil {
		return err
	}
	if err := t.flushTimers(ctx); err != nil {
		return err
	}
	return t.flushEvents(ctx)
}
