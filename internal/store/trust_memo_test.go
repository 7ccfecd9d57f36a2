package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
	"github.com/sigap/sigap/internal/trust"
)

// putTrust stores status as o's trust record with its history step.
func putTrust(ctx context.Context, tx *store.Tx, o org.Org, status string) error {
	return tx.PutTrust(ctx, trust.Record{OrgID: o.ID, Status: status, Categories: []string{"terrorism"}, UpdatedAt: t0},
		trust.HistoryEntry{ID: id.New("trh", t0), Kind: trust.KindStatus, Status: status, At: t0})
}

// TestTrustRememberedInTransaction checks what a transaction remembers of
// trust records: a write of the record is seen by the next read in the same
// transaction, and a caller whose savepoint rolled back a write leaves no
// trace in what the other callers of its group read.
func TestTrustRememberedInTransaction(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		f := mkOrg(t, db, org.KindFlagger)
		err := db.Write(ctx, func(tx *store.Tx) error {
			if _, err := tx.TrustRecord(ctx, f.ID); !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("first read: %v, want not found", err)
			}
			if err := putTrust(ctx, tx, f, trust.StatusActive); err != nil {
				return err
			}
			r, err := tx.TrustRecord(ctx, f.ID)
			if err != nil || r.Status != trust.StatusActive {
				return fmt.Errorf("read after the write: %+v, %v; want active", r, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		const callers = 40
		seen := make([]string, callers)
		errs := make([]error, callers)
		concurrently(callers, func(i int) {
			errs[i] = db.Write(ctx, func(tx *store.Tx) error {
				if i%2 == 0 { // suspends, reads its own write, then gives up
					if err := putTrust(ctx, tx, f, trust.StatusSuspended); err != nil {
						return err
					}
					if r, err := tx.TrustRecord(ctx, f.ID); err != nil || r.Status != trust.StatusSuspended {
						return fmt.Errorf("own write not read: %+v, %v", r, err)
					}
					return errGaveUp
				}
				r, err := tx.TrustRecord(ctx, f.ID)
				seen[i] = r.Status
				return err
			})
		})
		for i, err := range errs {
			if i%2 == 0 {
				if !errors.Is(err, errGaveUp) {
					t.Errorf("caller %d: %v, want it to give up", i, err)
				}
				continue
			}
			if err != nil || seen[i] != trust.StatusActive {
				t.Errorf("caller %d read %q (%v); a rolled-back suspension must not be seen", i, seen[i], err)
			}
		}
		r, err := db.TrustRecord(ctx, f.ID)
		if err != nil || r.Status != trust.StatusActive {
			t.Errorf("stored record %+v, %v; want active", r, err)
		}
	})
}

var errGaveUp = errors.New("caller gave up")
