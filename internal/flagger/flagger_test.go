package flagger_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/casetest"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/decision"
	"github.com/sigap/sigap/internal/flagger"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/intake"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/policy"
	"github.com/sigap/sigap/internal/receipt"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
	"github.com/sigap/sigap/internal/trust"
)

var t0 = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

type world struct {
	t     *testing.T
	db    *store.DB
	clk   *clock.Fixed
	svc   *flagger.Service
	admin org.Caller
	seq   int
}

func newWorld(t *testing.T, e storetest.Engine) *world {
	t.Helper()
	w := &world{t: t, db: storetest.Open(t, e), clk: clock.NewFixed(t0)}
	w.svc = &flagger.Service{DB: w.db, Clock: w.clk}
	p := w.mkOrg(org.KindPlatform, "Platform")
	w.admin = org.Caller{OrgID: p.ID, OrgKind: org.KindPlatform, Role: org.RoleAdmin, KeyID: "key_admin"}
	return w
}

func (w *world) mkOrg(kind org.Kind, name string) org.Org {
	w.t.Helper()
	return casetest.Org(w.t, w.db, kind, name, t0)
}

func (w *world) put(orgID string, c flagger.Change) trust.Record {
	w.t.Helper()
	if c.Reason == "" {
		c.Reason = "programme decision"
	}
	rec, err := w.svc.Put(context.Background(), w.admin, orgID, c)
	if err != nil {
		w.t.Fatalf("put %+v: %v", c, err)
	}
	return rec
}

// notice stores a notice from o received at, on a subject of its own.
func (w *world) notice(o org.Org, kind, category string, at time.Time) *notice.Notice {
	w.t.Helper()
	w.seq++
	n := &notice.Notice{ID: id.New("ntc", at), OrgID: o.ID, Kind: kind, Regime: "ID-PSE", Category: category,
		Class: "standard", Within: 24 * time.Hour, Explanation: "x", Status: notice.StatusReceived, ReceivedAt: at,
		DueAt: at.Add(24 * time.Hour), BodySHA256: "00", TerritorialScope: []string{"ID"}}
	n.Subjects = []notice.Subject{casetest.ChannelSubject(fmt.Sprintf("c%d", w.seq))}
	casetest.File(w.t, w.db, n)
	return n
}

// decide records a decision on the notice's case as review would leave it.
func (w *world) decide(n *notice.Notice, action, status string, at time.Time) {
	w.t.Helper()
	ctx := context.Background()
	d := &decision.Decision{ID: id.New("dec", at), CaseID: n.Subjects[0].CaseID, Reviewer: "key:r", Action: action,
		Ground: decision.Ground{Type: "law", Reference: "x"}, Reasons: "x", TerritorialScope: []string{}, Status: status,
		CreatedAt: at, EffectiveAt: &at}
	if err := w.db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.InsertDecision(ctx, d); err != nil {
			return err
		}
		return tx.SetCaseState(ctx, d.CaseID, notice.CaseDecided, at)
	}); err != nil {
		w.t.Fatal(err)
	}
}

func quota(n int) *int { return &n }

func TestPutRefusals(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		f := w.mkOrg(org.KindFlagger, "Flagger")
		ok := flagger.Change{Status: trust.StatusActive, Reason: "accredited"}
		cases := []struct {
			name string
			edit func(*flagger.Change)
			want string
		}{
			{"unknown status", func(c *flagger.Change) { c.Status = "probation" }, "status:unknown_value"},
			{"applicant is not set by hand", func(c *flagger.Change) { c.Status = trust.StatusApplicant }, "status:unknown_value"},
			{"unknown category", func(c *flagger.Change) { c.Categories = []string{"terrorism", "spam"} }, "categories[1]:unknown_value"},
			{"lower-case jurisdiction", func(c *flagger.Change) { c.Jurisdictions = []string{"id"} }, "jurisdictions[0]:invalid"},
			{"three-letter jurisdiction", func(c *flagger.Change) { c.Jurisdictions = []string{"IDN"} }, "jurisdictions[0]:invalid"},
			{"no reason", func(c *flagger.Change) { c.Reason = "   " }, "reason:required"},
			{"long reason", func(c *flagger.Change) { c.Reason = strings.Repeat("é", 2001) }, "reason:required"},
			{"negative quota", func(c *flagger.Change) { c.DailyQuota = quota(-1) }, "daily_quota:invalid"},
			{"huge quota", func(c *flagger.Change) { c.DailyQuota = quota(10_000_001) }, "daily_quota:invalid"},
		}
		for _, tc := range cases {
			c := ok
			tc.edit(&c)
			if _, err := w.svc.Put(ctx, w.admin, f.ID, c); casetest.FieldErr(err) != tc.want {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.want)
			}
		}
		p := w.mkOrg(org.KindPlatform, "Platform 2")
		if _, err := w.svc.Put(ctx, w.admin, p.ID, ok); casetest.FieldErr(err) != "org_id:invalid" {
			t.Errorf("the platform enrolled: %v", err)
		}
		if _, err := w.svc.Put(ctx, w.admin, "org_missing", ok); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown org: %v", err)
		}
		if _, err := w.db.TrustRecord(ctx, f.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("refused changes stored a record: %v", err)
		}
		// The bounds themselves are accepted.
		c := ok
		c.DailyQuota, c.Reason, c.Jurisdictions = quota(10_000_000), strings.Repeat("é", 2000), []string{"EU", "ID"}
		if _, err := w.svc.Put(ctx, w.admin, f.ID, c); err != nil {
			t.Errorf("the largest quota and reason: %v", err)
		}
	})
}

// TestAccreditation walks one flagger through the programme: accreditation,
// a scope edit, suspension, reinstatement and revocation, with each move the
// programme refuses on the way.
func TestAccreditation(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		f := w.mkOrg(org.KindFlagger, "Flagger")
		steps := []struct {
			status  string
			change  flagger.Change
			want    error
			kind    string // the history entry a successful step adds
			wantCat []string
		}{
			{status: trust.StatusSuspended, want: trust.ErrTransition},
			{status: trust.StatusActive, change: flagger.Change{Categories: []string{"terrorism"}, Jurisdictions: []string{"ID"}, Expertise: "ISIS propaganda"}, kind: trust.KindStatus, wantCat: []string{"terrorism"}},
			{status: trust.StatusActive, change: flagger.Change{Categories: []string{"terrorism", "violent_extremism"}, DailyQuota: quota(50)}, kind: trust.KindScope, wantCat: []string{"terrorism", "violent_extremism"}},
			{status: trust.StatusSuspended, kind: trust.KindStatus, wantCat: []string{"terrorism", "violent_extremism"}},
			{status: trust.StatusSuspended, change: flagger.Change{Categories: []string{"terrorism"}}, kind: trust.KindScope, wantCat: []string{"terrorism"}},
			{status: trust.StatusActive, kind: trust.KindStatus, wantCat: []string{"terrorism"}},
			{status: trust.StatusRevoked, kind: trust.KindStatus, wantCat: []string{"terrorism"}},
			{status: trust.StatusActive, want: trust.ErrTransition},
			{status: trust.StatusSuspended, want: trust.ErrTransition},
			{status: trust.StatusRevoked, want: trust.ErrTransition},
		}
		var kinds []string
		for i, s := range steps {
			w.clk.Advance(time.Hour)
			c := s.change
			c.Status, c.Reason = s.status, fmt.Sprintf("step %d", i)
			before, _ := w.db.TrustRecord(ctx, f.ID)
			rec, err := w.svc.Put(ctx, w.admin, f.ID, c)
			if s.want != nil {
				if !errors.Is(err, s.want) {
					t.Errorf("step %d to %s from %s: %v, want %v", i, s.status, before.Status, err, s.want)
				}
				if after, _ := w.db.TrustRecord(ctx, f.ID); after.Status != before.Status || !after.UpdatedAt.Equal(before.UpdatedAt) {
					t.Errorf("step %d: a refused move changed the record to %+v", i, after)
				}
				continue
			}
			if err != nil {
				t.Fatalf("step %d to %s: %v", i, s.status, err)
			}
			kinds = append(kinds, s.kind)
			stored, err := w.db.TrustRecord(ctx, f.ID)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Status != s.status || stored.Status != s.status || !slices.Equal(stored.Categories, s.wantCat) || !stored.UpdatedAt.Equal(w.clk.Now()) {
				t.Errorf("step %d: returned %+v, stored %+v", i, rec, stored)
			}
		}
		rec, _ := w.db.TrustRecord(ctx, f.ID)
		// Fields a change leaves out keep their values.
		if !slices.Equal(rec.Jurisdictions, []string{"ID"}) || rec.Expertise != "ISIS propaganda" || rec.DailyQuota != 50 || rec.Quota() != 50 {
			t.Errorf("record after the walk %+v", rec)
		}
		hist, err := w.db.TrustHistory(ctx, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range hist {
			got = append(got, h.Kind)
			if h.Actor != w.admin.OrgID+"/key_admin" || !strings.HasPrefix(h.Reason, "step ") {
				t.Errorf("history entry %+v", h)
			}
		}
		if !slices.Equal(got, kinds) {
			t.Errorf("history kinds %v, want %v", got, kinds)
		}
	})
}

// TestGate: intake's gate refuses notices from flaggers that are not active
// or over their quota, and moves a flag outside the flagger's scope to the
// standard lane with the reason.
func TestGate(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		caller := func(o org.Org) org.Caller {
			role := org.RoleFlagger
			if o.Kind == org.KindAuthority {
				role = org.RoleAuthority
			}
			return org.Caller{OrgID: o.ID, OrgKind: o.Kind, Role: role, KeyID: "k"}
		}
		applicant := w.mkOrg(org.KindFlagger, "applicant")
		scoped := w.mkOrg(org.KindFlagger, "scoped")
		w.put(scoped.ID, flagger.Change{Status: trust.StatusActive, Categories: []string{"terrorism", "violent_extremism"}})
		broad := w.mkOrg(org.KindFlagger, "broad")
		w.put(broad.ID, flagger.Change{Status: trust.StatusActive})
		suspended := w.mkOrg(org.KindFlagger, "suspended")
		w.put(suspended.ID, flagger.Change{Status: trust.StatusActive})
		w.put(suspended.ID, flagger.Change{Status: trust.StatusSuspended})
		revoked := w.mkOrg(org.KindFlagger, "revoked")
		w.put(revoked.ID, flagger.Change{Status: trust.StatusRevoked})
		rationed := w.mkOrg(org.KindFlagger, "rationed")
		w.put(rationed.ID, flagger.Change{Status: trust.StatusActive, DailyQuota: quota(2)})
		w.notice(rationed, notice.KindFlag, "terrorism", t0.Add(-11*time.Hour)) // yesterday (UTC): does not count
		w.notice(rationed, notice.KindFlag, "terrorism", t0.Add(-time.Hour))
		full := w.mkOrg(org.KindFlagger, "full")
		w.put(full.ID, flagger.Change{Status: trust.StatusActive, DailyQuota: quota(2)})
		w.notice(full, notice.KindFlag, "terrorism", t0.Add(-9*time.Hour)) // today, from midnight UTC
		w.notice(full, notice.KindFlag, "terrorism", t0.Add(-time.Hour))
		authority := w.mkOrg(org.KindAuthority, "authority")
		w.notice(authority, notice.KindOrder, "terrorism", t0.Add(-time.Hour))
		enrolled := w.mkOrg(org.KindAuthority, "enrolled authority")
		w.put(enrolled.ID, flagger.Change{Status: trust.StatusActive, DailyQuota: quota(1)})
		w.notice(enrolled, notice.KindOrder, "terrorism", t0.Add(-time.Hour))

		cases := []struct {
			name     string
			from     org.Org
			kind     string
			category string
			want     error
			lane     string // the lane the gate sets ("" leaves the kind's own)
		}{
			{"applicant", applicant, notice.KindFlag, "terrorism", trust.ErrNotActive, ""},
			{"suspended", suspended, notice.KindFlag, "terrorism", trust.ErrNotActive, ""},
			{"revoked", revoked, notice.KindReport, "terrorism", trust.ErrNotActive, ""},
			{"in scope", scoped, notice.KindFlag, "violent_extremism", nil, ""},
			{"outside scope", scoped, notice.KindFlag, "hate_speech", nil, notice.LaneStandard},
			{"a report outside scope keeps its lane", scoped, notice.KindReport, "hate_speech", nil, ""},
			{"empty scope covers all", broad, notice.KindFlag, "hate_speech", nil, ""},
			{"under quota", rationed, notice.KindFlag, "terrorism", nil, ""},
			{"over quota", full, notice.KindFlag, "terrorism", trust.ErrQuota, ""},
			{"authority not enrolled", authority, notice.KindOrder, "terrorism", nil, ""},
			{"enrolled authority over quota", enrolled, notice.KindOrder, "terrorism", trust.ErrQuota, ""},
		}
		for _, tc := range cases {
			n := &notice.Notice{OrgID: tc.from.ID, Kind: tc.kind, Category: tc.category, ReceivedAt: t0}
			err := w.db.Write(ctx, func(tx *store.Tx) error { return w.svc.Gate(ctx, tx, caller(tc.from), n) })
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
				continue
			}
			if n.Lane != tc.lane {
				t.Errorf("%s: lane %q, want %q", tc.name, n.Lane, tc.lane)
			}
			if (n.LaneNote != "") != (tc.lane != "") || (tc.lane != "" && !strings.Contains(n.LaneNote, "hate_speech") && !strings.Contains(n.LaneNote, "terrorism, violent_extremism")) {
				t.Errorf("%s: lane note %q", tc.name, n.LaneNote)
			}
		}
	})
}

func TestStandingFigures(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		f := w.mkOrg(org.KindFlagger, "Flagger")
		w.put(f.ID, flagger.Change{Status: trust.StatusActive, Categories: []string{"terrorism"}})
		day := 24 * time.Hour
		old := w.notice(f, notice.KindFlag, "terrorism", t0.Add(-100*day)) // outside the 90-day window
		w.decide(old, "remove", decision.Final, t0.Add(-99*day))
		unfounded := w.notice(f, notice.KindFlag, "terrorism", t0.Add(-10*day))
		w.decide(unfounded, "no_action", decision.Final, t0.Add(-9*day))
		reversed := w.notice(f, notice.KindFlag, "hate_speech", t0.Add(-5*day))
		w.decide(reversed, "remove", decision.Reversed, t0.Add(-4*day))
		w.notice(f, notice.KindFlag, "terrorism", t0.Add(-day)) // not decided
		other := w.mkOrg(org.KindFlagger, "Other")
		w.decide(w.notice(other, notice.KindFlag, "terrorism", t0.Add(-day)), "no_action", decision.Final, t0)

		st, err := w.svc.Standing(ctx, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		a := st.Accuracy
		if a.Notices != 4 || a.Decided != 3 || a.Actioned != 1 || a.Rejected != 1 || a.Reversed != 1 || a.Precision != 1.0/3 || a.WindowDays != flagger.WindowDays {
			t.Errorf("all-time figures %+v", a.Figures)
		}
		if a.Window.Notices != 3 || a.Window.Decided != 2 || a.Window.Actioned != 0 || a.Window.Rejected != 1 || a.Window.Reversed != 1 {
			t.Errorf("90-day figures %+v", a.Window)
		}
		if tf := st.ByCategory["terrorism"]; tf.Notices != 3 || tf.Decided != 2 || tf.Actioned != 1 || tf.Rejected != 1 {
			t.Errorf("terrorism figures %+v", tf)
		}
		if hf := st.ByCategory["hate_speech"]; hf.Notices != 1 || hf.Reversed != 1 || len(st.ByCategory) != 2 {
			t.Errorf("figures by category %+v", st.ByCategory)
		}
		if st.Status != trust.StatusActive || len(st.History) != 1 || st.History[0].Kind != trust.KindStatus {
			t.Errorf("standing record %+v, history %+v", st.Record, st.History)
		}
		// An org outside the programme has a standing too: an applicant with figures.
		au := w.mkOrg(org.KindAuthority, "Authority")
		if st, err := w.svc.Standing(ctx, au.ID); err != nil || st.Status != trust.StatusApplicant || st.Accuracy.Notices != 0 || st.History == nil {
			t.Errorf("authority's standing %+v, %v", st, err)
		}
		if _, err := w.svc.Standing(ctx, "org_missing"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown org: %v", err)
		}
	})
}

// TestMisuseLadder: past the threshold the flagger is warned once, then a
// week later a suspension is proposed once; suspension stops the ladder and a
// new accreditation decision starts it again.
func TestMisuseLadder(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		w.svc.Misuse = trust.Misuse{Window: 4, Share: 0.3}
		f := w.mkOrg(org.KindFlagger, "Flagger")
		w.put(f.ID, flagger.Change{Status: trust.StatusActive})
		fine := w.mkOrg(org.KindFlagger, "Careful flagger")
		w.put(fine.ID, flagger.Change{Status: trust.StatusActive})
		for i, action := range []string{"remove", "no_action", "remove", "no_action"} {
			at := t0.Add(-time.Duration(10-i) * time.Hour)
			w.decide(w.notice(f, notice.KindFlag, "terrorism", at), action, decision.Final, at.Add(time.Minute))
		}
		for i, action := range []string{"remove", "remove", "remove", "no_action"} { // 25%: under the threshold
			at := t0.Add(-time.Duration(10-i) * time.Hour)
			w.decide(w.notice(fine, notice.KindFlag, "terrorism", at), action, decision.Final, at.Add(time.Minute))
		}
		ladder := func(orgID string) []string {
			t.Helper()
			st, err := w.svc.Standing(ctx, orgID)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, h := range st.History {
				out = append(out, h.Kind)
			}
			return out
		}
		steps := []struct {
			name    string
			advance time.Duration
			change  string // an admin's status change before the step
			want    []string
		}{
			{"warned", 0, "", []string{"status", "warning"}},
			{"warned once", 0, "", []string{"status", "warning"}},
			{"a week less a millisecond", 7*24*time.Hour - time.Millisecond, "", []string{"status", "warning"}},
			{"a week on: suspension proposed", time.Millisecond, "", []string{"status", "warning", "proposed_suspension"}},
			{"proposed once", 30 * 24 * time.Hour, "", []string{"status", "warning", "proposed_suspension"}},
			{"suspended: no ladder", time.Hour, trust.StatusSuspended, []string{"status", "warning", "proposed_suspension", "status"}},
			{"reinstated: the ladder starts again", time.Hour, trust.StatusActive, []string{"status", "warning", "proposed_suspension", "status", "status", "warning"}},
		}
		for _, s := range steps {
			w.clk.Advance(s.advance)
			if s.change != "" {
				w.put(f.ID, flagger.Change{Status: s.change})
			}
			if got := ladder(f.ID); !slices.Equal(got, s.want) {
				t.Fatalf("%s: history %v, want %v", s.name, got, s.want)
			}
		}
		hist, _ := w.db.TrustHistory(ctx, f.ID)
		if h := hist[1]; h.Actor != "sigap" || !strings.Contains(h.Reason, "50% of the last 4 decided notices") || strings.Contains(h.Reason, "suspension proposed") {
			t.Errorf("warning %+v", h)
		}
		if h := hist[2]; !strings.Contains(h.Reason, "suspension proposed") || h.Status != trust.StatusActive {
			t.Errorf("proposal %+v", h)
		}
		if rec, _ := w.db.TrustRecord(ctx, f.ID); rec.Status != trust.StatusActive {
			t.Errorf("a proposal changed the status to %s; only an admin suspends", rec.Status)
		}
		if got := ladder(fine.ID); !slices.Equal(got, []string{"status"}) {
			t.Errorf("a flagger under the threshold: history %v", got)
		}
	})
}

func TestReport(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		f := w.mkOrg(org.KindFlagger, "Yayasan Aman")
		y := func(year int, month time.Month) time.Time { return time.Date(year, month, 1, 12, 0, 0, 0, time.UTC) }
		w.decide(w.notice(f, notice.KindFlag, "terrorism", y(2025, 12)), "remove", decision.Final, y(2026, 1)) // last year's notice
		w.decide(w.notice(f, notice.KindFlag, "terrorism", y(2026, 2)), "remove", decision.Final, y(2026, 2))
		w.decide(w.notice(f, notice.KindFlag, "terrorism", y(2026, 3)), "remove", decision.Final, y(2026, 3))
		w.decide(w.notice(f, notice.KindFlag, "terrorism", y(2026, 4)), "remove", decision.Reversed, y(2026, 4))
		w.decide(w.notice(f, notice.KindFlag, "hate_speech", y(2026, 5)), "no_action", decision.Final, y(2026, 5))
		w.notice(f, notice.KindFlag, "csam", y(2026, 6))
		w.notice(f, notice.KindFlag, "csam", time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC))
		w.notice(f, notice.KindFlag, "csam", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)) // next year

		r, err := w.svc.Report(ctx, f.ID, 2026)
		if err != nil {
			t.Fatal(err)
		}
		want := []flagger.ReportRow{
			{Provider: "platform", Category: "csam", Action: "pending", Count: 2},
			{Provider: "platform", Category: "hate_speech", Action: "no_action", Count: 1},
			{Provider: "platform", Category: "terrorism", Action: "remove", Count: 2},
			{Provider: "platform", Category: "terrorism", Action: "reversed_on_appeal", Count: 1},
		}
		if r.Year != 2026 || r.OrgID != f.ID || r.Notifier != "Yayasan Aman" || r.Notices != 6 || !slices.Equal(r.Rows, want) {
			t.Errorf("report %+v, want rows %+v", r, want)
		}
		var b bytes.Buffer
		if err := r.WriteCSV(&b); err != nil {
			t.Fatal(err)
		}
		wantCSV := "year,notifier,provider,category,action,subjects\n" +
			"2026,Yayasan Aman,platform,csam,pending,2\n2026,Yayasan Aman,platform,hate_speech,no_action,1\n" +
			"2026,Yayasan Aman,platform,terrorism,remove,2\n2026,Yayasan Aman,platform,terrorism,reversed_on_appeal,1\n"
		if b.String() != wantCSV {
			t.Errorf("csv:\n%s\nwant:\n%s", b.String(), wantCSV)
		}
		if empty, err := w.svc.Report(ctx, f.ID, 2024); err != nil || empty.Rows == nil || len(empty.Rows) != 0 || empty.Notices != 0 {
			t.Errorf("a year without notices: %+v, %v", empty, err)
		}
		if _, err := w.svc.Report(ctx, "org_missing", 2026); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown org: %v", err)
		}
		if got := flagger.ReportFilename(2026); got != "trusted-flagger-report-2026.csv" {
			t.Errorf("file name %q", got)
		}
	})
}

// TestGateThroughIntake: the gate as intake runs it, inside the transaction
// that stores the notice: a refused notice stores nothing, and an
// out-of-scope flag is stored, and queued, in the standard lane.
func TestGateThroughIntake(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		in := &intake.Service{DB: w.db, Policy: policy.Default(), Clock: w.clk, Gate: w.svc.Gate,
			Signer: receipt.NewSigner(ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)))}
		f := w.mkOrg(org.KindFlagger, "Flagger")
		w.put(f.ID, flagger.Change{Status: trust.StatusActive, Categories: []string{"terrorism"}})
		c := org.Caller{OrgID: f.ID, OrgKind: org.KindFlagger, Role: org.RoleFlagger, KeyID: "k"}
		body := func(category, channel string) []byte {
			return fmt.Appendf(nil, `{"kind": "flag", "category": %q, "explanation": "x", "legal_basis": "y", "good_faith": true,
				"subjects": [{"url": "https://t.me/s/%s/1"}]}`, category, channel)
		}
		cases := []struct {
			category, lane string
		}{
			{"terrorism", notice.LaneTrusted},
			{"hate_speech", notice.LaneStandard},
		}
		for i, tc := range cases {
			res, err := in.Submit(ctx, c, "", body(tc.category, fmt.Sprintf("Chan%d", i)), "")
			if err != nil {
				t.Fatalf("%s: %v", tc.category, err)
			}
			stored, err := w.db.Notice(ctx, res.Notice.ID, f.ID)
			if err != nil {
				t.Fatal(err)
			}
			lc, err := w.db.LeasedCase(ctx, stored.Subjects[0].CaseID)
			if err != nil {
				t.Fatal(err)
			}
			if stored.Lane != tc.lane || lc.Lane != tc.lane || (tc.lane == notice.LaneStandard) != (stored.LaneNote != "") {
				t.Errorf("%s: notice lane %q (%q), case lane %q; want %q", tc.category, stored.Lane, stored.LaneNote, lc.Lane, tc.lane)
			}
		}
		w.put(f.ID, flagger.Change{Status: trust.StatusSuspended})
		if _, err := in.Submit(ctx, c, "", body("terrorism", "Chan9"), ""); !errors.Is(err, trust.ErrNotActive) {
			t.Errorf("suspended flagger: %v, want ErrNotActive", err)
		}
		if err := w.db.Write(ctx, func(tx *store.Tx) error {
			n, err := tx.CountNoticesSince(ctx, f.ID, time.Time{})
			if err == nil && n != 2 {
				err = fmt.Errorf("%d notices stored, want 2", n)
			}
			return err
		}); err != nil {
			t.Error(err)
		}
	})
}
