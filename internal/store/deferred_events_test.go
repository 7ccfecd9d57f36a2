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
		errs := make([]error, callers)
		ns := make([]*notice.Notice, callers)
		concurrently(callers, func(i int) {
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
		})
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
				if _, err := db.Notice(ctx, n.ID, ""); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("caller %d failed but its notice is there (%v)", i, err)
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

// concurrently calls fn(0) to fn(n-1) at once and waits for them all, so
// that their writes share groups and, on PostgreSQL, writers.
func concurrently(n int, fn func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(i)
		}()
	}
	wg.Wait()
}

// TestConcurrentIdempotencyKeysStoreOnce sends many notices at once, most of
// them reusing one of a few idempotency keys, the way intake settles a key
// inside its write: look the key up, store the notice only when it is new.
// Callers sharing a key meet in one group (the key is found among the
// group's waiting notices) or in two writers (PostgreSQL runs several; the
// second's INSERT collides and runs again). Each key must store one notice,
// every caller must succeed and be answered with that notice, and the log
// must stay dense.
func TestConcurrentIdempotencyKeysStoreOnce(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		a := mkOrg(t, db, org.KindAuthority)
		const callers, keys = 48, 4
		errs := make([]error, callers)
		got := make([]string, callers) // the notice each caller was answered with
		concurrently(callers, func(i int) {
			n := mkNotice(a, notice.KindOrder, t0, time.Hour, fmt.Sprintf("idem%d", i))
			n.IdempotencyKey = fmt.Sprintf("key-%d", i%keys)
			errs[i] = db.Write(ctx, func(tx *store.Tx) error {
				prev, err := tx.NoticeByIdempotencyKey(ctx, a.ID, n.IdempotencyKey)
				switch {
				case err == nil:
					got[i] = prev.ID
					return nil
				case !errors.Is(err, store.ErrNotFound):
					return err
				}
				got[i] = n.ID
				return tx.InsertNotice(ctx, n)
			})
		})
		byKey := map[string]string{}
		for i, err := range errs {
			if err != nil {
				t.Fatalf("caller %d: %v", i, err)
			}
			k := fmt.Sprintf("key-%d", i%keys)
			if prev, ok := byKey[k]; ok && prev != got[i] {
				t.Errorf("key %s answered with two notices: %s and %s", k, prev, got[i])
			}
			byKey[k] = got[i]
		}
		for k, id := range byKey {
			n, err := db.Notice(ctx, id, a.ID)
			if err != nil {
				t.Fatalf("key %s: the notice answered (%s): %v", k, id, err)
			}
			if n.IdempotencyKey != k || len(n.Subjects) != 1 {
				t.Errorf("key %s: notice %s has key %q and %d subjects", k, id, n.IdempotencyKey, len(n.Subjects))
			}
		}
		counts, err := db.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if counts["notices"] != keys || counts["notice_subjects"] != keys || counts["cases"] != keys {
			t.Errorf("stored %v, want %d notices, subjects and cases", counts, keys)
		}
		size, _, err := db.LogState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if size != int64(counts["events"]) || size != 2*keys {
			t.Errorf("log size %d, events %d; want both %d", size, counts["events"], 2*keys)
		}
		if _, err := db.LogEntries(ctx, 0, size); err != nil {
			t.Errorf("log not dense: %v", err)
		}
	})
}

// TestConcurrentNoticesJoinOneCase files many notices on one subject at
// once, with different lanes and deadlines. They must all land in one open
// case, opened by exactly one of them, whose deadline is the earliest and
// whose lane is the most urgent of theirs.
func TestConcurrentNoticesJoinOneCase(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		a := mkOrg(t, db, org.KindAuthority)
		const callers = 40
		kinds := []string{notice.KindReport, notice.KindFlag, notice.KindOrder}
		ns := make([]*notice.Notice, callers)
		for i := range ns {
			ns[i] = mkNotice(a, kinds[i%len(kinds)], t0, time.Duration(100+i%7)*time.Hour, "samechan", "samechan")
		}
		errs := make([]error, callers)
		concurrently(callers, func(i int) {
			errs[i] = db.Write(ctx, func(tx *store.Tx) error { return tx.InsertNotice(ctx, ns[i]) })
		})
		opened := 0
		caseID := ""
		for i, n := range ns {
			if errs[i] != nil {
				t.Fatalf("caller %d: %v", i, errs[i])
			}
			for j, s := range n.Subjects {
				if caseID == "" {
					caseID = s.CaseID
				}
				if s.CaseID != caseID {
					t.Errorf("notice %d link %d is in case %s, another in %s", i, j, s.CaseID, caseID)
				}
				if s.NewCase {
					opened++
					if j != 0 {
						t.Errorf("notice %d opened the case at its second link of the subject", i)
					}
				}
			}
			stored, err := db.Notice(ctx, n.ID, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			for j, s := range stored.Subjects {
				if s.CaseID != caseID || s.NewCase != n.Subjects[j].NewCase {
					t.Errorf("notice %d link %d stored as case %s new %v; answered %s new %v", i, j, s.CaseID, s.NewCase, n.Subjects[j].CaseID, n.Subjects[j].NewCase)
				}
			}
		}
		if opened != 1 {
			t.Errorf("%d notices opened the case, want 1", opened)
		}
		c, err := db.Case(ctx, caseID)
		if err != nil {
			t.Fatal(err)
		}
		if want := t0.Add(100 * time.Hour); !c.DueAt.Equal(want) || c.Lane != notice.LaneOrder || c.State != notice.CaseOpen {
			t.Errorf("case due %v lane %s state %s; want due %v, lane %s, open", c.DueAt, c.Lane, c.State, want, notice.LaneOrder)
		}
		counts, err := db.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if counts["cases"] != 1 || counts["notices"] != callers || counts["notice_subjects"] != 2*callers {
			t.Errorf("stored %v; want 1 case, %d notices, %d links", counts, callers, 2*callers)
		}
	})
}

// TestNoticesOfOneTransactionShareCases stores notices naming the same
// subjects in one transaction, with a read of cases between them: the
// waiting cases are stored before the read sees them, the first notice to
// name a subject opens its case and the later ones join it (also after the
// read), the case takes the earliest deadline and the most urgent lane, and
// every notice's timeline names the case each link opened or joined.
func TestNoticesOfOneTransactionShareCases(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		a := mkOrg(t, db, org.KindAuthority)
		n1 := mkNotice(a, notice.KindReport, t0, 100*time.Hour, "chan_a", "chan_b", "chan_a")
		n2 := mkNotice(a, notice.KindOrder, t0.Add(time.Second), 50*time.Hour, "chan_a")
		n3 := mkNotice(a, notice.KindFlag, t0.Add(2*time.Second), 200*time.Hour, "chan_b", "chan_c")
		var seen []string
		if err := db.Write(ctx, func(tx *store.Tx) error {
			for _, n := range []*notice.Notice{n1, n2} {
				if err := tx.InsertNotice(ctx, n); err != nil {
					return err
				}
			}
			var err error
			if seen, err = tx.OpenCasesOfNotice(ctx, n1.ID); err != nil {
				return err
			}
			return tx.InsertNotice(ctx, n3)
		}); err != nil {
			t.Fatal(err)
		}
		if len(seen) != 2 {
			t.Errorf("a read in the transaction saw %d open cases of the first notice, want 2", len(seen))
		}
		caseA, caseB := n1.Subjects[0].CaseID, n1.Subjects[1].CaseID
		type link struct {
			n        *notice.Notice
			i        int
			caseID   string
			opened   bool
			wantType string
		}
		for _, l := range []link{
			{n1, 0, caseA, true, notice.EventCaseOpened},
			{n1, 1, caseB, true, notice.EventCaseOpened},
			{n1, 2, caseA, false, notice.EventCaseJoined},
			{n2, 0, caseA, false, notice.EventCaseJoined},
			{n3, 0, caseB, false, notice.EventCaseJoined},
			{n3, 1, "", true, notice.EventCaseOpened},
		} {
			s := l.n.Subjects[l.i]
			if s.CaseID == "" || (l.caseID != "" && s.CaseID != l.caseID) || s.NewCase != l.opened {
				t.Errorf("notice %s link %d: case %q new %v; want case %q new %v", l.n.Kind, l.i, s.CaseID, s.NewCase, l.caseID, l.opened)
			}
			evs, err := db.Timeline(ctx, l.n.ID, 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != len(l.n.Subjects)+1 {
				t.Fatalf("notice %s: %d events, want %d", l.n.Kind, len(evs), len(l.n.Subjects)+1)
			}
			if ev := evs[l.i+1]; ev.Type != l.wantType || ev.CaseID != s.CaseID {
				t.Errorf("notice %s link %d: event %s of case %s; want %s of case %s", l.n.Kind, l.i, ev.Type, ev.CaseID, l.wantType, s.CaseID)
			}
		}
		if n3.Subjects[1].CaseID == caseA || n3.Subjects[1].CaseID == caseB || caseA == caseB {
			t.Errorf("cases %s, %s and %s are not three", caseA, caseB, n3.Subjects[1].CaseID)
		}
		urgent := notice.LaneFor(notice.KindOrder)
		if notice.LaneRank(notice.LaneFor(notice.KindReport)) < notice.LaneRank(urgent) {
			urgent = notice.LaneFor(notice.KindReport)
		}
		c, err := db.Case(ctx, caseA)
		if err != nil {
			t.Fatal(err)
		}
		if !c.DueAt.Equal(n2.DueAt) || c.Lane != urgent || c.State != notice.CaseOpen {
			t.Errorf("case of chan_a: due %v lane %s state %s; want due %v lane %s open", c.DueAt, c.Lane, c.State, n2.DueAt, urgent)
		}
		counts, err := db.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if counts["cases"] != 3 || counts["notices"] != 3 || counts["notice_subjects"] != 6 {
			t.Errorf("stored %v; want 3 cases, 3 notices, 6 links", counts)
		}
	})
}
