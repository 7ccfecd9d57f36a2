package lease_test

import (
	"errors"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/lease"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

// TestTakeoverFencesThePausedHolder walks two processes through a lease: A
// takes it, stops renewing (paused) while its own clock stands still, B takes
// it over, and A's write checked in its own transaction then fails, however
// sure A is that it still holds the lease; a release hands it back at once.
func TestTakeoverFencesThePausedHolder(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		ctx := t.Context()
		db := storetest.Open(t, e)
		start := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
		clkA, clkB := clock.NewFixed(start), clock.NewFixed(start)
		const ttl = 5 * time.Second
		a := lease.New(db, clkA, nil, lease.Escalate, "A", ttl)
		b := lease.New(db, clkB, nil, lease.Escalate, "B", ttl)
		write := func(k *lease.Keeper) error {
			return db.Write(ctx, func(tx *store.Tx) error { return k.Check(ctx, tx) })
		}
		tick := func(k *lease.Keeper, want bool) {
			t.Helper()
			held, err := k.Tick(ctx)
			if err != nil || held != want {
				t.Fatalf("%s Tick = %v, %v; want %v", k.Name(), held, err, want)
			}
		}

		tick(a, true)
		tick(b, false)
		epochA := a.Epoch()
		if err := write(a); err != nil {
			t.Fatalf("the holder's write: %v", err)
		}
		if err := write(b); !errors.Is(err, store.ErrNotLeader) {
			t.Fatalf("the other's write: %v, want ErrNotLeader", err)
		}
		tick(a, true) // a renewal keeps the epoch
		if a.Epoch() != epochA {
			t.Errorf("renewal moved the epoch from %d to %d", epochA, a.Epoch())
		}

		// A is paused: B's clock passes A's lease, A's does not.
		clkB.Advance(ttl + time.Second)
		tick(b, true)
		if b.Epoch() <= epochA {
			t.Errorf("takeover epoch %d, want above %d", b.Epoch(), epochA)
		}
		if !a.Held() {
			t.Fatal("A's own clock should still say it holds the lease")
		}
		if err := write(a); !errors.Is(err, store.ErrNotLeader) {
			t.Fatalf("the paused holder's write after the takeover: %v, want ErrNotLeader", err)
		}
		if err := write(b); err != nil {
			t.Fatalf("the new holder's write: %v", err)
		}
		clkA.Advance(ttl + time.Second)
		if a.Held() {
			t.Error("A's clock passed its lease, yet Held says yes")
		}
		tick(a, false) // B's lease has not lapsed by B's renewal

		if err := b.Release(ctx); err != nil {
			t.Fatal(err)
		}
		if held, _ := b.Tick(ctx); held {
			t.Error("a released Keeper took the lease again")
		}
		tick(a, true)
		l, err := db.Lease(ctx, lease.Escalate)
		if err != nil || l.Holder != "A" || l.Epoch <= epochA+1 {
			t.Errorf("stored lease %+v, %v; want A at an epoch above %d", l, err, epochA+1)
		}
	})
}
