package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

// TestAppendRetroJob: entries appended to a set's queued job join its list
// in order and widen its window and priority; with none queued (or after
// the queued one started), a job is stored; a queued job made by hand
// merges appended entries without duplicates.
func TestAppendRetroJob(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		jobs := func() []store.RetroJob {
			t.Helper()
			js, err := db.RetroJobs(ctx, "", "", 10)
			if err != nil {
				t.Fatal(err)
			}
			return js
		}
		job := func(id string, since, until time.Time, prio int, entries ...string) store.RetroJob {
			return store.RetroJob{ID: id, SetID: "bnk_1", EntryIDs: entries, Since: since, Until: until, Priority: prio, CreatedAt: t0}
		}
		mustWrite(ctx, t, db, func(tx *store.Tx) error { return tx.AppendRetroJob(ctx, job("rtr_1", t0, t0.Add(time.Hour), 0)) })
		if n := len(jobs()); n != 0 {
			t.Fatalf("appending no entries stored %d jobs", n)
		}
		mustWrite(ctx, t, db, func(tx *store.Tx) error {
			return tx.AppendRetroJob(ctx, job("rtr_1", t0, t0.Add(time.Hour), 0, "ent_a", `ent_"b`))
		})
		mustWrite(ctx, t, db, func(tx *store.Tx) error {
			return tx.AppendRetroJob(ctx, job("rtr_2", t0.Add(-time.Hour), t0.Add(2*time.Hour), 5, "ent_c"))
		})
		js := jobs()
		if len(js) != 1 || js[0].ID != "rtr_1" || !slices.Equal(js[0].EntryIDs, []string{"ent_a", `ent_"b`, "ent_c"}) ||
			!js[0].Since.Equal(t0.Add(-time.Hour)) || !js[0].Until.Equal(t0.Add(2*time.Hour)) || js[0].Priority != 5 {
			t.Fatalf("after two appends: %+v", js)
		}
		// Merged by hand, an entry already queued is not queued twice.
		mustWrite(ctx, t, db, func(tx *store.Tx) error {
			_, err := tx.QueueRetroJob(ctx, job("rtr_3", t0, t0, 0, "ent_c", "ent_d"))
			return err
		})
		if js := jobs(); len(js) != 1 || !slices.Equal(js[0].EntryIDs, []string{"ent_a", `ent_"b`, "ent_c", "ent_d"}) {
			t.Fatalf("after a merge by hand: %+v", js)
		}
		// Another set's entries make a job of their own.
		mustWrite(ctx, t, db, func(tx *store.Tx) error {
			j := job("rtr_4", t0, t0, 0, "ent_e")
			j.SetID = "bnk_2"
			return tx.AppendRetroJob(ctx, j)
		})
		if js := jobs(); len(js) != 2 {
			t.Fatalf("another set's append: %d jobs", len(js))
		}
	})
}
