package store

import (
	"context"
	"strings"
)

// A notice's escalation timers, like its timeline events (deferred_events.go),
// wait in the transaction and are stored for the whole group by one multi-row
// INSERT just before the commit: one statement per group rather than one per
// notice keeps intake as fast as the database trigger that filed them before.
// Any statement that touches escalation_timers first stores what waits, so
// every caller in the group sees the timers of those before it.
type deferredTimers struct {
	tms     []Timer
	flushed int // tms[:flushed] are in the database
}

// timerMark is where a caller's savepoint began.
type timerMark struct{ n, flushed int }

// touchesTimers reports whether q reads or writes what waiting timers would change.
func touchesTimers(q string) bool { return strings.Contains(q, "escalation_timers") }

// flushTimers stores the waiting timers.
func (t *Tx) flushTimers(ctx context.Context) error {
	d := &t.timers
	if d.flushed == len(d.tms) {
		return nil
	}
	from := d.flushed
	d.flushed = len(d.tms) // the INSERT below must not flush again
	tms := d.tms[from:]
	if err := t.insertRows(ctx, "escalation_timers", []string{"notice_id", "kind", "step", "fraction", "next_at"}, len(tms),
		func(i int, a []any) []any {
			tm := tms[i]
			return append(a, tm.NoticeID, tm.Kind, tm.Step, tm.Fraction, ms(tm.NextAt))
		}); err != nil {
		d.flushed = from
		return err
	}
	return nil
}

// flushPending stores the waiting timers and timeline events. The events go
// last: on PostgreSQL their log indexes lock the log's sequence row until the
// commit, and the other writers wait on that lock, so nothing else may run
// while it is held.
func (t *Tx) flushPending(ctx context.Context) error {
	if err := t.flushTimers(ctx); err != nil {
		return err
	}
	return t.flushEvents(ctx)
}

func (t *Tx) markTimers() timerMark {
	return timerMark{n: len(t.timers.tms), flushed: t.timers.flushed}
}

// rollbackTimers undoes a caller's part after ROLLBACK TO SAVEPOINT: its own
// timers are dropped, and earlier callers' timers stored inside its savepoint
// were undone with it, so they wait again.
func (t *Tx) rollbackTimers(m timerMark) {
	d := &t.timers
	d.tms = d.tms[:m.n]
	d.flushed = min(d.flushed, m.flushed)
}
