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
		var wg sync.WaitGroup
		errs := make([]error, callers)
		got := make([]string, callers) // the notice each caller was answered with
		for i := range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
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
			}()
		}
		wg.Wait()
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
		var wg sync.WaitGroup
		errs := make([]error, callers)
		for i := range callers {
			ns[i] = mkNotice(a, kinds[i%len(kinds)], t0, time.Duration(100+i%7)*time.Hour, "samechan", "samechan")
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = db.Write(ctx, func(tx *store.Tx) error { return tx.InsertNotice(ctx, ns[i]) })
			}()
		}
		wg.Wait()
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
