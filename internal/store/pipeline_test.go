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

// TestFailedGroupEndsItsTransaction files notices together, one of them from
// an org that does not exist, which is refused only when the group's rows
// are stored (on PostgreSQL in the pipeline with the log's reservation,
// pipeline.go). Only that caller fails; the others are stored with their
// log entries, and no connection is left inside the failed transaction.
func TestFailedGroupEndsItsTransaction(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		a := mkOrg(t, db, org.KindAuthority)
		const n, bad = 24, 11
		ns := make([]*notice.Notice, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			o := a
			if i == bad {
				o = org.Org{ID: "org_missing"}
			}
			ns[i] = mkNotice(o, notice.KindOrder, t0.Add(time.Duration(i)*time.Millisecond), time.Hour, fmt.Sprintf("pipe%d", i))
			wg.Go(func() { errs[i] = db.Write(ctx, func(tx *store.Tx) error { return tx.InsertNotice(ctx, ns[i]) }) })
		}
		wg.Wait()
		for i, err := range errs {
			_, gerr := db.Notice(ctx, ns[i].ID, "")
			if i == bad {
				if !isForeignKeyViolation(err) {
					t.Errorf("the notice of a missing org: got %v, want a foreign key violation", err)
				}
				if !errors.Is(gerr, store.ErrNotFound) {
					t.Errorf("the refused notice was stored (%v)", gerr)
				}
				continue
			}
			if err != nil || gerr != nil {
				t.Errorf("notice %d: write %v, read %v; want it stored", i, err, gerr)
			}
		}
		later := mkNotice(a, notice.KindOrder, t0.Add(time.Second), time.Hour, "pipe-later")
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.InsertNotice(ctx, later) }); err != nil {
			t.Fatalf("a write after the failed group: %v", err)
		}
		open, err := store.OpenTransactions(ctx, db)
		if err != nil || open != 0 {
			t.Errorf("connections inside a transaction after the writes: %d (%v), want 0", open, err)
		}
		size, _, err := db.LogState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		entries, err := db.LogEntries(ctx, 0, size)
		if err != nil || int64(len(entries)) != size {
			t.Errorf("log of %d entries read back %d (%v): indexes are not dense", size, len(entries), err)
		}
	})
}
