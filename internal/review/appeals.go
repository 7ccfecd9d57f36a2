package review

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/action"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/decision"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// The outcomes of an appeal.
const (
	OutcomeUpheld   = "upheld"
	OutcomeReversed = "reversed"
)

func textField(field, s string, max int) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", &notice.ValidationError{Fields: []notice.FieldError{{Field: field, Code: "required", Message: field + " is required"}}}
	case utf8.RuneCountInString(s) > max:
		return "", &notice.ValidationError{Fields: []notice.FieldError{{Field: field, Code: "too_long", Message: field + " is too long"}}}
	}
	return s, nil
}

// platformReasons refuses a caller other than the platform, then returns
// the reasons the platform gives for an act, trimmed, or why they are refused.
func platformReasons(c org.Caller, reasons string) (string, error) {
	if !c.Platform() {
		return "", ErrPlatformOnly
	}
	return textField("reasons", reasons, MaxReasons)
}

// Appeal files the affected user's complaint against a case's final decision
// (DSA Art. 20): once per decision, within six months of it.
func (s *Service) Appeal(ctx context.Context, c org.Caller, caseID, reasons string) (*decision.Appeal, error) {
	reasons, err := platformReasons(c, reasons)
	if err != nil {
		return nil, err
	}
	now := clock.NowMilli(s.Clock)
	var a *decision.Appeal
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.LockCase(ctx, caseID); err != nil {
			return err
		}
		ds, err := s.DB.CaseDecisions(ctx, caseID)
		if err != nil {
			return err
		}
		var d *decision.Decision
		for _, x := range ds {
			if x.Status == decision.Final || x.Status == decision.Reversed {
				d = x
			}
		}
		if d == nil {
			return ErrNoDecision
		}
		exists, err := tx.AppealExists(ctx, d.ID)
		if err != nil {
			return err
		}
		if exists {
			return ErrAppealExists
		}
		if d.EffectiveAt != nil && now.After(d.EffectiveAt.AddDate(0, AppealMonths, 0)) {
			return ErrAppealTooLate
		}
		a = &decision.Appeal{ID: id.New("apl", now), CaseID: caseID, DecisionID: d.ID, FiledBy: Actor(c), Reasons: reasons,
			Status: decision.AppealOpen, CreatedAt: now}
		if err := tx.InsertAppeal(ctx, a); err != nil {
			return err
		}
		return tx.AppendEvents(ctx, []notice.Event{{At: now, Type: "appeal.filed", CaseID: caseID,
			Data: jsonOf(map[string]string{"appeal_id": a.ID, "decision_id": d.ID})}})
	})
	if errors.Is(err, store.ErrConflict) {
		err = ErrAppealExists
	}
	if err != nil {
		return nil, err
	}
	return a, nil
}

// DecideAppeal settles an appeal. A reviewer other than the one who decided
// the case (and other than its approver) takes it. A reversal of a
// restriction records a restore request for enforcement, pending until
// enforcement reports it done, and tells the notifiers on their timelines.
func (s *Service) DecideAppeal(ctx context.Context, c org.Caller, appealID, outcome, reasons string) (*decision.Appeal, error) {
	if !c.Platform() {
		return nil, ErrPlatformOnly
	}
	if outcome != OutcomeUpheld && outcome != OutcomeReversed {
		return nil, &notice.ValidationError{Fields: []notice.FieldError{{Field: "outcome", Code: "unknown_value", Message: `outcome must be "upheld" or "reversed"`}}}
	}
	reasons, err := textField("reasons", reasons, MaxReasons)
	if err != nil {
		return nil, err
	}
	now := clock.NowMilli(s.Clock)
	me := Actor(c)
	var a *decision.Appeal
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		var err error
		if a, err = tx.LockAppeal(ctx, appealID); err != nil {
			return err
		}
		if a.Status != decision.AppealOpen {
			return ErrAppealDecided
		}
		d, err := tx.LockDecision(ctx, a.DecisionID)
		if err != nil {
			return err
		}
		if d.Reviewer == me || d.Approver == me {
			return ErrSameReviewer
		}
		lc, err := tx.LockCase(ctx, a.CaseID)
		if err != nil {
			return err
		}
		a.Status, a.Reviewer, a.OutcomeReasons, a.DecidedAt = outcome, me, reasons, &now
		if err := tx.UpdateAppeal(ctx, a); err != nil {
			return err
		}
		data := map[string]any{"appeal_id": a.ID, "decision_id": d.ID, "outcome": outcome, "decided_at": now}
		if outcome == OutcomeReversed {
			if err := tx.SetDecisionStatus(ctx, d.ID, decision.Reversed); err != nil {
				return err
			}
			if s.OnReverse != nil {
				if err := s.OnReverse(ctx, tx, lc.ID, d, me, now); err != nil {
					return err
				}
			}
			if action.Restricts(d.Action) {
				act := &action.Request{ID: id.New("act", now), CaseID: lc.ID, DecisionID: d.ID, AppealID: a.ID,
					Subject: lc.Subject, Action: ActionRestore, TerritorialScope: d.TerritorialScope, State: "pending", CreatedAt: now}
				if err := tx.InsertAction(ctx, act); err != nil {
					return err
				}
				data["action_id"], data["action"] = act.ID, ActionRestore
			} else {
				// Reversing a refusal to act means the content needs a new decision.
				data["follow_up"] = "new_decision_required"
			}
		}
		evs := []notice.Event{{At: now, Type: "appeal.decided", CaseID: lc.ID, Data: jsonOf(data)}}
		refs, err := tx.CaseNoticeIDs(ctx, lc.ID)
		if err != nil {
			return err
		}
		for _, r := range refs {
			evs = append(evs, notice.Event{At: now, Type: "notice.appeal", NoticeID: r.NoticeID, CaseID: lc.ID, OrgID: r.OrgID, Data: jsonOf(data)})
		}
		return tx.AppendEvents(ctx, evs)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}
