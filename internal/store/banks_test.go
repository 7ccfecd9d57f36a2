package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/store"
)

func TestFilterSetsAndEntries(t *testing.T) {
	t.Parallel()
	eachWithPlatform(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		g0, err := db.FilterGeneration(ctx)
		if err != nil {
			t.Fatal(err)
		}
		set := store.FilterSet{ID: "bnk_1", Family: store.FamilyBank, Name: "b", Kind: "hash", Policy: "review", Labels: []string{"terrorism"},
			Enabled: true, RolloutFraction: 1, CreatedByOrg: "org_p", CreatedAt: t0, UpdatedAt: t0}
		write := func(fn func(tx *store.Tx) error) error { return db.Write(ctx, fn) }
		if err := write(func(tx *store.Tx) error { return tx.CreateFilterSet(ctx, set) }); err != nil {
			t.Fatal(err)
		}
		dup := set
		dup.ID = "bnk_2"
		if err := write(func(tx *store.Tx) error { return tx.CreateFilterSet(ctx, dup) }); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("same name twice: %v", err)
		}
		other := dup
		other.Family, other.Kind = store.FamilyList, "keyword"
		if err := write(func(tx *store.Tx) error { return tx.CreateFilterSet(ctx, other) }); err != nil {
			t.Fatalf("a list may share a bank's name: %v", err)
		}
		entries := []store.FilterEntry{
			{ID: "ent_1", SetID: "bnk_1", Type: "md5", Value: "aa", Source: "s", AddedByOrg: "org_p", AddedAt: t0},
			{ID: "ent_2", SetID: "bnk_1", Type: "md5", Value: "bb", AddedByOrg: "org_p", AddedAt: t0},
			{ID: "ent_3", SetID: "bnk_1", Type: "md5", Value: "aa", AddedByOrg: "org_p", AddedAt: t0},
		}
		var added int
		if err := write(func(tx *store.Tx) error { added, err = tx.AddFilterEntries(ctx, entries); return err }); err != nil || added != 2 {
			t.Fatalf("add: %d, %v; want 2 (one duplicate)", added, err)
		}
		if err := write(func(tx *store.Tx) error { return tx.AddFilterEntry(ctx, entries[2]) }); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("live duplicate: %v", err)
		}
		if g1, _ := db.FilterGeneration(ctx); g1 <= g0 {
			t.Fatalf("generation did not move: %d -> %d", g0, g1)
		}
		if err := write(func(tx *store.Tx) error {
			return tx.RemoveFilterEntry(ctx, "bnk_1", "ent_1", "org_p/key", t0.Add(time.Hour))
		}); err != nil {
			t.Fatal(err)
		}
		if err := write(func(tx *store.Tx) error { return tx.RemoveFilterEntry(ctx, "bnk_1", "ent_1", "x", t0) }); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("tombstone twice: %v", err)
		}
		// After a tombstone the same value may be added again.
		if err := write(func(tx *store.Tx) error { return tx.AddFilterEntry(ctx, entries[2]) }); err != nil {
			t.Fatalf("re-add after tombstone: %v", err)
		}
		live, _ := db.FilterEntries(ctx, "bnk_1", "", 10, false)
		all, _ := db.FilterEntries(ctx, "bnk_1", "", 10, true)
		if len(live) != 2 || len(all) != 3 || all[0].Live() || !all[0].RemovedAt.Equal(t0.Add(time.Hour)) || all[0].Source != "s" {
			t.Fatalf("live %+v all %+v", live, all)
		}
		var streamed []store.LiveEntry
		if err := db.LiveFilterEntries(ctx, store.FamilyBank, func(e store.LiveEntry) error { streamed = append(streamed, e); return nil }); err != nil || len(streamed) != 2 {
			t.Fatalf("live stream %v %v", streamed, err)
		}
		if err := write(func(tx *store.Tx) error { return tx.SetFilterSetState(ctx, "bnk_1", false, 0.25, "shadow", t0) }); err != nil {
			t.Fatal(err)
		}
		got, _ := db.FilterSet(ctx, "bnk_1")
		if got.Enabled || got.RolloutFraction != 0.25 || got.Policy != "shadow" || got.Labels[0] != "terrorism" {
			t.Fatalf("after patch %+v", got)
		}
		streamed = nil
		_ = db.LiveFilterEntries(ctx, store.FamilyBank, func(e store.LiveEntry) error { streamed = append(streamed, e); return nil })
		if len(streamed) != 0 {
			t.Fatalf("a disabled bank streams entries: %v", streamed)
		}
	})
}
