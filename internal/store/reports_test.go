package store_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/action"
	"github.com/sigap/sigap/internal/casetest"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/decision"
	"github.com/sigap/sigap/internal/enforce"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/jobs"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/report"
	"github.com/sigap/sigap/internal/review"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
	"github.com/sigap/sigap/internal/trust"
	"github.com/sigap/sigap/internal/webhook"
)

// reportWorld is a month of notices handled through the real review and
// enforcement services on a manual clock, with the figures a report of it
// must show worked out by hand in the comments of seedReportWorld.
type reportWorld struct {
	db               *store.DB
	clk              *clock.Fixed
	authA, authB     org.Org
	flagger, platf   org.Org
	terrorBank       string
	period           report.Period
	n1, n2, n3, n4   string
	n5, n6, n7, n8   string
	reviewer, second org.Caller
}

// at moves the manual clock to t0 + d (it only moves forward).
func (w *reportWorld) at(t *testing.T, d time.Duration) {
	t.Helper()
	now := w.clk.Now()
	if target := t0.Add(d); target.Before(now) {
		t.Fatalf("clock cannot go back from %v to %v", now, target)
	} else {
		w.clk.Advance(target.Sub(now))
	}
}

func reportNotice(o org.Org, kind, regime, class, category string, scope []string, at time.Time, within time.Duration, subjects ...string) *notice.Notice {
	n := mkNotice(o, kind, at, within, subjects...)
	n.Regime, n.Class, n.Category, n.TerritorialScope = regime, class, category, scope
	return n
}

func seedReportWorld(t *testing.T, db *store.DB) *reportWorld {
	t.Helper()
	ctx := t.Context()
	w := &reportWorld{db: db, clk: clock.NewFixed(t0)}
	w.authA, w.authB = mkOrg(t, db, org.KindAuthority), mkOrg(t, db, org.KindAuthority)
	w.flagger, w.platf = mkOrg(t, db, org.KindFlagger), mkOrg(t, db, org.KindPlatform)
	w.reviewer = org.Caller{OrgID: w.platf.ID, OrgKind: org.KindPlatform, Role: org.RoleReviewer, KeyID: "rev1"}
	w.second = org.Caller{OrgID: w.platf.ID, OrgKind: org.KindPlatform, Role: org.RoleReviewer, KeyID: "rev2"}
	authB := org.Caller{OrgID: w.authB.ID, OrgKind: org.KindAuthority, Role: org.RoleAuthority, KeyID: "authb"}
	w.period = report.Period{From: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	rv := &review.Service{DB: db, Clock: w.clk}
	q := jobs.New(db, w.clk, nil, jobs.Config{})
	en := enforce.New(db, w.clk, q, webhook.New(db, w.clk, q, nil, webhook.Config{}), nil, nil)

	// A terrorism hash bank: the platform's specific measure.
	w.terrorBank = id.New("bnk", t0)
	mustWrite(ctx, t, db, func(tx *store.Tx) error {
		return tx.CreateFilterSet(ctx, store.FilterSet{ID: w.terrorBank, Family: "bank", Name: "terror", Kind: "hash", Policy: "auto_action",
			Labels: []string{"terrorism"}, Enabled: true, RolloutFraction: 1, CreatedByOrg: w.platf.ID, CreatedAt: t0, UpdatedAt: t0})
	})
	mustWrite(ctx, t, db, func(tx *store.Tx) error {
		return tx.AddFilterEntry(ctx, store.FilterEntry{ID: id.New("ent", t0), SetID: w.terrorBank, Type: "sha256", Value: "ab", AddedByOrg: w.platf.ID, AddedAt: t0})
	})

	ins := func(n *notice.Notice) string { casetest.File(t, db, n); return n.ID }
	// n1..n8; n7 falls before the period.
	w.n1 = ins(reportNotice(w.authA, notice.KindOrder, "ID-PSE", "urgent", "terrorism", []string{"ID"}, t0, 4*time.Hour, "s1"))
	w.n2 = ins(reportNotice(w.authA, notice.KindOrder, "ID-PSE", "urgent", "terrorism", []string{"ID"}, t0.Add(time.Minute), 4*time.Hour, "s2"))
	w.n3 = ins(reportNotice(w.flagger, notice.KindFlag, "EU-DSA", "standard", "hate_speech", []string{"EU", "DE"}, t0.Add(2*time.Minute), 24*time.Hour, "s3"))
	w.n4 = ins(reportNotice(w.flagger, notice.KindFlag, "ID-PSE", "standard", "gambling", []string{"ID"}, t0.Add(3*time.Minute), 24*time.Hour, "s4", "s5"))
	w.n5 = ins(reportNotice(w.platf, notice.KindReport, "ID-PSE", "standard", "fraud", []string{"ID"}, t0.Add(4*time.Minute), 24*time.Hour, "s6"))
	n6 := reportNotice(w.platf, notice.KindReport, "ID-PSE", "standard", "terrorism", []string{"ID"}, t0.Add(4*time.Minute), 24*time.Hour, "s7")
	w.n6 = ins(n6)
	w.n7 = ins(reportNotice(w.authA, notice.KindReferral, "ID-PSE", "standard", "terrorism", []string{"ID"}, time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC), 24*time.Hour, "old"))
	w.n8 = ins(reportNotice(w.authB, notice.KindOrder, "EU-TCO", "removal_order", "terrorism", []string{"EU"}, t0.Add(5*time.Minute), time.Hour, "s8"))

	// n6 is the scan's: the post it matched, two hits (one shadow) and an automated removal.
	var auto store.AutomatedAction
	mustWrite(ctx, t, db, func(tx *store.Tx) error {
		if err := tx.InsertScanPost(ctx, store.ScanPost{NoticeID: w.n6, Post: "telegram:channel/s7", CreatedAt: t0.Add(4 * time.Minute)}); err != nil {
			return err
		}
		for i, outcome := range []string{store.OutcomeAction, store.OutcomeShadow} {
			h := &store.ScanHit{ID: id.New("hit", t0), At: t0.Add(4 * time.Minute), Post: "telegram:channel/s7", Channel: "s7", MessageID: "1",
				Matcher: []string{"sha256", "md5"}[i], SetID: w.terrorBank, EntryID: "e" + outcome, Policy: "auto_action", Outcome: outcome, NoticeID: w.n6}
			if _, err := tx.InsertHit(ctx, h); err != nil {
				return err
			}
		}
		var err error
		auto, err = tx.InsertAutomatedAction(ctx, store.AutomatedAction{ID: id.New("act", t0), CreatedAt: t0.Add(4 * time.Minute), SetID: w.terrorBank,
			Post: "telegram:channel/s7", URL: "https://t.me/s7", Action: "remove", State: "pending", NoticeID: w.n6, CaseID: n6.Subjects[0].CaseID})
		return err
	})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	confirm := func(caseID string, act string) {
		t.Helper()
		as, err := db.Actions(ctx, store.ActionFilter{CaseID: caseID})
		must(err)
		for _, a := range as {
			if a.Action == act && a.State != action.StateExecuted {
				_, err := en.Confirm(ctx, a.ID, enforce.Confirmation{ExecutedAt: w.clk.Now()}, "platform")
				must(err)
				return
			}
		}
		t.Fatalf("no pending %s action on case %s in %+v", act, caseID, as)
	}
	claim := func(lane, category string) string {
		t.Helper()
		c, err := rv.Claim(ctx, w.reviewer, store.ClaimFilter{Lane: lane, Category: category})
		must(err)
		if c == nil {
			t.Fatalf("nothing to claim in lane %s", lane)
		}
		return c.ID
	}
	decide := func(caseID, action, ground string) {
		t.Helper()
		_, _, err := rv.Decide(ctx, w.reviewer, caseID, review.DecisionInput{Action: action, Ground: decision.Ground{Type: ground, Reference: "ref"},
			Reasons: "reasons", TerritorialScope: []string{"ID"}})
		must(err)
	}

	w.at(t, 4*time.Minute+30*time.Second)
	_, err := en.Confirm(ctx, auto.ID, enforce.Confirmation{ExecutedAt: w.clk.Now()}, "platform") // n6: removed 30 s after receipt
	must(err)
	w.at(t, 5*time.Minute)
	_, err = rv.PostMessage(ctx, w.reviewer, w.n2, "Which post exactly?", true) // n2 acknowledged after 4 min
	must(err)
	w.at(t, 6*time.Minute)
	obj, err := rv.Object(ctx, w.reviewer, w.n8, "The post is news reporting.") // n8 acknowledged after 1 min
	must(err)
	w.at(t, 7*time.Minute)
	_, err = rv.AnswerObjection(ctx, authB, obj.ID, decision.ObjectionWithdrawn, "Agreed.")
	must(err)
	w.at(t, 10*time.Minute)
	c8 := claim(notice.LaneOrder, "") // n8: earliest deadline in the order lane
	w.at(t, 20*time.Minute)
	decide(c8, "remove", "law") // n8 decided after 15 min
	w.at(t, 25*time.Minute)
	c1 := claim(notice.LaneOrder, "") // n1 acknowledged after 25 min
	w.at(t, 30*time.Minute)
	decide(c1, "remove", "law") // n1 decided after 30 min
	w.at(t, 50*time.Minute)
	confirm(c8, "remove") // n8 actioned after 45 min: within its hour
	w.at(t, time.Hour)
	confirm(c1, "remove") // n1 actioned after 1 h
	w.at(t, time.Hour+50*time.Minute)
	c3 := claim(notice.LaneTrusted, "hate_speech") // n3 acknowledged after 1 h 48 min
	w.at(t, 2*time.Hour)
	decide(c3, "remove", "terms") // n3 decided after 1 h 58 min
	w.at(t, 2*time.Hour+10*time.Minute)
	c4 := claim(notice.LaneTrusted, "gambling") // n4 acknowledged after 2 h 7 min; its other case stays open
	w.at(t, 2*time.Hour+20*time.Minute)
	decide(c4, "remove", "law")
	w.at(t, 2*time.Hour+30*time.Minute)
	confirm(c3, "remove") // n3 actioned after 2 h 28 min
	w.at(t, 2*time.Hour+40*time.Minute)
	confirm(c4, "remove")
	w.at(t, 3*time.Hour)
	ap, err := rv.Appeal(ctx, w.reviewer, c3, "The post was satire.")
	must(err)
	w.at(t, 4*time.Hour)
	_, err = rv.DecideAppeal(ctx, w.second, ap.ID, review.OutcomeReversed, "Satire.") // decided after 1 h
	must(err)
	w.at(t, 4*time.Hour+55*time.Minute)
	c2 := claim(notice.LaneOrder, "")
	w.at(t, 5*time.Hour)
	d2, pending, err := rv.Decide(ctx, w.reviewer, c2, review.DecisionInput{Action: "no_action", Ground: decision.Ground{Type: "terms", Reference: "ref"}, Reasons: "Not illegal."})
	must(err)
	if !pending {
		t.Fatal("no_action on an order should wait for a second reviewer")
	}
	w.at(t, 5*time.Hour+5*time.Minute)
	_, err = rv.Approve(ctx, w.second, d2.ID) // n2 decided after 5 h 4 min: late
	must(err)
	w.at(t, 5*time.Hour+10*time.Minute)
	confirm(c3, "restore") // the reinstatement
	w.at(t, 72*time.Hour)
	return w
}

func TestTransparencyReportFigures(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		w := seedReportWorld(t, db)
		now := w.clk.Now()
		f, err := db.ReportFigures(ctx, store.ReportQuery{From: w.period.From, To: w.period.To, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		r := report.Build(w.period, now, report.Scope{Platform: true}, f)

		n := r.Notices
		wantCounts(t, "total", []report.Count{{Key: "notices", Count: n.Total}, {Key: "subjects", Count: n.Subjects}}, "notices:7 subjects:8")
		wantCounts(t, "by source", n.BySource, "order:3 referral:0 flag:2 report:1 automated:1")
		wantCounts(t, "by category", n.ByCategory, "terrorism:4 fraud:1 gambling:1 hate_speech:1")
		wantCounts(t, "by regime", n.ByRegime, "ID-PSE:5 EU-DSA:1 EU-TCO:1")
		wantCounts(t, "by jurisdiction", n.ByJurisdiction, "ID:5 EU:2 DE:1")
		wantCounts(t, "by outcome", n.ByOutcome, "actioned:2 rejected:1 reversed:1 pending:3")
		wantCounts(t, "by status", n.ByStatus, "received:2 in_review:1 decided:0 actioned:3 rejected:1")

		a := r.Actions
		if a.Decisions != 5 || a.ReversedDecisions != 1 || a.AutomatedDecisions != 0 {
			t.Errorf("decisions = %d, reversed %d, automated %d; want 5, 1, 0", a.Decisions, a.ReversedDecisions, a.AutomatedDecisions)
		}
		wantCounts(t, "by action", a.ByAction, "remove:4 geo_restrict:0 suspend:0 restrict:0 no_action:1 cannot_execute:0")
		wantCounts(t, "by ground", a.ByGround, "law:3 terms:2")
		if a.Requested != 6 || a.Executed != 6 {
			t.Errorf("actions requested %d executed %d, want 6 and 6", a.Requested, a.Executed)
		}
		wantCounts(t, "executed by action", a.ExecutedByAction, "remove:5 geo_restrict:0 suspend:0 restrict:0 restore:1")
		wantCounts(t, "executed by source", a.ExecutedBySource, "review:5 scan:1")

		// Acknowledgements after 60, 240, 1500, 6480 and 7620 s; n5 and n6 were never handled by a person.
		wantDist(t, "ack", r.Times.ToAcknowledgement.All, 5, 1500, 7164, 60, 7620)
		wantDist(t, "ack orders", r.Times.ToAcknowledgement.BySource[0], 3, 240, 1248, 60, 1500)
		wantDist(t, "ack flags", r.Times.ToAcknowledgement.BySource[2], 2, 7050, 7506, 6480, 7620)
		// Decisions after 900, 1800, 7080 and 18240 s (n4 has an undecided case).
		wantDist(t, "decision", r.Times.ToDecision.All, 4, 4440, 14892, 900, 18240)
		// Actions after 30 (automated), 2700, 3600 and 8880 s.
		wantDist(t, "action", r.Times.ToAction.All, 4, 3150, 7296, 30, 8880)
		wantDist(t, "action automated", r.Times.ToAction.BySource[4], 1, 30, 30, 30, 30)

		want := []report.Deadline{
			{Regime: "EU-DSA", Class: "standard", Notices: 1, OnTime: 1, OnTimeShare: 1},
			{Regime: "EU-TCO", Class: "removal_order", Notices: 1, OnTime: 1, OnTimeShare: 1},
			{Regime: "ID-PSE", Class: "standard", Notices: 3, OnTime: 1, Overdue: 2, OnTimeShare: 0.3333},
			{Regime: "ID-PSE", Class: "urgent", Notices: 2, OnTime: 1, Late: 1, OnTimeShare: 0.5},
		}
		if len(r.Deadlines) != len(want) {
			t.Fatalf("deadlines = %+v", r.Deadlines)
		}
		for i := range want {
			if r.Deadlines[i] != want[i] {
				t.Errorf("deadline %d = %+v, want %+v", i, r.Deadlines[i], want[i])
			}
		}

		d := r.Dialogue
		if d.ClarificationRequests != 1 || d.NoticesWithClarification != 1 || d.MessagesFromPlatform != 1 || d.MessagesFromNotifiers != 0 || d.Objections != 1 {
			t.Errorf("dialogue = %+v", d)
		}
		wantCounts(t, "objections", d.ObjectionsByStatus, "open:0 upheld:0 withdrawn:1")
		ap := r.Appeals
		if ap.Filed != 1 || ap.Decided != 1 || ap.Reversed != 1 || ap.Upheld != 0 || ap.Reinstatements != 1 {
			t.Errorf("appeals = %+v", ap)
		}
		wantDist(t, "appeal", ap.DecisionTime, 1, 3600, 3600, 3600, 3600)
		au := r.Automation
		if au.AutomatedNotices != 1 || au.Share != 0.1429 || au.ScanHits != 2 || au.ActionsRequested != 1 || au.ActionsExecuted != 1 {
			t.Errorf("automation = %+v", au)
		}

		// Accuracy: the same figures as the trust programme's for each notifier.
		acc := map[string]report.NotifierAccuracy{}
		for _, x := range append(r.Accuracy.Authorities, r.Accuracy.TrustedFlaggers...) {
			acc[x.OrgID] = x
		}
		if len(r.Accuracy.Authorities) != 2 || len(r.Accuracy.TrustedFlaggers) != 1 {
			t.Fatalf("accuracy = %+v", r.Accuracy)
		}
		for _, o := range []org.Org{w.authA, w.authB, w.flagger} {
			outs, err := db.NotifierOutcomes(ctx, o.ID, w.period.From)
			if err != nil {
				t.Fatal(err)
			}
			tf := trust.Compute(outs)
			got := acc[o.ID]
			if got.Notices != int64(tf.Notices) || got.Decided != int64(tf.Decided) || got.Actioned != int64(tf.Actioned) ||
				got.Rejected != int64(tf.Rejected) || got.Reversed != int64(tf.Reversed) || got.Precision != tf.Precision {
				t.Errorf("%s accuracy %+v differs from trust.Compute %+v", o.Kind, got, tf)
			}
		}
		if a := acc[w.authA.ID]; a.Notices != 2 || a.Actioned != 1 || a.Rejected != 1 || a.Precision != 0.5 {
			t.Errorf("authority A accuracy = %+v", a)
		}
		if f := acc[w.flagger.ID]; f.Notices != 2 || f.Decided != 1 || f.Reversed != 1 {
			t.Errorf("flagger accuracy = %+v", f)
		}
	})
}

func TestTransparencyReportScopes(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		w := seedReportWorld(t, db)
		now := w.clk.Now()

		// Authority A sees its own two orders and the decisions on their cases only.
		f, err := db.ReportFigures(ctx, store.ReportQuery{From: w.period.From, To: w.period.To, Now: now, OrgID: w.authA.ID})
		if err != nil {
			t.Fatal(err)
		}
		r := report.Build(w.period, now, report.Scope{OrgID: w.authA.ID}, f)
		wantCounts(t, "A by source", r.Notices.BySource, "order:2 referral:0 flag:0 report:0 automated:0")
		if r.Actions.Decisions != 2 || r.Actions.Executed != 1 || r.Dialogue.ClarificationRequests != 1 || r.Dialogue.Objections != 0 ||
			r.Appeals.Filed != 0 || r.Automation.ScanHits != 0 || len(r.Accuracy.Authorities) != 1 || len(r.Accuracy.TrustedFlaggers) != 0 {
			t.Errorf("authority A's report = %+v", r)
		}

		// A period that holds only n7 (October) counts it alone; an empty one counts nothing.
		f, err = db.ReportFigures(ctx, store.ReportQuery{From: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), To: w.period.From, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		r = report.Build(w.period, now, report.Scope{Platform: true}, f)
		wantCounts(t, "october", r.Notices.BySource, "order:0 referral:1 flag:0 report:0 automated:0")
		if r.Actions.Decisions != 0 || r.Times.ToDecision.All.Count != 0 || r.Notices.ByOutcome[3].Count != 1 {
			t.Errorf("october report = %+v", r)
		}
		f, err = db.ReportFigures(ctx, store.ReportQuery{From: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2020, 2, 1, 0, 0, 0, 0, time.UTC), Now: now})
		if err != nil {
			t.Fatal(err)
		}
		r = report.Build(w.period, now, report.Scope{Platform: true}, f)
		if r.Notices.Total != 0 || r.Times.ToAcknowledgement.All.Count != 0 || len(r.Deadlines) != 0 || r.Automation.Share != 0 {
			t.Errorf("empty period = %+v", r)
		}
	})
}

func TestTCOFigures(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		w := seedReportWorld(t, db)
		svc := &report.Service{DB: db, Clock: w.clk}
		tco, err := svc.TCO(ctx, report.Scope{Platform: true}, w.period)
		if err != nil {
			t.Fatal(err)
		}
		if tco.RemovalOrders != 1 || tco.ItemsInOrders != 1 || tco.ItemsRemoved != 1 || tco.ItemsDisabled != 0 || tco.OrdersNotActioned != 0 ||
			tco.ReviewProceedings != 1 || tco.Complaints != 0 || tco.Reinstatements != 0 {
			t.Errorf("TCO = %+v", tco)
		}
		wantCounts(t, "review proceedings", tco.ReviewProceedingsByStatus, "open:0 upheld:0 withdrawn:1")
		if d := tco.Deadline; d.OnTime != 1 || d.Notices != 1 || d.OnTimeShare != 1 {
			t.Errorf("TCO deadline = %+v", d)
		}
		wantDist(t, "TCO action", tco.TimeToAction, 1, 2700, 2700, 2700, 2700)
		m := tco.SpecificMeasures
		if m == nil || m.Banks != 1 || m.Lists != 0 || m.Entries != 1 || m.Hits != 2 || m.AutomatedNotices != 1 || m.ActionsRequested != 1 ||
			m.ItemsRemoved != 1 || m.Complaints != 0 || m.Reinstatements != 0 {
			t.Errorf("specific measures = %+v", m)
		}
		// Authority A issued no EU-TCO order and sees none of the platform's measures.
		tco, err = svc.TCO(ctx, report.Scope{OrgID: w.authA.ID}, w.period)
		if err != nil {
			t.Fatal(err)
		}
		if tco.RemovalOrders != 0 || tco.ItemsRemoved != 0 || tco.ReviewProceedings != 0 || tco.SpecificMeasures != nil {
			t.Errorf("authority A's TCO = %+v", tco)
		}
	})
}

func wantCounts(t *testing.T, what string, got []report.Count, want string) {
	t.Helper()
	s := ""
	for i, c := range got {
		if i > 0 {
			s += " "
		}
		s += c.Key + ":" + itoa(c.Count)
	}
	if s != want {
		t.Errorf("%s = %s, want %s", what, s, want)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func wantDist(t *testing.T, what string, d report.Distribution, n int64, median, p90, lo, hi float64) {
	t.Helper()
	if d.Count != n || d.MedianSeconds != median || d.P90Seconds != p90 || d.MinSeconds != lo || d.MaxSeconds != hi {
		t.Errorf("%s = %+v, want count %d median %v p90 %v min %v max %v", what, d, n, median, p90, lo, hi)
	}
}
