package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/casetest"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

func claim(t *testing.T, db *store.DB, who string, now time.Time, f store.ClaimFilter) *store.LeasedCase {
	t.Helper()
	ctx := t.Context()
	var lc *store.LeasedCase
	err := db.Write(ctx, func(tx *store.Tx) error {
		var err error
		lc, err = tx.ClaimCase(ctx, who, now, now.Add(15*time.Minute), f)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		t.Fatalf("claim: %v", err)
	}
	return lc
}

func TestClaimOrderAndLeases(t *testing.T) {
	t.Parallel()
	eachWithAuthority(t, func(ctx context.Context, t *testing.T, db *store.DB, auth org.Org) {
		flagger := mkOrg(t, db, org.KindFlagger)
		// A report due first, a flag due second, an order due last: the order still comes first.
		casetest.File(t, db, mkNotice(flagger, notice.KindReport, t0, time.Hour, "rep"))
		casetest.File(t, db, mkNotice(flagger, notice.KindFlag, t0, 2*time.Hour, "flag"))
		casetest.File(t, db, mkNotice(auth, notice.KindOrder, t0, 24*time.Hour, "ord2"))
		casetest.File(t, db, mkNotice(auth, notice.KindOrder, t0, 4*time.Hour, "ord1"))
		want := []string{"telegram:channel/ord1", "telegram:channel/ord2", "telegram:channel/flag", "telegram:channel/rep"}
		now := t0.Add(time.Minute)
		for i, w := range want {
			lc := claim(t, db, fmt.Sprintf("r%d", i), now, store.ClaimFilter{})
			if lc == nil || lc.Subject != w {
				t.Fatalf("claim %d = %+v, want %s", i, lc, w)
			}
			if !lc.LeaseExpiresAt.Equal(now.Add(15 * time.Minute)) {
				t.Errorf("lease expires %v", lc.LeaseExpiresAt)
			}
		}
		if lc := claim(t, db, "r9", now, store.ClaimFilter{}); lc != nil {
			t.Fatalf("a fifth claim got %s; every case is leased", lc.Subject)
		}
		// An expired lease puts the case back, most urgent first.
		lc := claim(t, db, "r9", now.Add(16*time.Minute), store.ClaimFilter{})
		if lc == nil || lc.Subject != want[0] || lc.LeaseHolder != "r9" {
			t.Fatalf("after expiry got %+v, want %s", lc, want[0])
		}
		// Claiming moved the notices on it to in_review.
		ns, err := db.CaseNotices(t.Context(), lc.ID)
		if err != nil || len(ns) != 1 || ns[0].Status != notice.StatusInReview {
			t.Fatalf("notices on claimed case: %v %+v", err, ns)
		}
	})
}

func TestClaimFilters(t *testing.T) {
	t.Parallel()
	eachWithAuthority(t, func(ctx context.Context, t *testing.T, db *store.DB, auth org.Org) {
		ar := mkNotice(auth, notice.KindOrder, t0, time.Hour, "arabic")
		ar.Language = "ar"
		casetest.File(t, db, ar)
		en := mkNotice(auth, notice.KindReferral, t0, 2*time.Hour, "english")
		en.Language, en.Category, en.Regime = "en-GB", "gambling", "EU-DSA"
		casetest.File(t, db, en)
		casetest.File(t, db, mkNotice(auth, notice.KindReferral, t0, 3*time.Hour, "unknown"))
		cases := []struct {
			name string
			f    store.ClaimFilter
			want string
		}{
			{"reader of id skips arabic", store.ClaimFilter{Languages: []string{"id"}}, "telegram:channel/unknown"},
			{"reader of en matches en-GB", store.ClaimFilter{Languages: []string{"en"}}, "telegram:channel/english"},
			{"category", store.ClaimFilter{Category: "gambling"}, "telegram:channel/english"},
			{"regime", store.ClaimFilter{Regime: "EU-DSA"}, "telegram:channel/english"},
			{"language", store.ClaimFilter{Language: "ar"}, "telegram:channel/arabic"},
			{"lane", store.ClaimFilter{Lane: notice.LaneTrusted}, "telegram:channel/english"},
			{"nothing fits", store.ClaimFilter{Category: "csam"}, ""},
		}
		for i, tc := range cases {
			// Each row claims after the earlier rows' leases lapsed, so it sees the whole queue.
			now := t0.Add(time.Duration(i) * time.Hour)
			lc := claim(t, db, "r", now, tc.f)
			got := ""
			if lc != nil {
				got = lc.Subject
			}
			if got != tc.want {
				t.Errorf("%s: claimed %q, want %q", tc.name, got, tc.want)
			}
		}
	})
}

// TestConcurrentClaims: 50 reviewers claiming at once never share a case.
func TestConcurrentClaims(t *testing.T) {
	t.Parallel()
	eachWithAuthority(t, func(ctx context.Context, t *testing.T, db *store.DB, auth org.Org) {
		subjects := make([]string, 40)
		for i := range subjects {
			subjects[i] = fmt.Sprintf("c%03d", i)
		}
		casetest.File(t, db, mkNotice(auth, notice.KindOrder, t0, 4*time.Hour, subjects...))
		now := t0.Add(time.Minute)
		var mu sync.Mutex
		held := map[string]string{}
		empty := 0
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range 50 {
			wg.Go(func() {
				<-start
				ctx := t.Context()
				who := fmt.Sprintf("reviewer-%d", i)
				var lc *store.LeasedCase
				err := db.Write(ctx, func(tx *store.Tx) error {
					var err error
					lc, err = tx.ClaimCase(ctx, who, now, now.Add(time.Hour), store.ClaimFilter{})
					return err
				})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case errors.Is(err, store.ErrNotFound):
					empty++
				case err != nil:
					t.Errorf("%s: %v", who, err)
				default:
					if prev, ok := held[lc.ID]; ok {
						t.Errorf("case %s claimed by both %s and %s", lc.ID, prev, who)
					}
					held[lc.ID] = who
				}
			})
		}
		close(start)
		wg.Wait()
		if len(held) != 40 || empty != 10 {
			t.Errorf("%d cases claimed, %d reviewers found none; want 40 and 10", len(held), empty)
		}
		// What the database says agrees: each case has one holder, the one who was told.
		for cid, who := range held {
			lc, err := db.LeasedCase(t.Context(), cid)
			if err != nil || lc.LeaseHolder != who {
				t.Errorf("case %s: holder %q (%v), want %s", cid, lc.LeaseHolder, err, who)
			}
		}
	})
}

func TestPauseMovesDeadlines(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		n := fileOrder(t, db, time.Hour, "paused")
		p := &notice.Pause{NoticeID: n.ID, MessageID: "msg_1", StartedAt: t0.Add(10 * time.Minute)}
		mustWrite(ctx, t, db, func(tx *store.Tx) error { return tx.StartPause(ctx, p) })
		// A second open pause on one notice is refused by the schema.
		if err := db.Write(ctx, func(tx *store.Tx) error {
			return tx.StartPause(ctx, &notice.Pause{NoticeID: n.ID, MessageID: "msg_2", StartedAt: t0.Add(11 * time.Minute)})
		}); err == nil {
			t.Error("two open pauses on one notice were accepted")
		}
		var paused time.Duration
		var due time.Time
		mustWrite(ctx, t, db, func(tx *store.Tx) error {
			open, err := tx.OpenPause(ctx, n.ID)
			if err != nil || open == nil {
				return fmt.Errorf("open pause = %v, %v", open, err)
			}
			paused, due, err = tx.EndPause(ctx, open, "msg_3", t0.Add(40*time.Minute))
			return err
		})
		if paused != 30*time.Minute || !due.Equal(t0.Add(90*time.Minute)) {
			t.Errorf("paused %v, due %v", paused, due)
		}
		c, err := db.Case(ctx, n.Subjects[0].CaseID)
		if err != nil || !c.DueAt.Equal(t0.Add(90*time.Minute)) {
			t.Errorf("case due %v (%v), want moved by 30m", c.DueAt, err)
		}
		ps, err := db.Pauses(ctx, n.ID)
		if err != nil || len(ps) != 1 || ps[0].EndedAt == nil || ps[0].AnswerID != "msg_3" {
			t.Errorf("pauses = %+v, %v", ps, err)
		}
	})
}

// TestClaimAtScale fills the queue with SIGAP_CLAIM_BENCH open cases (e.g.
// 1000000) and times claims one by one, each its own committed transaction,
// as a reviewer's request runs. It logs p50/p99 and the query plan; it asserts
// no timings. Figures are in docs/benchmarks/review.md.
func TestClaimAtScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SIGAP_CLAIM_BENCH"))
	if n <= 0 {
		t.Skip("set SIGAP_CLAIM_BENCH=1000000 to fill the queue and time claims")
	}
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		start := time.Now()
		const perTx = 50_000
		for done := 0; done < n; done += perTx {
			k := min(perTx, n-done)
			mustWrite(ctx, t, db, func(tx *store.Tx) error {
				return tx.InsertSyntheticCases(ctx, fmt.Sprintf("case_b%07d_", done/perTx), k, t0, uint64(done+1))
			})
		}
		t.Logf("%s: inserted %d open cases in %v", db.Dialect(), n, time.Since(start).Round(time.Millisecond))
		if db.Dialect() == store.Postgres {
			// Fresh statistics, as autovacuum would have them on a live system.
			mustWrite(ctx, t, db, func(tx *store.Tx) error { return tx.Analyze(ctx, "cases") })
		}
		plan, err := db.ExplainClaim(ctx, store.ClaimFilter{}, t0)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s plan:\n%s", db.Dialect(), plan)
		const claims = 2000
		// lat is the whole request as a caller waits for it (queueing for the
		// writer, the statements, the commit); inTx is the claim statements alone.
		lat := make([]time.Duration, 0, claims)
		inTx := make([]time.Duration, 0, claims)
		now := t0.Add(time.Minute)
		for i := range claims {
			s := time.Now()
			err := db.Write(ctx, func(tx *store.Tx) error {
				st := time.Now()
				_, err := tx.ClaimCase(ctx, fmt.Sprintf("r%d", i%50), now, now.Add(15*time.Minute), store.ClaimFilter{})
				inTx = append(inTx, time.Since(st))
				return err
			})
			if err != nil {
				t.Fatalf("claim %d: %v", i, err)
			}
			lat = append(lat, time.Since(s))
		}
		slices.Sort(lat)
		slices.Sort(inTx)
		t.Logf("%s: %d claims over %d open cases: request p50 %v, p90 %v, p99 %v, max %v; statements alone p50 %v, p99 %v",
			db.Dialect(), claims, n, lat[claims/2], lat[claims*9/10], lat[claims*99/100], lat[claims-1], inTx[claims/2], inTx[claims*99/100])
	})
}
