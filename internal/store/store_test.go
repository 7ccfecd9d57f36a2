package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/casetest"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

// t0 is the instant the store tests' records are made at.
var t0 = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

func mkOrg(t *testing.T, db *store.DB, kind org.Kind) org.Org {
	t.Helper()
	return casetest.Org(t, db, kind, "Org "+string(kind), t0)
}

func mkNotice(o org.Org, kind string, at time.Time, within time.Duration, subjects ...string) *notice.Notice {
	n := &notice.Notice{ID: id.New("ntc", at), OrgID: o.ID, Kind: kind, Regime: "ID-PSE", Category: "terrorism",
		Class: "urgent", Within: within, Explanation: "x", Status: notice.StatusReceived, ReceivedAt: at,
		DueAt: at.Add(within), BodySHA256: "00", TerritorialScope: []string{"ID"}}
	for _, s := range subjects {
		n.Subjects = append(n.Subjects, casetest.ChannelSubject(s))
	}
	return n
}

// eachWithAuthority runs fn once per engine on a fresh database that holds
// one authority, auth.
func eachWithAuthority(t *testing.T, fn func(ctx context.Context, t *testing.T, db *store.DB, auth org.Org)) {
	t.Helper()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		fn(ctx, t, db, mkOrg(t, db, org.KindAuthority))
	})
}

// fileOrder files, as intake would, an order of a new authority due within
// on channel, and returns it with its subject's case.
func fileOrder(t *testing.T, db *store.DB, within time.Duration, channel string) *notice.Notice {
	t.Helper()
	n := mkNotice(mkOrg(t, db, org.KindAuthority), notice.KindOrder, t0, within, channel)
	casetest.File(t, db, n)
	return n
}

func TestKeysAndCallers(t *testing.T) {
	t.Parallel()
	eachWithAuthority(t, func(ctx context.Context, t *testing.T, db *store.DB, o org.Org) {
		secret, hash := org.NewSecret()
		k := org.Key{ID: id.New("key", t0), OrgID: o.ID, Role: org.RoleAuthority, Hash: hash, CreatedAt: t0}
		mustWrite(ctx, t, db, func(tx *store.Tx) error { return tx.CreateKey(ctx, k) })
		c, err := db.CallerByKeyHash(ctx, org.HashSecret(secret))
		if err != nil {
			t.Fatal(err)
		}
		if c.OrgID != o.ID || c.Role != org.RoleAuthority || c.OrgKind != org.KindAuthority {
			t.Errorf("caller = %+v", c)
		}
		if _, err := db.CallerByKeyHash(ctx, org.HashSecret("sgp_wrong")); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown key: err = %v, want ErrNotFound", err)
		}
		if _, err := db.Org(ctx, "org_missing"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing org: err = %v, want ErrNotFound", err)
		}
	})
}

func TestCasesJoinAndDeadlines(t *testing.T) {
	t.Parallel()
	eachWithAuthority(t, func(ctx context.Context, t *testing.T, db *store.DB, auth org.Org) {
		plat := mkOrg(t, db, org.KindPlatform)

		report := mkNotice(plat, notice.KindReport, t0, 24*time.Hour, "alpha", "beta", "alpha")
		casetest.File(t, db, report)
		if !report.Subjects[0].NewCase || report.Subjects[2].NewCase || report.Subjects[0].CaseID != report.Subjects[2].CaseID {
			t.Fatalf("duplicate subject within one notice: %+v", report.Subjects)
		}
		order := mkNotice(auth, notice.KindOrder, t0.Add(time.Hour), 4*time.Hour, "alpha", "gamma")
		casetest.File(t, db, order)
		if order.Subjects[0].NewCase || order.Subjects[0].CaseID != report.Subjects[0].CaseID {
			t.Fatalf("order on alpha did not join the open case: %+v", order.Subjects[0])
		}
		if !order.Subjects[1].NewCase {
			t.Fatalf("gamma should open a new case")
		}
		c, err := db.Case(ctx, report.Subjects[0].CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if want := t0.Add(5 * time.Hour); !c.DueAt.Equal(want) {
			t.Errorf("case due_at = %v, want the earliest notice deadline %v", c.DueAt, want)
		}
		if c.Lane != notice.LaneOrder {
			t.Errorf("case lane = %q, want order (the most urgent notice)", c.Lane)
		}
		beta, _ := db.Case(ctx, report.Subjects[1].CaseID)
		if beta.Lane != notice.LaneStandard || !beta.DueAt.Equal(t0.Add(24*time.Hour)) {
			t.Errorf("beta case = %+v, want standard lane due in 24h", beta)
		}
		tl, err := db.Timeline(ctx, order.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		var types []string
		for _, ev := range tl {
			types = append(types, ev.Type)
		}
		if fmt.Sprint(types) != "[notice.received case.joined case.opened]" {
			t.Errorf("timeline = %v", types)
		}
		cases, err := db.NoticeCases(ctx, report.ID)
		if err != nil || len(cases) != 2 {
			t.Errorf("notice cases = %d, %v; want 2", len(cases), err)
		}
	})
}

func TestTenantScopeAndPaging(t *testing.T) {
	t.Parallel()
	eachWithAuthority(t, func(ctx context.Context, t *testing.T, db *store.DB, a org.Org) {
		b := mkOrg(t, db, org.KindAuthority)
		var ids []string
		for i := range 5 {
			n := mkNotice(a, notice.KindOrder, t0.Add(time.Duration(i)*time.Second), time.Hour, fmt.Sprintf("chan%d", i))
			casetest.File(t, db, n)
			ids = append(ids, n.ID)
		}
		if _, err := db.Notice(ctx, ids[0], b.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another org's notice: err = %v, want ErrNotFound", err)
		}
		n, err := db.Notice(ctx, ids[0], a.ID)
		if err != nil || len(n.Subjects) != 1 || n.Subjects[0].Canonical != "telegram:channel/chan0" {
			t.Fatalf("own notice: %+v, %v", n, err)
		}
		first, _ := db.Notices(ctx, store.NoticeFilter{OrgID: a.ID, Limit: 3})
		rest, _ := db.Notices(ctx, store.NoticeFilter{OrgID: a.ID, Limit: 3, Cursor: first[len(first)-1].ID})
		if len(first) != 3 || len(rest) != 2 || first[0].ID != ids[4] || rest[1].ID != ids[0] {
			t.Errorf("paging: %d then %d", len(first), len(rest))
		}
		none, _ := db.Notices(ctx, store.NoticeFilter{OrgID: b.ID, Limit: 10})
		if len(none) != 0 {
			t.Errorf("org b sees %d notices", len(none))
		}
	})
}

func TestGroupCommitIsolatesFailures(t *testing.T) {
	t.Parallel()
	eachWithAuthority(t, func(ctx context.Context, t *testing.T, db *store.DB, a org.Org) {
		var wg sync.WaitGroup
		errs := make([]error, 40)
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n := mkNotice(a, notice.KindOrder, t0, time.Hour, fmt.Sprintf("c%d", i))
				errs[i] = db.Write(ctx, func(tx *store.Tx) error {
					if err := tx.InsertNotice(ctx, n); err != nil {
						return err
					}
					if i%4 == 0 {
						return errors.New("caller gave up")
					}
					return nil
				})
			}()
		}
		wg.Wait()
		failed := 0
		for _, err := range errs {
			if err != nil {
				failed++
			}
		}
		counts, err := db.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if failed != 10 || counts["notices"] != 30 || counts["cases"] != 30 {
			t.Errorf("failed=%d notices=%d cases=%d; want 10 failed writes rolled back and 30 stored", failed, counts["notices"], counts["cases"])
		}
	})
}

func TestWriteAfterClose(t *testing.T) {
	t.Parallel()
	db, err := store.Open(t.Context(), store.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	err = db.Write(t.Context(), func(*store.Tx) error { return nil })
	if !errors.Is(err, store.ErrClosed) {
		t.Errorf("err = %v, want ErrClosed", err)
	}
}

func TestOpenRejectsUnknownURL(t *testing.T) {
	t.Parallel()
	_, err := store.Open(t.Context(), store.Options{URL: "mysql://x"})
	if err == nil {
		t.Fatal("mysql URL accepted")
	}
}
