package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/escalate"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// timers lists every timer, set or parked, keyed by notice and kind.
func timers(t *testing.T, db *store.DB) map[string]store.Timer {
	t.Helper()
	ctx := t.Context()
	out := map[string]store.Timer{}
	mustWrite(ctx, t, db, func(tx *store.Tx) error {
		due, err := tx.DueTimers(ctx, t0.Add(1000*24*time.Hour), 1000)
		for _, tm := range due {
			out[tm.NoticeID+"/"+tm.Kind] = tm
		}
		return err
	})
	return out
}

var errRolledBack = errors.New("test: roll back")

// TestTimersWithTheNotice stores notices with their first timers in one
// write each, concurrently so that the writer groups them into one commit
// with a savepoint per caller, and has every other write fail after both
// were stored: the failed writes leave neither notice nor timer.
func TestTimersWithTheNotice(t *testing.T) {
	t.Parallel()
	eachWithAuthority(t, func(ctx context.Context, t *testing.T, db *store.DB, auth org.Org) {
		rule := escalate.NewRule(nil, 0)
		const n = 24
		notices := make([]*notice.Notice, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			kind := notice.KindOrder
			if i%4 >= 2 {
				kind = notice.KindReferral
			}
			notices[i] = mkNotice(auth, kind, t0.Add(time.Duration(i)*time.Second), 4*time.Hour, fmt.Sprintf("timers%d", i))
			wg.Go(func() {
				errs[i] = db.Write(ctx, func(tx *store.Tx) error {
					if err := tx.InsertNotice(ctx, notices[i]); err != nil {
						return err
					}
					if err := tx.InsertTimers(ctx, rule.Start(notices[i])); err != nil {
						return err
					}
					if i%2 == 1 {
						return errRolledBack
					}
					return nil
				})
			})
		}
		wg.Wait()
		got := timers(t, db)
		for i, nt := range notices {
			dl, hasDeadline := got[nt.ID+"/"+store.TimerDeadline]
			un, hasUnopened := got[nt.ID+"/"+store.TimerUnopened]
			if i%2 == 1 {
				if !errors.Is(errs[i], errRolledBack) {
					t.Errorf("write %d: %v, want the rollback", i, errs[i])
				}
				if hasDeadline || hasUnopened {
					t.Errorf("rolled-back notice %d left timers: %+v %+v", i, dl, un)
				}
				if _, err := db.Notice(ctx, nt.ID, ""); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("rolled-back notice %d: %v, want ErrNotFound", i, err)
				}
				continue
			}
			if errs[i] != nil {
				t.Fatalf("write %d: %v", i, errs[i])
			}
			if !hasDeadline || dl.Step != 0 || dl.Fraction != 0.5 || !dl.NextAt.Equal(nt.ReceivedAt.Add(2*time.Hour)) {
				t.Errorf("notice %d deadline timer: %+v (%v)", i, dl, hasDeadline)
			}
			// mkNotice's class is urgent: its orders wait 15 minutes unopened, its referrals never.
			if urgentOrder := nt.Kind == notice.KindOrder; hasUnopened != urgentOrder ||
				(urgentOrder && !un.NextAt.Equal(nt.ReceivedAt.Add(15*time.Minute))) {
				t.Errorf("notice %d (%s) unopened timer: %+v (%v)", i, nt.Kind, un, hasUnopened)
			}
		}
	})
}

// TestPauseMovesTheDeadlineTimer ends a clarification pause on two clocks:
// one whose deadline timer was waiting and one whose timer was parked while
// the clock stood; both land at their fraction of the moved deadline.
func TestPauseMovesTheDeadlineTimer(t *testing.T) {
	t.Parallel()
	eachWithAuthority(t, func(ctx context.Context, t *testing.T, db *store.DB, auth org.Org) {
		rule := escalate.NewRule([]float64{0.5, 0.8, 1}, 0)
		waiting := mkNotice(auth, notice.KindReferral, t0, 4*time.Hour, "pause_waiting")
		parked := mkNotice(auth, notice.KindReferral, t0, 4*time.Hour, "pause_parked")
		for _, n := range []*notice.Notice{waiting, parked} {
			mustWrite(ctx, t, db, func(tx *store.Tx) error {
				if err := tx.InsertNotice(ctx, n); err != nil {
					return err
				}
				if err := tx.InsertTimers(ctx, rule.Start(n)); err != nil {
					return err
				}
				return tx.StartPause(ctx, &notice.Pause{NoticeID: n.ID, MessageID: "msg_q_" + n.ID, StartedAt: t0.Add(time.Hour)})
			})
		}
		// The loop found the parked one's 50% due during the pause: it moved it to 80% and parked it.
		mustWrite(ctx, t, db, func(tx *store.Tx) error {
			return tx.SetTimer(ctx, parked.ID, store.TimerDeadline, 1, 0.8, nil)
		})
		for _, n := range []*notice.Notice{waiting, parked} {
			mustWrite(ctx, t, db, func(tx *store.Tx) error {
				open, err := tx.OpenPause(ctx, n.ID)
				if err != nil || open == nil {
					return fmt.Errorf("open pause = %v, %v", open, err)
				}
				_, _, err = tx.EndPause(ctx, open, "msg_a_"+n.ID, t0.Add(3*time.Hour))
				return err
			})
		}
		got := timers(t, db)
		// Paused two hours: due at 6h instead of 4h.
		if tm := got[waiting.ID+"/"+store.TimerDeadline]; tm.Fraction != 0.5 || !tm.NextAt.Equal(t0.Add(4*time.Hour)) {
			t.Errorf("waiting timer: %+v, want 50%% at 4h", tm)
		}
		if tm := got[parked.ID+"/"+store.TimerDeadline]; tm.Step != 1 || tm.Fraction != 0.8 ||
			!tm.NextAt.Equal(t0.Add(6*time.Hour-48*time.Minute)) {
			t.Errorf("parked timer: %+v, want 80%% at 5h12m", tm)
		}
	})
}
