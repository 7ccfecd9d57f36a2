package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

// TestDeferredEventsSurviveRollbacks groups many notices into shared commits
// where some callers store more events (which stores the group's waiting
// events inside their savepoint) and then fail. Every stored notice must keep
// its events, with the log index its answer carried, and the log must stay
// dense; a failed caller must leave nothing.
func TestDeferredEventsSurviveRollbacks(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		a := mkOrg(t, db, org.KindAuthority)
		const callers = 60
		var wg sync.WaitGroup
		errs := make([]error, callers)
		ns := make([]*notice.Notice, callers)
		for i := range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n := mkNotice(a, notice.KindOrder, t0, time.Hour, fmt.Sprintf("d%d", i))
				ns[i] = n
				errs[i] = db.Write(ctx, func(tx *store.Tx) error {
					if err := tx.InsertNotice(ctx, n); err != nil {
						return err
					}
					switch i % 5 {
					case 0, 1: // more events now: the group's waiting events are stored first
						ev := notice.Event{At: t0, Type: "notice.status", NoticeID: n.ID, OrgID: a.ID, Data: []byte(`{"status":"in_review"}`)}
						if err := tx.AppendEvents(ctx, []notice.Event{ev}); err != nil {
							return err
						}
						if i%5 == 0 {
							return errors.New("caller gave up after storing events")
						}
					case 2:
						return errors.New("caller gave up")
					}
					return nil
				})
			}()
		}
		wg.Wait()
		stored := 0
		for i, n := range ns {
			tl, err := db.Timeline(ctx, n.ID, 10)
			if err != nil {
				t.Fatal(err)
			}
			if errs[i] != nil {
				if len(tl) != 0 {
					t.Errorf("caller %d failed but left %d events", i, len(tl))
				}
				continue
			}
			stored++
			want := 2
			if i%5 == 1 {
				want = 3
			}
			if len(tl) != want || tl[0].Type != notice.EventReceived {
				t.Errorf("caller %d: %d events %v, want %d starting with %s", i, len(tl), tl, want, notice.EventReceived)
				continue
			}
			idx, err := db.NoticeLogIndex(ctx, n.ID)
			if err != nil {
				t.Fatal(err)
			}
			if n.LogIndex == nil || *n.LogIndex != idx {
				t.Errorf("caller %d was told log index %v; its notice.received event is at %d", i, n.LogIndex, idx)
			}
		}
		if stored != 36 {
			t.Errorf("%d callers stored, want 36", stored)
		}
		size, _, err := db.LogState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		counts, err := db.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if size != int64(counts["events"]) || size != 36*2+12 {
			t.Errorf("log size %d, events %d; want both %d", size, counts["events"], 36*2+12)
		}
		// Every index below the size is present exactly once.
		if _, err := db.LogEntries(ctx, 0, size); err != nil {
			t.Errorf("log not dense: %v", err)
		}
	})
}
