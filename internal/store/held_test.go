package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

// TestHeldCase checks that a case held for a second reviewer's approval is
// neither claimable nor swept back however much time passes, stays with its
// holder, and is settled as before: rejection puts it back on the queue,
// approval closes it to claims for good.
func TestHeldCase(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		settle    func(ctx context.Context, tx *store.Tx, caseID string, now time.Time) error
		claimable bool
		state     string
	}{
		{"rejected", func(ctx context.Context, tx *store.Tx, caseID string, now time.Time) error {
			return tx.SetLease(ctx, caseID, "", time.Time{}, now)
		}, true, notice.CaseOpen},
		{"approved", func(ctx context.Context, tx *store.Tx, caseID string, now time.Time) error {
			return tx.SetCaseState(ctx, caseID, notice.CaseDecided, now)
		}, false, notice.CaseDecided},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
				now := t0.Add(time.Minute)
				lc := heldCase(ctx, t, db, now)
				got, err := db.LeasedCase(ctx, lc.ID)
				if err != nil || !got.Held || got.LeaseHolder != "r1" || got.State != notice.CaseOpen {
					t.Fatalf("held case = %+v, %v; want held by r1 and open", got, err)
				}
				// A year on, far past any lease: still not claimable, still r1's, not waiting.
				later := now.Add(365 * 24 * time.Hour)
				if c := claim(t, db, "r2", later, store.ClaimFilter{}); c != nil {
					t.Fatalf("r2 claimed the held case %s", c.ID)
				}
				mine, err := db.HeldCases(ctx, "r1", later)
				if err != nil || len(mine) != 1 || mine[0].ID != lc.ID || !mine[0].Held {
					t.Fatalf("r1's cases = %+v, %v; want the held case", mine, err)
				}
				counts, err := db.QueueCounts(ctx, later)
				if err != nil || counts[lc.Lane] != 0 {
					t.Fatalf("queue counts = %v, %v; the held case is not waiting", counts, err)
				}
				if err := db.Write(ctx, func(tx *store.Tx) error { return tt.settle(ctx, tx, lc.ID, later) }); err != nil {
					t.Fatalf("settle: %v", err)
				}
				got, err = db.LeasedCase(ctx, lc.ID)
				if err != nil || got.Held || got.State != tt.state {
					t.Fatalf("settled case = %+v, %v; want not held, %s", got, err, tt.state)
				}
				c := claim(t, db, "r2", later, store.ClaimFilter{})
				if (c != nil) != tt.claimable || (c != nil && (c.ID != lc.ID || c.Held)) {
					t.Fatalf("claim after settling = %+v, want claimable %v", c, tt.claimable)
				}
			})
		})
	}
}

// TestHeldMigration checks migration 00140 both ways on a held case: rolled
// back, the hold becomes the far-future lease it was; brought forward, that
// lease becomes the held state again, still off the queue.
func TestHeldMigration(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		now := t0.Add(time.Minute)
		lc := heldCase(ctx, t, db, now)
		if err := store.MigrateDownTo(ctx, db, 130); err != nil {
			t.Fatalf("down to 00130: %v", err)
		}
		if err := store.MigrateUp(ctx, db); err != nil {
			t.Fatalf("up: %v", err)
		}
		got, err := db.LeasedCase(ctx, lc.ID)
		if err != nil || !got.Held || got.LeaseHolder != "r1" || got.LeaseExpiresAt.After(now) {
			t.Fatalf("case after the round trip = %+v, %v; want held by r1 with no lease expiry", got, err)
		}
		if c := claim(t, db, "r2", now.Add(365*24*time.Hour), store.ClaimFilter{}); c != nil {
			t.Fatalf("r2 claimed the held case %s", c.ID)
		}
	})
}

// heldCase files an order and returns its case as r1 claimed it at now and
// then held it for a second reviewer's approval.
func heldCase(ctx context.Context, t *testing.T, db *store.DB, now time.Time) *store.LeasedCase {
	t.Helper()
	fileOrder(t, db, 4*time.Hour, "held")
	lc := claim(t, db, "r1", now, store.ClaimFilter{})
	if lc == nil {
		t.Fatal("nothing to claim")
	}
	if err := db.Write(ctx, func(tx *store.Tx) error { return tx.HoldCase(ctx, lc.ID, "r1", now) }); err != nil {
		t.Fatalf("hold: %v", err)
	}
	return lc
}
