package translog_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/lease"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
	"github.com/sigap/sigap/internal/translog"
)

// TestTwoLogsOneSigner opens the log twice on one database, as two replicas
// do: only the holder of the lease signs; the other serves the holder's
// checkpoints, and a tile or proof of a newer one as soon as it is stored;
// a holder whose lease was taken over while it was paused signs
// nothing more, and the new holder goes on from its predecessor's tree.
func TestTwoLogsOneSigner(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		ctx := t.Context()
		db := storetest.Open(t, e)
		k := testKey(t)
		start := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
		clkA, clkB := clock.NewFixed(start), clock.NewFixed(start)
		const ttl = 5 * time.Second
		fa := lease.New(db, clkA, nil, lease.TransLog, "A", ttl)
		fb := lease.New(db, clkB, nil, lease.TransLog, "B", ttl)
		if held, err := fa.Tick(ctx); err != nil || !held {
			t.Fatalf("A takes the lease: %v, %v", held, err)
		}
		a, err := translog.OpenFenced(ctx, db, k, nil, nil, fa)
		if err != nil {
			t.Fatal(err)
		}
		b, err := translog.OpenFenced(ctx, db, k, nil, nil, fb)
		if err != nil {
			t.Fatal(err)
		}
		appendEvents := func(w, n int) {
			t.Helper()
			evs := make([]notice.Event, n)
			for i := range evs {
				evs[i] = notice.Event{At: start, Type: "test.event", NoticeID: fmt.Sprintf("ntc_%d_%d", w, i), Data: []byte(`{}`)}
			}
			if err := db.Write(ctx, func(tx *store.Tx) error { return tx.AppendEvents(ctx, evs) }); err != nil {
				t.Fatal(err)
			}
		}
		stored := func() int64 {
			t.Helper()
			c, err := db.LatestCheckpoint(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return c.Size
		}

		appendEvents(0, 10)
		if s, err := b.Sync(ctx); err != nil || s.Size != 0 {
			t.Fatalf("B without the lease: Sync = %d, %v; want the stored checkpoint of 0", s.Size, err)
		}
		if stored() != 0 {
			t.Fatalf("B signed without the lease: stored checkpoint of %d", stored())
		}
		if s, err := a.Sync(ctx); err != nil || s.Size != 10 {
			t.Fatalf("A, the holder: Sync = %d, %v", s.Size, err)
		}
		// A client that read A's checkpoint of 10 asks B, which has not
		// synced since, for that tree's tiles and proofs: B serves them.
		if _, err := b.Tile(ctx, tlog.Tile{H: translog.TileHeight, L: 0, N: 0, W: 10}); err != nil {
			t.Errorf("B's tile of A's newer tree: %v", err)
		}
		if _, err := b.Inclusion(ctx, 9, 10); err != nil {
			t.Errorf("B's inclusion proof in A's newer tree: %v", err)
		}
		if _, err := b.Tile(ctx, tlog.Tile{H: translog.TileHeight, L: 0, N: 0, W: 11}); !errors.Is(err, translog.ErrRange) {
			t.Errorf("B's tile beyond every signed tree: %v, want ErrRange", err)
		}
		if s, err := b.Sync(ctx); err != nil || s.Size != 10 {
			t.Fatalf("B follows A: Sync = %d, %v", s.Size, err)
		}

		// A pauses; B's clock passes A's lease and B takes over. A, its clock
		// standing still, still believes it holds the lease.
		clkB.Advance(ttl + time.Second)
		if held, err := fb.Tick(ctx); err != nil || !held {
			t.Fatalf("B takes over: %v, %v", held, err)
		}
		appendEvents(1, 5)
		if s, err := a.Sync(ctx); err != nil || s.Size != 10 {
			t.Fatalf("A after losing the lease: Sync = %d, %v; want the stored 10", s.Size, err)
		}
		if stored() != 10 {
			t.Fatalf("A signed after the takeover: stored checkpoint of %d", stored())
		}
		if s, err := b.Sync(ctx); err != nil || s.Size != 15 {
			t.Fatalf("B, the new holder: Sync = %d, %v", s.Size, err)
		}
		if s, err := a.Sync(ctx); err != nil || s.Size != 15 {
			t.Fatalf("A follows B: Sync = %d, %v", s.Size, err)
		}
	})
}
