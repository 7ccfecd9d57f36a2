package store

import (
	"context"
	"strings"

	"github.com/sigap/sigap/internal/notice"
)

// A notice's timeline events are the largest share of storing it. InsertNotice
// therefore defers them: they wait in the transaction and one multi-row INSERT
// stores those of the whole group, with their log entries, just before the
// commit. Any statement that touches the events or the log first stores what
// waits, so no one reads a timeline or log without them, and log indexes stay
// dense and in order.
type deferredEvents struct {
	evs []notice.Event
	// firsts[i], when set, receives the log index of evs[i] once stored: the
	// first event of a notice, whose index the notice answer carries.
	firsts  []*int64
	flushed int // evs[:flushed] are in the database
}

// deferMark is where a caller's savepoint began.
type deferMark struct{ n, flushed int }

// deferLogged queues evs and returns where the first one's log index will be.
func (t *Tx) deferLogged(evs []notice.Event) *int64 {
	first := new(int64)
	for i, e := range evs {
		t.deferred.evs = append(t.deferred.evs, e)
		if i == 0 {
			t.deferred.firsts = append(t.deferred.firsts, first)
		} else {
			t.deferred.firsts = append(t.deferred.firsts, nil)
		}
	}
	return first
}

// touchesLog reports whether q reads or writes what waiting events would change.
func touchesLog(q string) bool {
	return strings.Contains(q, "events") || strings.Contains(q, "log_")
}

// flushEvents stores the waiting events with their log entries.
func (t *Tx) flushEvents(ctx context.Context) error {
	d := &t.deferred
	if d.flushed == len(d.evs) {
		return nil
	}
	from := d.flushed
	d.flushed = len(d.evs) // appendLogged's own statements must not flush again
	first, err := t.appendLogged(ctx, d.evs[from:])
	if err != nil {
		d.flushed = from
		return err
	}
	for i := from; i < len(d.evs); i++ {
		if p := d.firsts[i]; p != nil {
			*p = first + int64(i-from)
		}
	}
	return nil
}

func (t *Tx) markDeferred() deferMark {
	return deferMark{n: len(t.deferred.evs), flushed: t.deferred.flushed}
}

// rollbackDeferred undoes a caller's part after ROLLBACK TO SAVEPOINT: its own
// events are dropped, and earlier callers' events stored inside its savepoint
// were undone with it, so they wait again.
func (t *Tx) rollbackDeferred(m deferMark) {
	d := &t.deferred
	d.evs, d.firsts = d.evs[:m.n], d.firsts[:m.n]
	d.flushed = min(d.flushed, m.flushed)
}
