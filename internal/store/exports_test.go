package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/action"
	"github.com/sigap/sigap/internal/casetest"
	"github.com/sigap/sigap/internal/decision"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

func write(t *testing.T, db *store.DB, f func(ctx context.Context, tx *store.Tx) error) {
	t.Helper()
	ctx := t.Context()
	mustWrite(ctx, t, db, func(tx *store.Tx) error { return f(ctx, tx) })
}

// mustWrite runs fn in a write transaction and fails the test on its error.
func mustWrite(ctx context.Context, t *testing.T, db *store.DB, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := db.Write(ctx, fn); err != nil {
		t.Fatal(err)
	}
}

func caseOf(t *testing.T, db *store.DB, n *notice.Notice) string {
	t.Helper()
	cs, err := db.NoticeCases(t.Context(), n.ID)
	if err != nil || len(cs) == 0 {
		t.Fatalf("cases of %s: %v %v", n.ID, cs, err)
	}
	return cs[0].ID
}

// decide stores a decision on a case that takes effect at eff (nil: pending).
func decide(t *testing.T, db *store.DB, caseID, action string, created time.Time, eff *time.Time, status string) *decision.Decision {
	t.Helper()
	d := &decision.Decision{ID: id.New("dec", created), CaseID: caseID, Reviewer: "key:r", OrgID: "platform", Action: action,
		Ground: decision.Ground{Type: "law", Reference: "UU ITE"}, Reasons: "r", TerritorialScope: []string{"ID"},
		Status: status, CreatedAt: created, EffectiveAt: eff}
	write(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.InsertDecision(ctx, d) })
	return d
}

func at(d time.Duration) *time.Time { v := t0.Add(d); return &v }

func TestSoRExportQueries(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		auth, flagger := mkOrg(t, db, org.KindAuthority), mkOrg(t, db, org.KindFlagger)
		order := mkNotice(auth, notice.KindOrder, t0, 4*time.Hour, "a")
		casetest.File(t, db, order)
		// A scan's flag on the same channel joins the case, with a hold on informing the uploader.
		scan := mkNotice(flagger, notice.KindFlag, t0.Add(time.Minute), 24*time.Hour, "a")
		scan.Regime, scan.Reference, scan.InformUploaderAfter = "EU-DSA", "sigap-scan/post-1", at(30*24*time.Hour)
		casetest.File(t, db, scan)
		report := mkNotice(flagger, notice.KindReport, t0.Add(2*time.Minute), 24*time.Hour, "b")
		casetest.File(t, db, report)
		noAction := mkNotice(flagger, notice.KindReport, t0, 24*time.Hour, "c")
		casetest.File(t, db, noAction)
		pending := mkNotice(flagger, notice.KindReport, t0, 24*time.Hour, "d")
		casetest.File(t, db, pending)
		later := mkNotice(flagger, notice.KindReport, t0, 24*time.Hour, "e")
		casetest.File(t, db, later)

		ca, cb := caseOf(t, db, order), caseOf(t, db, report)
		if caseOf(t, db, scan) != ca {
			t.Fatal("the flag on the same channel opened another case")
		}
		da := decide(t, db, ca, "remove", t0.Add(time.Hour), at(time.Hour), decision.Final)
		db2 := decide(t, db, cb, "geo_restrict", t0.Add(90*time.Minute), at(2*time.Hour), decision.Final)
		write(t, db, func(ctx context.Context, tx *store.Tx) error {
			return tx.SetDecisionStatus(ctx, db2.ID, decision.Reversed)
		})
		decide(t, db, caseOf(t, db, noAction), "no_action", t0, at(0), decision.Final)
		decide(t, db, caseOf(t, db, pending), "remove", t0, nil, decision.Pending)
		decide(t, db, caseOf(t, db, later), "remove", t0.Add(30*24*time.Hour), at(30*24*time.Hour), decision.Final)

		restricting := []string{"remove", "geo_restrict", "suspend", "restrict"}
		f := store.SoRFilter{From: t0, To: t0.Add(24 * time.Hour), Actions: restricting, Limit: 10}
		rows, err := db.SoRDecisions(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, r.Decision.ID)
		}
		if !slices.Equal(got, []string{da.ID, db2.ID}) {
			t.Fatalf("decisions in the period = %v, want the removal and the reversed geo-restriction %v", got, []string{da.ID, db2.ID})
		}
		r := rows[0]
		if r.Subject != "telegram:channel/a" || r.SubjectKind != "telegram_channel" || r.Category != "terrorism" ||
			r.Decision.Action != "remove" || !slices.Equal(r.Decision.TerritorialScope, []string{"ID"}) || !r.Decision.EffectiveAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("first row = %+v %+v", r, r.Decision)
		}
		if rows[1].Decision.Status != decision.Reversed {
			t.Errorf("second row status %s", rows[1].Decision.Status)
		}
		// Paging by keyset.
		f.Limit = 1
		page, _ := db.SoRDecisions(ctx, f)
		f.AfterAt, f.AfterID = *page[0].Decision.EffectiveAt, page[0].Decision.ID
		next, _ := db.SoRDecisions(ctx, f)
		f.AfterAt, f.AfterID = *next[0].Decision.EffectiveAt, next[0].Decision.ID
		last, _ := db.SoRDecisions(ctx, f)
		if len(page) != 1 || page[0].Decision.ID != da.ID || len(next) != 1 || next[0].Decision.ID != db2.ID || len(last) != 0 {
			t.Errorf("pages: %v %v %v", page, next, last)
		}
		// The period is half-open.
		if rows, _ := db.SoRDecisions(ctx, store.SoRFilter{From: t0, To: t0.Add(time.Hour), Actions: restricting, Limit: 10}); len(rows) != 0 {
			t.Errorf("a decision effective at to was included: %v", rows)
		}

		ns, err := db.SoRNotices(ctx, []string{ca, cb, "no-such-case"})
		if err != nil {
			t.Fatal(err)
		}
		a := ns[ca]
		if len(a) != 2 || a[0].Kind != notice.KindOrder || a[0].OrgID != auth.ID || a[0].OrgName != auth.Name || a[0].Regime != "ID-PSE" ||
			a[0].Scanned || !a[0].HoldUntil.IsZero() || !a[0].FirstReceived.Equal(t0) {
			t.Errorf("case a, first notice: %+v", a)
		}
		if len(a) == 2 && (a[1].Kind != notice.KindFlag || !a[1].Scanned || !a[1].HoldUntil.Equal(*scan.InformUploaderAfter) || a[1].Regime != "EU-DSA") {
			t.Errorf("case a, the scan's flag: %+v", a[1])
		}
		if b := ns[cb]; len(b) != 1 || b[0].Kind != notice.KindReport {
			t.Errorf("case b: %+v", b)
		}
		if len(ns) != 2 {
			t.Errorf("notices for %d cases, want 2", len(ns))
		}
	})
}

func TestLedgerQuery(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		auth1, auth2 := mkOrg(t, db, org.KindAuthority), mkOrg(t, db, org.KindAuthority)

		// o1: claimed after 10 minutes, removed, executed an hour after its 4-hour deadline.
		o1 := mkNotice(auth1, notice.KindOrder, t0, 4*time.Hour, "o1")
		o1.Reference = "SP-2026-0001"
		casetest.File(t, db, o1)
		claim(t, db, "key:r", t0.Add(10*time.Minute), store.ClaimFilter{})
		c1 := caseOf(t, db, o1)
		d1 := decide(t, db, c1, "remove", t0.Add(30*time.Minute), at(30*time.Minute), decision.Final)
		write(t, db, func(ctx context.Context, tx *store.Tx) error {
			for _, a := range []*action.Request{
				{ID: "act_o1", CaseID: c1, DecisionID: d1.ID, Subject: "telegram:channel/o1", Action: "remove", State: "pending", CreatedAt: t0.Add(30 * time.Minute)},
				// A later restore waiting for enforcement is not the order's business.
				{ID: "act_o1r", CaseID: c1, DecisionID: d1.ID, Subject: "telegram:channel/o1", Action: "restore", State: "pending", CreatedAt: t0.Add(9 * time.Hour)},
			} {
				if err := tx.InsertAction(ctx, a); err != nil {
					return err
				}
			}
			if err := tx.ConfirmAction(ctx, "act_o1", t0.Add(5*time.Hour), "", "key:p"); err != nil {
				return err
			}
			if err := tx.SetCaseState(ctx, c1, notice.CaseDecided, t0.Add(30*time.Minute)); err != nil {
				return err
			}
			if _, err := tx.MarkCaseActioned(ctx, c1, t0.Add(5*time.Hour)); err != nil {
				return err
			}
			return tx.SetNoticeStatus(ctx, o1.ID, notice.StatusActioned)
		})
		// o2: only a message from the platform; still open.
		o2 := mkNotice(auth1, notice.KindOrder, t0.Add(time.Minute), 4*time.Hour, "o2")
		casetest.File(t, db, o2)
		write(t, db, func(ctx context.Context, tx *store.Tx) error {
			return tx.InsertMessage(ctx, &notice.Message{ID: "msg_1", NoticeID: o2.ID, OrgID: "platform", Author: "key:r", Side: "platform",
				Body: "Looking", CreatedAt: t0.Add(5 * time.Minute)})
		})
		// o5: objected to after 3 minutes, then closed without action.
		o5 := mkNotice(auth1, notice.KindOrder, t0.Add(2*time.Minute), 24*time.Hour, "o5")
		casetest.File(t, db, o5)
		write(t, db, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.InsertObjection(ctx, &decision.Objection{ID: "obj_1", NoticeID: o5.ID, OrgID: "platform", Author: "key:r",
				Reasons: "Not illegal", Status: decision.ObjectionOpen, CreatedAt: t0.Add(3 * time.Minute)}); err != nil {
				return err
			}
			return tx.SetNoticeStatus(ctx, o5.ID, notice.StatusRejected)
		})
		decide(t, db, caseOf(t, db, o5), "no_action", t0.Add(time.Hour), at(time.Hour), decision.Final)
		// Not in auth1's ID-PSE ledger: another authority, another regime, a referral, another period.
		casetest.File(t, db, mkNotice(auth2, notice.KindOrder, t0, 4*time.Hour, "x1"))
		tco := mkNotice(auth1, notice.KindOrder, t0, time.Hour, "x2")
		tco.Regime = "EU-TCO"
		casetest.File(t, db, tco)
		casetest.File(t, db, mkNotice(auth1, notice.KindReferral, t0, 4*time.Hour, "x3"))
		casetest.File(t, db, mkNotice(auth1, notice.KindOrder, t0.Add(48*time.Hour), 4*time.Hour, "x4"))

		f := store.LedgerFilter{From: t0, To: t0.Add(24 * time.Hour), Regime: "ID-PSE", OrgID: auth1.ID, Limit: 10}
		rows, err := db.Ledger(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, r.NoticeID)
		}
		if !slices.Equal(got, []string{o1.ID, o2.ID, o5.ID}) {
			t.Fatalf("ledger = %v, want %v", got, []string{o1.ID, o2.ID, o5.ID})
		}
		r1, r2, r5 := rows[0], rows[1], rows[2]
		if r1.Reference != "SP-2026-0001" || r1.Authority != auth1.Name || r1.Class != "urgent" || r1.Subjects != 1 || r1.SubjectsActioned != 1 ||
			!r1.ReceivedAt.Equal(t0) || !r1.DueAt.Equal(t0.Add(4*time.Hour)) || r1.AcknowledgedBy != "claim" || !r1.AcknowledgedAt.Equal(t0.Add(10*time.Minute)) ||
			r1.ActionedAt == nil || !r1.ActionedAt.Equal(t0.Add(5*time.Hour)) || r1.PendingActions != 0 {
			t.Errorf("o1 = %+v", r1)
		}
		if c, late := r1.Assess(t0.Add(48 * time.Hour)); c != store.ComplianceLate || late == nil || *late != time.Hour {
			t.Errorf("o1 assessed %s %v, want late by 1h", c, late)
		}
		if r2.AcknowledgedBy != "message" || !r2.AcknowledgedAt.Equal(t0.Add(5*time.Minute)) || r2.ActionedAt != nil || r2.SubjectsActioned != 0 {
			t.Errorf("o2 = %+v", r2)
		}
		if c, late := r2.Assess(t0.Add(time.Hour)); c != store.ComplianceOpen || *late != 0 {
			t.Errorf("o2 an hour in: %s %v", c, late)
		}
		if c, late := r2.Assess(t0.Add(6 * time.Hour)); c != store.ComplianceOverdue || *late != 119*time.Minute {
			t.Errorf("o2 six hours in: %s %v, want overdue by 1h59m", c, late)
		}
		if r5.AcknowledgedBy != "objection" || !r5.AcknowledgedAt.Equal(t0.Add(3*time.Minute)) || r5.Status != notice.StatusRejected {
			t.Errorf("o5 = %+v", r5)
		}
		if c, late := r5.Assess(t0.Add(48 * time.Hour)); c != store.ComplianceNotActioned || late != nil {
			t.Errorf("o5 assessed %s %v", c, late)
		}
		// Every authority, every regime; and paging.
		all, _ := db.Ledger(ctx, store.LedgerFilter{From: t0, To: t0.Add(24 * time.Hour), Limit: 10})
		if len(all) != 5 {
			t.Errorf("all orders of the day: %d, want 5", len(all))
		}
		f.Limit = 2
		page, _ := db.Ledger(ctx, f)
		f.AfterAt, f.AfterID = page[1].ReceivedAt, page[1].NoticeID
		rest, _ := db.Ledger(ctx, f)
		if len(page) != 2 || len(rest) != 1 || rest[0].NoticeID != o5.ID {
			t.Errorf("pages %v then %v", page, rest)
		}
	})
}

func TestLedgerAssess(t *testing.T) {
	t.Parallel()
	due := t0.Add(4 * time.Hour)
	for _, tc := range []struct {
		name string
		row  store.LedgerRow
		now  time.Time
		want string
		late time.Duration // -1: nil
	}{
		{"actioned on the dot", store.LedgerRow{ActionedAt: &due, Status: "actioned"}, due.Add(time.Hour), store.ComplianceOnTime, 0},
		{"actioned late", store.LedgerRow{ActionedAt: at(5 * time.Hour), Status: "actioned"}, due, store.ComplianceLate, time.Hour},
		{"in review, not due", store.LedgerRow{Status: "in_review"}, due, store.ComplianceOpen, 0},
		{"received, overdue", store.LedgerRow{Status: "received"}, due.Add(90 * time.Minute), store.ComplianceOverdue, 90 * time.Minute},
		{"decided, waiting for enforcement", store.LedgerRow{Status: "decided", PendingActions: 1}, due.Add(time.Minute), store.ComplianceOverdue, time.Minute},
		{"decided without action", store.LedgerRow{Status: "decided"}, due.Add(time.Hour), store.ComplianceNotActioned, -1},
		{"rejected", store.LedgerRow{Status: "rejected"}, due.Add(time.Hour), store.ComplianceNotActioned, -1},
	} {
		tc.row.DueAt = due
		c, late := tc.row.Assess(tc.now)
		if c != tc.want || (tc.late < 0) != (late == nil) || (late != nil && *late != tc.late) {
			t.Errorf("%s: %s %v, want %s %v", tc.name, c, late, tc.want, tc.late)
		}
	}
}

// TestLedgerCountsEachActionOnce checks that an order naming one message
// three ways (one case, one decision, one action) has one pending action, not
// one per link, while its items are still counted per link as SAMAN does.
func TestLedgerCountsEachActionOnce(t *testing.T) {
	t.Parallel()
	eachWithAuthority(t, func(ctx context.Context, t *testing.T, db *store.DB, auth org.Org) {
		n := mkNotice(auth, notice.KindOrder, t0, 4*time.Hour)
		for _, u := range []string{"https://t.me/s/SomeChannel/123", "telegram.me/somechannel/123?single", "tg://resolve?domain=SomeChannel&post=123"} {
			n.Subjects = append(n.Subjects, notice.Subject{URL: u, Canonical: "telegram:message/somechannel/123", Kind: "telegram_message"})
		}
		casetest.File(t, db, n)
		c := caseOf(t, db, n)
		d := decide(t, db, c, "remove", t0.Add(30*time.Minute), at(30*time.Minute), decision.Final)
		write(t, db, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.InsertAction(ctx, &action.Request{ID: "act_1", CaseID: c, DecisionID: d.ID, Subject: "telegram:message/somechannel/123",
				Action: "remove", State: "pending", CreatedAt: t0.Add(30 * time.Minute)}); err != nil {
				return err
			}
			if err := tx.SetCaseState(ctx, c, notice.CaseDecided, t0.Add(30*time.Minute)); err != nil {
				return err
			}
			return tx.SetNoticeStatus(ctx, n.ID, notice.StatusDecided)
		})
		for _, step := range []struct {
			name                            string
			do                              func(ctx context.Context, tx *store.Tx) error
			pending, subjects, subjActioned int
		}{
			{"decided, action pending", nil, 1, 3, 0},
			{"action confirmed", func(ctx context.Context, tx *store.Tx) error {
				if err := tx.ConfirmAction(ctx, "act_1", t0.Add(time.Hour), "", "key:p"); err != nil {
					return err
				}
				if _, err := tx.MarkCaseActioned(ctx, c, t0.Add(time.Hour)); err != nil {
					return err
				}
				return tx.SetNoticeStatus(ctx, n.ID, notice.StatusActioned)
			}, 0, 3, 3},
		} {
			if step.do != nil {
				write(t, db, step.do)
			}
			rows, err := db.Ledger(ctx, store.LedgerFilter{From: t0, To: t0.Add(24 * time.Hour), Regime: "ID-PSE", Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 1 {
				t.Fatalf("%s: %d rows, want 1", step.name, len(rows))
			}
			r := rows[0]
			if r.PendingActions != step.pending || r.Subjects != step.subjects || r.SubjectsActioned != step.subjActioned {
				t.Errorf("%s: pending_actions %d, subjects %d, subjects_actioned %d; want %d, %d, %d", step.name,
					r.PendingActions, r.Subjects, r.SubjectsActioned, step.pending, step.subjects, step.subjActioned)
			}
		}
	})
}
