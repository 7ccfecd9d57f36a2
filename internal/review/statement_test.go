package review_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/casetest"
	"github.com/sigap/sigap/internal/decision"
	"github.com/sigap/sigap/internal/dsasor"
	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/review"
	"github.com/sigap/sigap/internal/store"
)

// statement files a notice from o, has alice decide action on its case,
// automatically or not, and returns the decision's statement in English.
func (w *world) statement(o org.Org, kind, action string, automated bool, edit ...func(*notice.Notice)) *review.Statement {
	w.t.Helper()
	n := w.file(o, kind, edit...)
	w.claim(w.alice, n)
	in := input(action)
	in.Automated = automated
	ctx := context.Background()
	d, _, err := w.svc.Decide(ctx, w.alice, caseOf(n), in)
	if err != nil {
		w.t.Fatal(err)
	}
	st, err := w.svc.Statement(ctx, d.ID, i18n.EN)
	if err != nil {
		w.t.Fatal(err)
	}
	return st
}

func TestStatement(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		n, d := w.decided(w.alice, w.authority, notice.KindOrder, review.ActionRemove)
		st, err := w.svc.Statement(ctx, d.ID, i18n.EN)
		if err != nil {
			t.Fatal(err)
		}
		if st.DecisionID != d.ID || st.CaseID != caseOf(n) || st.Language != i18n.EN || st.Provider != "Telegram" ||
			!st.IssuedAt.Equal(t0) || st.Subject != n.Subjects[0].Canonical || st.Status != decision.Final {
			t.Errorf("statement head %+v", st)
		}
		if st.Restriction.Action != review.ActionRemove || !slices.Equal(st.Restriction.TerritorialScope, []string{"ID"}) || st.Restriction.Until != nil {
			t.Errorf("restriction %+v", st.Restriction)
		}
		// An authority's order names the authority: the user needs it to challenge the order.
		if st.Facts.Source != dsasor.SourceOrder || st.Facts.Notifier != w.authority.Name || !slices.Equal(st.Facts.NoticeKinds, []string{notice.KindOrder}) ||
			st.Facts.Reasons != d.Reasons || !st.Facts.FirstNoticed.Equal(t0) {
			t.Errorf("facts %+v", st.Facts)
		}
		if st.Automation.Detection || st.Automation.Decision {
			t.Errorf("automation %+v", st.Automation)
		}
		if st.Ground.Type != "law" || st.Ground.Reference != d.Ground.Reference || st.Ground.Explanation != d.Reasons {
			t.Errorf("ground %+v", st.Ground)
		}
		if !st.Redress.AppealUntil.Equal(t0.AddDate(0, review.AppealMonths, 0)) || st.Redress.InternalComplaint == "" {
			t.Errorf("redress %+v", st.Redress)
		}
		if st.TransparencyDB == nil {
			t.Error("no transparency database statement")
		}
		// An unknown language falls back to the default; the text changes with it.
		id, err := w.svc.Statement(ctx, d.ID, "xx")
		if err != nil || id.Language != i18n.ID || id.Title == st.Title {
			t.Errorf("statement in xx: %q %q, %v", id.Language, id.Title, err)
		}

		refusals := []struct{ name, action string }{
			{"no_action restricts nothing", review.ActionNoAction},
			{"cannot_execute restricts nothing", review.ActionCannotExecute},
			{"pending approval", review.ActionSuspend},
		}
		for _, r := range refusals {
			_, d := w.decided(w.alice, w.flagger, notice.KindReport, r.action)
			if _, err := w.svc.Statement(ctx, d.ID, i18n.EN); !errors.Is(err, review.ErrNoStatement) {
				t.Errorf("%s: %v, want ErrNoStatement", r.name, err)
			}
		}
		if _, err := w.svc.Statement(ctx, "dec_missing", i18n.EN); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown decision: %v", err)
		}
	})
}

// TestStatementHeld: an authority's "do not inform the uploader before" date
// holds the statement back until that instant.
func TestStatementHeld(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		hold := t0.Add(48 * time.Hour)
		_, d := w.decided(w.alice, w.authority, notice.KindOrder, review.ActionRemove, func(n *notice.Notice) { n.InformUploaderAfter = &hold })
		w.clk.Advance(48*time.Hour - time.Millisecond)
		_, err := w.svc.Statement(ctx, d.ID, i18n.EN)
		var held *review.HeldError
		if !errors.As(err, &held) || !held.Until.Equal(hold) || !errors.Is(err, review.ErrStatementHeld) {
			t.Fatalf("statement before the hold ends: %v", err)
		}
		w.clk.Advance(time.Millisecond)
		if _, err := w.svc.Statement(ctx, d.ID, i18n.EN); err != nil {
			t.Errorf("statement when the hold ends: %v", err)
		}
	})
}

// TestStatementSource: the most authoritative notice on a case says what
// started the decision; a case only sigap's scan reported is own initiative.
func TestStatementSource(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		scan := func(n *notice.Notice) { n.Reference = "sigap-scan/hit_1" }
		cases := []struct {
			name      string
			kind      string
			edit      func(*notice.Notice)
			automated bool
			source    string
			detection bool
		}{
			{"flag", notice.KindFlag, nil, false, dsasor.SourceTrustedFlagger, false},
			{"referral", notice.KindReferral, nil, false, dsasor.SourceReferral, false},
			{"report", notice.KindReport, nil, false, dsasor.SourceNotice, false},
			{"scan", notice.KindReport, scan, false, dsasor.SourceOwnInitiative, true},
			{"scan and automated decision", notice.KindReport, scan, true, dsasor.SourceOwnInitiative, true},
			{"automated decision", notice.KindReport, nil, true, dsasor.SourceNotice, false},
		}
		for _, tc := range cases {
			o := w.flagger
			if tc.kind == notice.KindReferral {
				o = w.authority
			}
			var edits []func(*notice.Notice)
			if tc.edit != nil {
				edits = append(edits, tc.edit)
			}
			st := w.statement(o, tc.kind, review.ActionRemove, tc.automated, edits...)
			if st.Facts.Source != tc.source || st.Facts.Notifier != "" || st.Automation.Detection != tc.detection || st.Automation.Decision != tc.automated {
				t.Errorf("%s: facts %+v, automation %+v", tc.name, st.Facts, st.Automation)
			}
		}
		// Automation descriptions differ between the four combinations.
		seen := map[string]bool{}
		for _, a := range []bool{false, true} {
			for _, det := range []bool{false, true} {
				var edits []func(*notice.Notice)
				if det {
					edits = append(edits, scan)
				}
				st := w.statement(w.flagger, notice.KindReport, review.ActionRestrict, a, edits...)
				seen[st.Automation.Description] = true
			}
		}
		if len(seen) != 4 {
			t.Errorf("automation descriptions %v, want four different ones", seen)
		}
	})
}

func TestDSAExport(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		hold := t0.Add(30 * 24 * time.Hour)
		eu := func(n *notice.Notice) { n.TerritorialScope = []string{"DE"}; n.Language = "de-c" + n.Language[4:] }
		// Decided one minute apart, in this order.
		var ids []string
		step := func(kind, action string, edit ...func(*notice.Notice)) *decision.Decision {
			o := w.flagger
			if kind == notice.KindOrder {
				o = w.authority
			}
			_, d := w.decided(w.alice, o, kind, action, edit...)
			w.clk.Advance(time.Minute)
			ids = append(ids, d.ID)
			return d
		}
		inEEA := step(notice.KindReport, review.ActionRemove, eu)
		outside := step(notice.KindReport, review.ActionRemove)
		euOrder := step(notice.KindOrder, review.ActionRemove, eu, tco)
		held := step(notice.KindReport, review.ActionRemove, eu, func(n *notice.Notice) { n.InformUploaderAfter = &hold })
		step(notice.KindReport, review.ActionNoAction, eu) // restricts nothing: not in the export at all
		inEEA2 := step(notice.KindFlag, review.ActionRestrict, func(n *notice.Notice) { n.TerritorialScope = []string{"FR"} })

		if _, err := w.svc.DSAExport(ctx, w.auth, review.DSAExportRequest{From: t0, To: w.clk.Now()}); !errors.Is(err, review.ErrPlatformOnly) {
			t.Errorf("authority exports: %v", err)
		}
		for _, bad := range []review.DSAExportRequest{{Limit: -1}, {Limit: 101}} {
			if _, err := w.svc.DSAExport(ctx, w.alice, bad); casetest.FieldErr(err) != "limit:invalid" {
				t.Errorf("limit %d: %v", bad.Limit, err)
			}
		}
		for _, c := range []string{"!!", "bm90LWEtY3Vyc29y", "LTEuZGVj"} {
			if _, err := w.svc.DSAExport(ctx, w.alice, review.DSAExportRequest{From: t0, To: w.clk.Now(), Cursor: c}); casetest.FieldErr(err) != "cursor:invalid" {
				t.Errorf("cursor %q: %v", c, err)
			}
		}
		all, err := w.svc.DSAExport(ctx, w.alice, review.DSAExportRequest{From: t0, To: w.clk.Now()})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(all.DecisionIDs, []string{inEEA.ID, inEEA2.ID}) || len(all.Statements) != 2 || all.NextCursor != "" {
			t.Errorf("exported %v (cursor %q), want the two EEA decisions", all.DecisionIDs, all.NextCursor)
		}
		skips := map[string]string{}
		for _, s := range all.Skipped {
			skips[s.DecisionID] = s.Reason
		}
		want := map[string]string{outside.ID: review.SkipOutsideEEA, euOrder.ID: review.SkipEUOrder, held.ID: review.SkipHeld}
		if len(skips) != len(want) {
			t.Errorf("skipped %v, want %v", skips, want)
		}
		for id, r := range want {
			if skips[id] != r {
				t.Errorf("decision %s skipped as %q, want %q", id, skips[id], r)
			}
		}
		// [From, To): the first decision's instant is in, the window's end is out.
		if p, err := w.svc.DSAExport(ctx, w.alice, review.DSAExportRequest{From: t0.Add(time.Millisecond), To: w.clk.Now()}); err != nil || slices.Contains(p.DecisionIDs, inEEA.ID) {
			t.Errorf("a window after the first decision: %+v, %v", p, err)
		}
		// Paging one decision at a time walks the same decisions, oldest first.
		var paged []string
		cursor := ""
		for range len(ids) + 1 {
			p, err := w.svc.DSAExport(ctx, w.alice, review.DSAExportRequest{From: t0, To: w.clk.Now(), Limit: 1, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			paged = append(paged, p.DecisionIDs...)
			for _, s := range p.Skipped {
				paged = append(paged, s.DecisionID)
			}
			if cursor = p.NextCursor; cursor == "" {
				break
			}
		}
		if wantPaged := []string{inEEA.ID, outside.ID, euOrder.ID, held.ID, inEEA2.ID}; !slices.Equal(paged, wantPaged) {
			t.Errorf("paged %v, want %v", paged, wantPaged)
		}
		// Once the hold has passed, the held statement is exported.
		w.clk.Advance(hold.Sub(w.clk.Now()))
		later, err := w.svc.DSAExport(ctx, w.alice, review.DSAExportRequest{From: t0, To: t0.Add(time.Hour)})
		if err != nil || !slices.Contains(later.DecisionIDs, held.ID) {
			t.Errorf("after the hold: %+v, %v", later, err)
		}
		// A statement the database would refuse (a restriction past its last
		// date) refuses the page, or is listed as skipped when asked.
		from := w.clk.Now()
		bad := w.file(w.flagger, notice.KindReport, eu)
		w.claim(w.alice, bad)
		in := input(review.ActionRestrict)
		far := time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)
		in.Until = &far
		badD, _, err := w.svc.Decide(ctx, w.alice, caseOf(bad), in)
		if err != nil {
			t.Fatal(err)
		}
		good := step(notice.KindReport, review.ActionRemove, eu)
		q := review.DSAExportRequest{From: from, To: w.clk.Now()}
		_, err = w.svc.DSAExport(ctx, w.alice, q)
		var inv *review.InvalidStatementsError
		if !errors.As(err, &inv) || len(inv.Decisions) != 1 || inv.Decisions[0].DecisionID != badD.ID ||
			!strings.Contains(err.Error(), "end_date_visibility_restriction") {
			t.Fatalf("a page with an invalid statement: %v", err)
		}
		q.SkipInvalid = true
		p, err := w.svc.DSAExport(ctx, w.alice, q)
		if err != nil || !slices.Equal(p.DecisionIDs, []string{good.ID}) || len(p.Skipped) != 1 ||
			p.Skipped[0].Reason != review.SkipInvalid || len(p.Skipped[0].Errors) != 1 {
			t.Errorf("skipping the invalid statement: %+v, %v", p, err)
		}
	})
}
