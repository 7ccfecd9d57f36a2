package review_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/casetest"
	"github.com/sigap/sigap/internal/decision"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/review"
	"github.com/sigap/sigap/internal/store"
)

func TestAppealFilingRefusals(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		open := w.file(w.flagger, notice.KindReport)
		pendingN, _ := w.decided(w.alice, w.flagger, notice.KindReport, review.ActionSuspend)
		finalN, final := w.decided(w.alice, w.flagger, notice.KindReport, review.ActionRemove)
		cases := []struct {
			name, caseID, reasons string
			want                  error
			wantField             string
		}{
			{name: "authority", caseID: caseOf(finalN), reasons: "x", want: review.ErrPlatformOnly},
			{name: "no reasons", caseID: caseOf(finalN), reasons: " ", wantField: "reasons:required"},
			{name: "long reasons", caseID: caseOf(finalN), reasons: strings.Repeat("x", review.MaxReasons+1), wantField: "reasons:too_long"},
			{name: "undecided", caseID: caseOf(open), reasons: "x", want: review.ErrNoDecision},
			{name: "waiting for approval", caseID: caseOf(pendingN), reasons: "x", want: review.ErrNoDecision},
			{name: "unknown case", caseID: "case_missing", reasons: "x", want: store.ErrNotFound},
		}
		for _, tc := range cases {
			by := w.alice
			if tc.name == "authority" {
				by = w.auth
			}
			_, err := w.svc.Appeal(ctx, by, tc.caseID, tc.reasons)
			if tc.wantField != "" {
				if casetest.FieldErr(err) != tc.wantField {
					t.Errorf("%s: %v, want %s", tc.name, err, tc.wantField)
				}
			} else if !errors.Is(err, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
			}
		}
		a, err := w.svc.Appeal(ctx, w.carol, caseOf(finalN), "  my post was news reporting  ")
		if err != nil {
			t.Fatal(err)
		}
		if a.DecisionID != final.ID || a.Status != decision.AppealOpen || a.FiledBy != "key:carol" || a.Reasons != "my post was news reporting" || a.CaseID != caseOf(finalN) {
			t.Errorf("appeal %+v", a)
		}
		if _, err := w.svc.Appeal(ctx, w.carol, caseOf(finalN), "again"); !errors.Is(err, review.ErrAppealExists) {
			t.Errorf("second appeal: %v, want ErrAppealExists", err)
		}
		if apl, _ := w.db.CaseAppeals(ctx, caseOf(finalN)); len(apl) != 1 {
			t.Errorf("appeals on the case: %d, want 1", len(apl))
		}
	})
}

// TestAppealWindow: an appeal may be filed up to six months after the
// decision took effect, and not a millisecond later.
func TestAppealWindow(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		inTime, _ := w.decided(w.alice, w.flagger, notice.KindReport, review.ActionRemove)
		late, _ := w.decided(w.alice, w.flagger, notice.KindReport, review.ActionRemove)
		w.clk.Advance(t0.AddDate(0, review.AppealMonths, 0).Sub(t0))
		if _, err := w.svc.Appeal(ctx, w.carol, caseOf(inTime), "x"); err != nil {
			t.Errorf("appeal on the last day: %v", err)
		}
		w.clk.Advance(time.Millisecond)
		if _, err := w.svc.Appeal(ctx, w.carol, caseOf(late), "x"); !errors.Is(err, review.ErrAppealTooLate) {
			t.Errorf("appeal after six months: %v, want ErrAppealTooLate", err)
		}
	})
}

func TestDecideAppeal(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		type reversal struct{ caseID, decision, by string }
		var reversals []reversal
		w.svc.OnReverse = func(_ context.Context, _ *store.Tx, caseID string, d *decision.Decision, by string, _ time.Time) error {
			reversals = append(reversals, reversal{caseID, d.ID, by})
			return nil
		}
		appeal := func(n *notice.Notice) *decision.Appeal {
			t.Helper()
			a, err := w.svc.Appeal(ctx, w.alice, caseOf(n), "please look again")
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		// A suspension alice proposed and bob approved: neither may decide its appeal.
		susN, sus := w.decided(w.alice, w.flagger, notice.KindReport, review.ActionSuspend)
		if _, err := w.svc.Approve(ctx, w.bob, sus.ID); err != nil {
			t.Fatal(err)
		}
		susA := appeal(susN)
		refusals := []struct {
			name      string
			by        func() error
			want      error
			wantField string
		}{
			{name: "authority", by: func() error {
				_, err := w.svc.DecideAppeal(ctx, w.auth, susA.ID, review.OutcomeReversed, "x")
				return err
			}, want: review.ErrPlatformOnly},
			{name: "unknown outcome", by: func() error { _, err := w.svc.DecideAppeal(ctx, w.carol, susA.ID, "granted", "x"); return err }, wantField: "outcome:unknown_value"},
			{name: "no reasons", by: func() error {
				_, err := w.svc.DecideAppeal(ctx, w.carol, susA.ID, review.OutcomeUpheld, "")
				return err
			}, wantField: "reasons:required"},
			{name: "the reviewer who decided", by: func() error {
				_, err := w.svc.DecideAppeal(ctx, w.alice, susA.ID, review.OutcomeReversed, "x")
				return err
			}, want: review.ErrSameReviewer},
			{name: "the approver", by: func() error {
				_, err := w.svc.DecideAppeal(ctx, w.bob, susA.ID, review.OutcomeReversed, "x")
				return err
			}, want: review.ErrSameReviewer},
			{name: "unknown appeal", by: func() error {
				_, err := w.svc.DecideAppeal(ctx, w.carol, "apl_missing", review.OutcomeUpheld, "x")
				return err
			}, want: store.ErrNotFound},
		}
		for _, r := range refusals {
			err := r.by()
			if r.wantField != "" {
				if casetest.FieldErr(err) != r.wantField {
					t.Errorf("%s: %v, want %s", r.name, err, r.wantField)
				}
			} else if !errors.Is(err, r.want) {
				t.Errorf("%s: %v, want %v", r.name, err, r.want)
			}
		}
		if a, _ := w.db.Appeal(ctx, susA.ID); a.Status != decision.AppealOpen {
			t.Fatalf("refusals settled the appeal: %+v", a)
		}

		// Carol reverses the suspension: enforcement is asked to restore.
		w.clk.Advance(time.Hour)
		got, err := w.svc.DecideAppeal(ctx, w.carol, susA.ID, review.OutcomeReversed, "satire, not propaganda")
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != decision.AppealReversed || got.Reviewer != "key:carol" || got.OutcomeReasons != "satire, not propaganda" || !got.DecidedAt.Equal(w.clk.Now()) {
			t.Errorf("reversed appeal %+v", got)
		}
		if d, _ := w.db.Decision(ctx, sus.ID); d.Status != decision.Reversed {
			t.Errorf("decision after reversal: %s", d.Status)
		}
		acts, _ := w.db.CaseActions(ctx, caseOf(susN))
		if len(acts) != 2 || acts[1].Action != review.ActionRestore || acts[1].AppealID != susA.ID || acts[1].State != "pending" || acts[1].DecisionID != sus.ID {
			t.Errorf("actions after reversal %+v", acts)
		}
		if len(reversals) != 1 || reversals[0] != (reversal{caseOf(susN), sus.ID, "key:carol"}) {
			t.Errorf("OnReverse calls %+v", reversals)
		}
		if ev := findEvent(t, w, susN.ID, "notice.appeal"); ev == nil || ev["action"] != review.ActionRestore || ev["outcome"] != review.OutcomeReversed {
			t.Errorf("the notifier's timeline says %v", ev)
		}
		if _, err := w.svc.DecideAppeal(ctx, w.carol, susA.ID, review.OutcomeUpheld, "x"); !errors.Is(err, review.ErrAppealDecided) {
			t.Errorf("deciding it twice: %v, want ErrAppealDecided", err)
		}
		// The reversed decision is still the one an appeal would be against, and it was appealed.
		if _, err := w.svc.Appeal(ctx, w.alice, caseOf(susN), "again"); !errors.Is(err, review.ErrAppealExists) {
			t.Errorf("appeal after reversal: %v, want ErrAppealExists", err)
		}

		// Upheld: the decision stands, nothing for enforcement.
		remN, rem := w.decided(w.alice, w.flagger, notice.KindReport, review.ActionRemove)
		remA := appeal(remN)
		if a, err := w.svc.DecideAppeal(ctx, w.bob, remA.ID, review.OutcomeUpheld, "it is propaganda"); err != nil || a.Status != decision.AppealUpheld {
			t.Fatalf("uphold: %+v, %v", a, err)
		}
		if d, _ := w.db.Decision(ctx, rem.ID); d.Status != decision.Final {
			t.Errorf("upheld decision is %s", d.Status)
		}
		if acts, _ := w.db.CaseActions(ctx, caseOf(remN)); len(acts) != 1 {
			t.Errorf("upholding asked enforcement for more: %+v", acts)
		}

		// Reversing a refusal to act restores nothing; the content needs a new decision.
		noN, _ := w.decided(w.alice, w.flagger, notice.KindReport, review.ActionNoAction)
		noA := appeal(noN)
		if _, err := w.svc.DecideAppeal(ctx, w.bob, noA.ID, review.OutcomeReversed, "it was propaganda"); err != nil {
			t.Fatal(err)
		}
		if acts, _ := w.db.CaseActions(ctx, caseOf(noN)); len(acts) != 0 {
			t.Errorf("reversing no_action asked enforcement for %+v", acts)
		}
		if ev := findEvent(t, w, noN.ID, "notice.appeal"); ev == nil || ev["follow_up"] != "new_decision_required" {
			t.Errorf("the notifier's timeline says %v", ev)
		}
		if len(reversals) != 2 {
			t.Errorf("OnReverse ran %d times, want 2", len(reversals))
		}
	})
}

// TestOnReverseErrorUndoesTheReversal: the hook runs in the appeal's transaction.
func TestOnReverseErrorUndoesTheReversal(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		boom := errors.New("bank down")
		w.svc.OnReverse = func(context.Context, *store.Tx, string, *decision.Decision, string, time.Time) error { return boom }
		n, d := w.decided(w.alice, w.flagger, notice.KindReport, review.ActionRemove)
		a, err := w.svc.Appeal(ctx, w.alice, caseOf(n), "x")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.DecideAppeal(ctx, w.bob, a.ID, review.OutcomeReversed, "x"); !errors.Is(err, boom) {
			t.Fatalf("reversal with a failing hook: %v", err)
		}
		if got, _ := w.db.Appeal(ctx, a.ID); got.Status != decision.AppealOpen {
			t.Errorf("appeal %s after the hook failed", got.Status)
		}
		if got, _ := w.db.Decision(ctx, d.ID); got.Status != decision.Final {
			t.Errorf("decision %s after the hook failed", got.Status)
		}
	})
}

// findEvent returns the data of the last event of a type on a notice's timeline.
func findEvent(t *testing.T, w *world, noticeID, typ string) map[string]any {
	t.Helper()
	evs, err := w.db.Timeline(t.Context(), noticeID, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	for _, e := range evs {
		if e.Type == typ {
			out = map[string]any{}
			if err := json.Unmarshal(e.Data, &out); err != nil {
				t.Fatal(err)
			}
		}
	}
	return out
}
