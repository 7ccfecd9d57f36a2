package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

func TestHitsBreakerAndQuarantine(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		seedKeywordList(ctx, t, db)
		hit := func(id, post string, at time.Time) (bool, store.ScanHit) {
			h := store.ScanHit{ID: id, At: at, Post: post, Channel: "c", MessageID: "1", Matcher: "keyword", SetID: "lst_1", EntryID: "ent_1",
				Policy: "review", Outcome: store.OutcomeNotice}
			var isNew bool
			mustWrite(ctx, t, db, func(tx *store.Tx) error { var err error; isNew, err = tx.InsertHit(ctx, &h); return err })
			return isNew, h
		}
		if isNew, _ := hit("hit_1", "p1", t0.Add(-2*time.Hour)); !isNew {
			t.Fatal("first hit not new")
		}
		if isNew, h := hit("hit_2", "p1", t0); isNew || h.ID != "hit_1" {
			t.Fatalf("repeat of a post's hit: new=%v %+v", isNew, h)
		}
		hit("hit_3", "p2", t0)
		var recent, base int64
		mustWrite(ctx, t, db, func(tx *store.Tx) error {
			var err error
			recent, base, err = tx.EntryHitWindow(ctx, "ent_1", t0.Add(-time.Hour), t0.Add(-7*24*time.Hour))
			return err
		})
		if recent != 1 || base != 1 {
			t.Fatalf("window: recent %d base %d", recent, base)
		}
		got := []bool{}
		for i := 0; i < 3; i++ {
			mustWrite(ctx, t, db, func(tx *store.Tx) error {
				ok, err := tx.TakeBreaker(ctx, "lst_1", "2026-11-27", 2)
				got = append(got, ok)
				return err
			})
		}
		if got[0] != true || got[1] != true || got[2] != false {
			t.Fatalf("breaker %v", got)
		}
		st, err := db.FilterSetStats(ctx, "lst_1", "2026-11-27")
		if err != nil || st.Hits != 2 || st.FiledToday != 2 || st.RefusedToday != 1 || st.Entries != 1 {
			t.Fatalf("stats %+v %v", st, err)
		}
		mustWrite(ctx, t, db, func(tx *store.Tx) error { return tx.QuarantineEntry(ctx, "ent_1", "flood", t0) })
		var q bool
		mustWrite(ctx, t, db, func(tx *store.Tx) error { q, err = tx.EntryQuarantined(ctx, "ent_1"); return err })
		top, _ := db.TopFilterEntries(ctx, "lst_1", 10)
		if !q || len(top) != 1 || top[0].QuarantineReason != "flood" || top[0].Hits != 2 {
			t.Fatalf("quarantine %v %+v", q, top)
		}
		mustWrite(ctx, t, db, func(tx *store.Tx) error { return tx.ReleaseFilterEntry(ctx, "lst_1", "ent_1") })
		if e, _ := db.FilterEntry(ctx, "lst_1", "ent_1"); !e.QuarantinedAt.IsZero() {
			t.Fatalf("release: %+v", e)
		}
		var a store.AutomatedAction
		for i := 0; i < 2; i++ {
			mustWrite(ctx, t, db, func(tx *store.Tx) error {
				a, err = tx.InsertAutomatedAction(ctx, store.AutomatedAction{ID: "act_" + string(rune('a'+i)), CreatedAt: t0, SetID: "lst_1", Post: "p1",
					URL: "https://t.me/c/1", Action: "remove", State: "pending", NoticeID: "ntc_1"})
				return err
			})
		}
		if a.ID != "act_a" {
			t.Fatalf("second action for the same post and set should be the first: %+v", a)
		}
		mustWrite(ctx, t, db, func(tx *store.Tx) error { return tx.SetHitsFiled(ctx, "p1", "lst_1", "ntc_1", "act_a") })
		hits, _ := db.RecentHits(ctx, "lst_1", "", 10)
		if len(hits) != 2 || hits[1].NoticeID != "ntc_1" || hits[1].ActionID != "act_a" {
			t.Fatalf("recent hits %+v", hits)
		}
		if id, err := db.PlatformOrgID(ctx); err != nil || id != "org_p" {
			t.Fatalf("platform org %q %v", id, err)
		}
	})
}
