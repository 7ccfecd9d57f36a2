package rulelist

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

// TestBackfillMatchKeys: rules stored without match keys (as before
// migration 00110) get them, one of two rules that match the same posts
// keeps none, and afterwards a new way of writing a stored rule is a
// duplicate. A second run finds nothing to do.
func TestBackfillMatchKeys(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, eng storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, eng)
		now := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
		svc := &filterset.Service{Kind: Kind{}, DB: db, Clock: clock.NewFixed(now)}
		c := org.Caller{OrgID: "org_platform", KeyID: "key_admin"}
		kw, err := svc.Create(ctx, c, filterset.CreateInput{Name: "kw", Kind: KindKeyword, Policy: "shadow", Labels: []string{"terrorism"}})
		if err != nil {
			t.Fatal(err)
		}
		ln, err := svc.Create(ctx, c, filterset.CreateInput{Name: "links", Kind: KindLink, Policy: "shadow", Labels: []string{"terrorism"}})
		if err != nil {
			t.Fatal(err)
		}
		// Old rows: checked as then, stored with no key, "JIHAD" beside "jihad".
		var old []store.FilterEntry
		for i, r := range []struct{ list, kind, value string }{
			{kw.ID, KindKeyword, "jihad"}, {kw.ID, KindKeyword, "JIHAD"}, {kw.ID, KindKeyword, "granat rakitan"},
			{ln.ID, KindLink, "https://t.me/somechannel"},
		} {
			typ, stored, err := Check(r.kind, r.value)
			if err != nil {
				t.Fatal(err)
			}
			old = append(old, store.FilterEntry{ID: "ent_0" + string(rune('1'+i)), SetID: r.list, Type: typ, Value: stored, AddedByOrg: c.OrgID, AddedAt: now})
		}
		if err := db.Write(ctx, func(tx *store.Tx) error { _, err := tx.AddFilterEntries(ctx, old); return err }); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddEntry(ctx, c, kw.ID, filterset.Item{Value: "j1h4d"}); err != nil {
			t.Fatalf("before the backfill a rewritten old rule is not seen: %v", err)
		}
		n, err := svc.BackfillMatchKeys(ctx)
		if err != nil || n != 2 {
			// ent_01 and ent_02 match what the new j1h4d matches; only granat and the link are keyed.
			t.Fatalf("backfill keyed %d (%v), want 2", n, err)
		}
		for _, tc := range []struct {
			list, value string
		}{{kw.ID, "Granat Rakitan"}, {ln.ID, "t.me/s/SomeChannel"}} {
			if _, err := svc.AddEntry(ctx, c, tc.list, filterset.Item{Value: tc.value}); !errors.Is(err, store.ErrConflict) {
				t.Errorf("%q after the backfill: %v, want ErrConflict", tc.value, err)
			}
		}
		if n, err := svc.BackfillMatchKeys(ctx); err != nil || n != 0 {
			t.Errorf("second backfill keyed %d (%v), want 0", n, err)
		}
		if left, err := db.KeylessListEntries(ctx, "", 10); err != nil || len(left) != 0 {
			t.Errorf("rules left without a key: %+v %v", left, err)
		}
	})
}
