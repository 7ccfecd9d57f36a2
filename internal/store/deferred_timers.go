package store

import (
	"context"
	"strings"
)

// A notice's escalation timers wait in the transaction like its other rows
// (deferred_events.go): one statement per group rather than one per notice
// keeps intake as fast as the database trigger that filed them before.

// touchesTimers reports whether q reads or writes what waiting timers would change.
func touchesTimers(q string) bool { return strings.Contains(q, "escalation_timers") }

// flushTimers stores the waiting timers.
func (t *Tx) flushTimers(ctx context.Context) error {
	return t.timers.flush(func(tms []Timer) error {
		return t.insertRows(ctx, "escalation_timers", []string{"notice_id", "kind", "step", "fraction", "next_at"}, len(tms),
			func(i int, a []any) []any {
				tm := tms[i]
				return append(a, tm.NoticeID, tm.Kind, tm.Step, tm.Fraction, ms(tm.NextAt))
			})
	})
}
