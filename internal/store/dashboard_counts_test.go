package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

// TestHitsPerHourAndSearch: hits fall in the hour they were seen in, the
// hours before since are left out, and a search narrows by post, channel
// or detail with LIKE's wildcards taken as plain characters.
func TestHitsPerHourAndSearch(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		seedKeywordList(ctx, t, db)
		hour := t0.Truncate(time.Hour)
		for i, h := range []struct {
			at            time.Time
			post, channel string
		}{
			{hour.Add(-time.Minute), "telegram:message/lama/1", "lama"},
			{hour, "telegram:message/kanal_satu/1", "kanal_satu"},
			{hour.Add(59 * time.Minute), "telegram:message/kanaldua/2", "kanaldua"},
			{hour.Add(2 * time.Hour), "telegram:message/kanaldua/3", "kanaldua"},
		} {
			hit := store.ScanHit{ID: "hit_" + string(rune('a'+i)), At: h.at, Post: h.post, Channel: h.channel, MessageID: "1", Matcher: "keyword",
				SetID: "lst_1", EntryID: "ent_1", Detail: "granat", Policy: "review", Outcome: store.OutcomeNotice}
			mustWrite(ctx, t, db, func(tx *store.Tx) error { _, err := tx.InsertHit(ctx, &hit); return err })
		}
		got, err := db.HitsPerHour(ctx, hour)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.HourCount{{Hour: hour.UTC(), Count: 2}, {Hour: hour.Add(2 * time.Hour).UTC(), Count: 1}}
		if len(got) != len(want) {
			t.Fatalf("hours %v, want %v", got, want)
		}
		for i := range want {
			if !got[i].Hour.Equal(want[i].Hour) || got[i].Count != want[i].Count {
				t.Errorf("hour %d: %v, want %v", i, got[i], want[i])
			}
		}
		for _, tc := range []struct {
			text string
			n    int
		}{{"", 4}, {"KANALDUA", 2}, {"kanal_satu", 1}, {"kanal%", 0}, {"granat", 4}, {"tidak ada", 0}} {
			hs, err := db.SearchHits(ctx, "", tc.text, "", 10)
			if err != nil || len(hs) != tc.n {
				t.Errorf("search %q: %d hits, %v; want %d", tc.text, len(hs), err, tc.n)
			}
		}
	})
}

// seedKeywordList makes the platform org_p with a keyword list lst_1 of
// one entry, ent_1 ("granat"), for hits to point at.
func seedKeywordList(ctx context.Context, t *testing.T, db *store.DB) {
	t.Helper()
	seedOrg(t, db, "org_p", org.KindPlatform)
	mustWrite(ctx, t, db, func(tx *store.Tx) error {
		if err := tx.CreateFilterSet(ctx, store.FilterSet{ID: "lst_1", Family: store.FamilyList, Name: "l", Kind: "keyword", Policy: "review",
			Enabled: true, RolloutFraction: 1, CreatedByOrg: "org_p", CreatedAt: t0, UpdatedAt: t0}); err != nil {
			return err
		}
		return tx.AddFilterEntry(ctx, store.FilterEntry{ID: "ent_1", SetID: "lst_1", Type: "keyword", Value: "granat", AddedByOrg: "org_p", AddedAt: t0})
	})
}
