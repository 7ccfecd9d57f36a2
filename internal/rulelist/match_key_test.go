package rulelist

import (
	"errors"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

// TestDuplicatesOnMatchKey: a rule written another way (case, leetspeak, a
// link's other form) is a duplicate of a live rule: a single add is
// store.ErrConflict, an import skips and counts it. After a tombstone the
// rule may be added again.
func TestDuplicatesOnMatchKey(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, eng storetest.Engine) {
		ctx := t.Context()
		svc := &filterset.Service{Kind: Kind{}, DB: storetest.Open(t, eng), Clock: clock.NewFixed(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC))}
		c := org.Caller{OrgID: "org_platform", KeyID: "key_admin"}
		tests := []struct {
			kind          string
			first, second string
			distinct      string // a different rule, accepted
		}{
			{KindKeyword, "jihad", "JIHAD", "jihadis"},
			{KindKeyword, "jihad", "j1h4d", "jihad fisabilillah"},
			{KindKeyword, "bom bunuh diri", "B.O.M  bunuh-diri", "bom rakitan"},
			{KindRegex, `daulah\s+islamiy+ah`, `(?:daulah\s+islamiy+ah)`, `daulah\s+islamiyah`},
			{KindLink, "t.me/SomeChannel", "https://t.me/s/somechannel", "t.me/SomeChannel/5"},
			{KindLink, "https://t.me/OtherChan/77", "tg://resolve?domain=OtherChan&post=77", "https://t.me/OtherChan/78"},
			{KindLink, "propaganda.example", "https://WWW.Propaganda.example/", "sub.propaganda.example"},
			{KindLink, "https://example.org/a?x=1", "https://EXAMPLE.org/a?x=1", "https://example.org/b"},
		}
		for i, tc := range tests {
			l, err := svc.Create(ctx, c, filterset.CreateInput{Name: "dup " + string(rune('a'+i)), Kind: tc.kind, Policy: "shadow", Labels: []string{"terrorism"}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.AddEntry(ctx, c, l.ID, filterset.Item{Value: tc.first}); err != nil {
				t.Fatalf("%s %q: %v", tc.kind, tc.first, err)
			}
			if _, err := svc.AddEntry(ctx, c, l.ID, filterset.Item{Value: tc.second}); !errors.Is(err, store.ErrConflict) {
				t.Errorf("%s: %q beside %q: want ErrConflict, got %v", tc.kind, tc.second, tc.first, err)
			}
			res, err := svc.Import(ctx, c, l.ID, []filterset.Item{{Value: tc.second}, {Value: tc.distinct}, {Value: tc.distinct}, {Value: tc.first}})
			if err != nil || res.Received != 4 || res.Added != 1 || res.Skipped != 3 {
				t.Errorf("%s: import of %q, %q twice, %q: %+v %v; want 1 added, 3 skipped", tc.kind, tc.second, tc.distinct, tc.first, res, err)
			}
			entries, _, err := svc.Entries(ctx, l.ID, "", 10, false)
			if err != nil || len(entries) != 2 {
				t.Fatalf("%s: live entries %+v %v", tc.kind, entries, err)
			}
			var firstID string
			for _, e := range entries {
				if e.Value != tc.distinct && firstID == "" {
					firstID = e.ID
				}
			}
			if err := svc.RemoveEntry(ctx, c, l.ID, firstID); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.AddEntry(ctx, c, l.ID, filterset.Item{Value: tc.second}); err != nil {
				t.Errorf("%s: %q after the tombstone of %q: %v", tc.kind, tc.second, tc.first, err)
			}
		}
	})
}

// TestBackfillMatchKeys: rules stored without match keys (as before
// migration 00110) get them, one of two rules that match the same posts
// keeps none, and afterwards a new way of writing a stored rule is a
// duplicate. A second run finds nothing to do.
func TestBackfillMatchKeys(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, eng storetest.Engine) {
		ctx := t.Context()
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
