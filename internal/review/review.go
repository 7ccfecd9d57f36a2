package review

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/action"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/decision"
	"github.com/sigap/sigap/internal/dsasor"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/policy"
	"github.com/sigap/sigap/internal/store"
)

// The actions a decision may take, under the names review's callers know;
// package action defines them.
const (
	ActionRemove        = action.Remove
	ActionGeoRestrict   = action.GeoRestrict
	ActionSuspend       = action.Suspend
	ActionRestrict      = action.Restrict
	ActionNoAction      = action.NoAction
	ActionCannotExecute = action.CannotExecute
	ActionRestore       = action.Restore
)

// Actions lists the decision actions of the contract.
var Actions = action.Decisions()

// Errors a reviewer's request can meet; each changes nothing.
var (
	ErrNotHolder       = errors.New("review: you do not hold this case")
	ErrAlreadyDecided  = errors.New("review: the case is already decided")
	ErrSelfApproval    = errors.New("review: a decision cannot be approved by the reviewer who made it")
	ErrNotPending      = errors.New("review: the decision is not waiting for approval")
	ErrNoDecision      = errors.New("review: the case has no final decision to appeal")
	ErrAppealExists    = errors.New("review: the decision was already appealed")
	ErrAppealTooLate   = errors.New("review: the six-month appeal window has closed")
	ErrSameReviewer    = errors.New("review: the reviewer who decided a case cannot decide its appeal")
	ErrAppealDecided   = errors.New("review: the appeal is already decided")
	ErrStatementHeld   = errors.New("review: the authority asked not to inform the uploader yet")
	ErrNoStatement     = errors.New("review: this decision has no statement of reasons")
	ErrNotOrder        = errors.New("review: only an order can be objected to")
	ErrObjectionOpen   = errors.New("review: an objection to this notice is already open")
	ErrObjectionClosed = errors.New("review: the objection is already answered")
	ErrPlatformOnly    = errors.New("review: only the platform can do this")
	// ErrNothingWaiting is Claim's answer when no case waits for the caller.
	ErrNothingWaiting = errors.New("review: no case waits to be claimed")
	ErrNotifierOnly   = errors.New("review: only the notifier can do this")
)

// HeldError carries the date a held statement may be delivered.
type HeldError struct{ Until time.Time }

func (e *HeldError) Error() string {
	return "review: the authority asked not to inform the uploader before " + e.Until.Format(time.RFC3339)
}

// Unwrap lets callers test errors.Is(err, ErrStatementHeld).
func (e *HeldError) Unwrap() error { return ErrStatementHeld }

// Rule names a decision that needs a second reviewer's approval.
type Rule struct {
	Action string `json:"action" yaml:"action"`
	// OrdersOnly limits the rule to cases that carry an authority order.
	OrdersOnly bool `json:"orders_only" yaml:"orders_only"`
}

// DefaultFourEyes are the four-eyes rules sigap ships with: suspending a
// channel or account, and declining to act on an authority order.
func DefaultFourEyes() []Rule {
	return []Rule{{Action: ActionSuspend}, {Action: ActionNoAction, OrdersOnly: true}, {Action: ActionCannotExecute, OrdersOnly: true}}
}

// DefaultLease is how long a claimed case stays with its reviewer.
const DefaultLease = 15 * time.Minute

// AppealMonths is how long after a decision the affected user may appeal (DSA Art. 20(1)).
const AppealMonths = 6

// Service runs review.
type Service struct {
	DB     *store.DB
	Policy *policy.Policy
	Clock  clock.Clock
	// Lease is how long a claim lasts; zero means DefaultLease.
	Lease time.Duration
	// FourEyes are the decisions that need approval; nil means DefaultFourEyes.
	FourEyes []Rule
	// Platform names the service provider in statements of reasons.
	Platform string
	// SoR builds the DSA Transparency Database statements (transparency_db
	// and the export); its key makes the puids. Nil means an unkeyed builder.
	SoR *dsasor.Builder
	// OnRemove, when set, runs inside the transaction in which a remove
	// decision becomes final (package removed feeds the removed-content
	// banks from it); its error undoes the decision.
	OnRemove func(ctx context.Context, tx *store.Tx, caseID string, d *decision.Decision, now time.Time) error
	// OnReverse, when set, runs inside the transaction in which an appeal
	// reverses a decision; by is the appeal's reviewer.
	OnReverse func(ctx context.Context, tx *store.Tx, caseID string, d *decision.Decision, by string, now time.Time) error
}

func (s *Service) lease() time.Duration {
	if s.Lease > 0 {
		return s.Lease
	}
	return DefaultLease
}

func (s *Service) rules() []Rule {
	if s.FourEyes == nil {
		return DefaultFourEyes()
	}
	return s.FourEyes
}

// NeedsApproval reports whether a decision with action on a case in lane needs a second reviewer.
func (s *Service) NeedsApproval(action, lane string) bool {
	for _, r := range s.rules() {
		if r.Action == action && (!r.OrdersOnly || lane == notice.LaneOrder) {
			return true
		}
	}
	return false
}

// Actor is who does something: a person signed in to the portal, or an API key.
func Actor(c org.Caller) string {
	if c.UserID != "" {
		return "user:" + c.UserID
	}
	return "key:" + c.KeyID
}

// Claimed is a case a reviewer now holds, with the notices on it.
type Claimed struct {
	*store.LeasedCase
	Notices []*notice.Notice
}

// Claim leases the next case to the caller, or returns ErrNothingWaiting.
func (s *Service) Claim(ctx context.Context, c org.Caller, f store.ClaimFilter) (*Claimed, error) {
	if !c.Platform() {
		return nil, ErrPlatformOnly
	}
	if err := validateFilter(f); err != nil {
		return nil, err
	}
	now := clock.NowMilli(s.Clock)
	var lc *store.LeasedCase
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		var err error
		lc, err = tx.ClaimCase(ctx, Actor(c), now, now.Add(s.lease()), f)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNothingWaiting
	}
	if err != nil {
		return nil, err
	}
	ns, err := s.DB.CaseNotices(ctx, lc.ID)
	if err != nil {
		return nil, err
	}
	return &Claimed{LeasedCase: lc, Notices: ns}, nil
}

var langRe = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$`)

func validateFilter(f store.ClaimFilter) error {
	var bad []notice.FieldError
	if len(f.Languages) > 20 {
		bad = append(bad, notice.FieldError{Field: "languages", Code: "too_many", Message: "give at most 20 languages"})
	}
	for i, l := range f.Languages {
		if !langRe.MatchString(l) {
			bad = append(bad, notice.FieldError{Field: fmt.Sprintf("languages[%d]", i), Code: "invalid", Message: "a language is a BCP 47 tag such as id, en or ar"})
		}
	}
	if f.Language != "" && !langRe.MatchString(f.Language) {
		bad = append(bad, notice.FieldError{Field: "language", Code: "invalid", Message: "language must be a BCP 47 tag such as id, en or ar"})
	}
	if f.Category != "" && !slices.Contains(policy.Categories, f.Category) {
		bad = append(bad, notice.FieldError{Field: "category", Code: "unknown_value", Message: "unknown category; one of " + strings.Join(policy.Categories, ", ")})
	}
	if f.Lane != "" && !slices.Contains(notice.Lanes(), f.Lane) {
		bad = append(bad, notice.FieldError{Field: "lane", Code: "unknown_value", Message: "lane is one of " + strings.Join(notice.Lanes(), ", ") + " / lane salah satu dari " + strings.Join(notice.Lanes(), ", ")})
	}
	if f.Regime != "" && len(f.Regime) > 32 {
		bad = append(bad, notice.FieldError{Field: "regime", Code: "invalid", Message: "unknown regime"})
	}
	if len(bad) > 0 {
		return &notice.ValidationError{Fields: bad}
	}
	return nil
}

// Release gives a held case back to the queue before its lease runs out.
func (s *Service) Release(ctx context.Context, c org.Caller, caseID string) error {
	now := clock.NowMilli(s.Clock)
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		lc, err := tx.LockCase(ctx, caseID)
		if err != nil {
			return err
		}
		if lc.State != notice.CaseOpen || lc.LeaseHolder != Actor(c) || lc.Held || !lc.LeaseExpiresAt.After(now) {
			return ErrNotHolder
		}
		if err := tx.SetLease(ctx, caseID, "", time.Time{}, now); err != nil {
			return err
		}
		return tx.AppendEvents(ctx, []notice.Event{{At: now, Type: "case.released", CaseID: caseID,
			Data: jsonOf(map[string]string{"reviewer": Actor(c)})}})
	})
}

// DecisionInput is what a reviewer sends to decide a case.
type DecisionInput struct {
	Action           string          `json:"action"`
	Ground           decision.Ground `json:"ground"`
	Reasons          string          `json:"reasons"`
	TerritorialScope []string        `json:"territorial_scope"`
	Until            *time.Time      `json:"until"`
	Automated        bool            `json:"automated"`
}

// Limits of a decision's text fields.
const (
	MaxReasons   = 5000
	MaxReference = 500
)

var territoryRe = regexp.MustCompile(`^[A-Z]{2}$`)

func (in *DecisionInput) validate(now time.Time) error {
	var bad []notice.FieldError
	add := func(f, code, msg string) { bad = append(bad, notice.FieldError{Field: f, Code: code, Message: msg}) }
	switch {
	case in.Action == "":
		add("action", "required", "action is required: one of "+strings.Join(Actions, ", "))
	case !slices.Contains(Actions, in.Action):
		add("action", "unknown_value", "action must be one of "+strings.Join(Actions, ", "))
	}
	switch {
	case in.Ground.Type == "":
		add("ground.type", "required", `ground.type is required: "law" (a legal provision) or "terms" (a terms-of-service clause)`)
	case in.Ground.Type != "law" && in.Ground.Type != "terms":
		add("ground.type", "unknown_value", `ground.type must be "law" or "terms"`)
	}
	in.Ground.Reference = strings.TrimSpace(in.Ground.Reference)
	if in.Ground.Reference == "" {
		add("ground.reference", "required", "ground.reference is required: the provision or clause the decision rests on")
	} else if utf8.RuneCountInString(in.Ground.Reference) > MaxReference {
		add("ground.reference", "too_long", fmt.Sprintf("ground.reference may be at most %d characters", MaxReference))
	}
	in.Reasons = strings.TrimSpace(in.Reasons)
	if in.Reasons == "" {
		add("reasons", "required", "reasons is required: the facts and the explanation the affected user will read")
	} else if utf8.RuneCountInString(in.Reasons) > MaxReasons {
		add("reasons", "too_long", fmt.Sprintf("reasons may be at most %d characters", MaxReasons))
	}
	if len(in.TerritorialScope) > 60 {
		add("territorial_scope", "too_many", "at most 60 territory codes")
	}
	for i, t := range in.TerritorialScope {
		if t != "EU" && !territoryRe.MatchString(t) {
			add(fmt.Sprintf("territorial_scope[%d]", i), "invalid", "a territory is an ISO 3166-1 alpha-2 code such as ID, or EU")
		}
	}
	if in.Action == ActionGeoRestrict && len(in.TerritorialScope) == 0 {
		add("territorial_scope", "required", "geo_restrict needs the countries it applies in")
	}
	if in.Until != nil {
		switch {
		case !action.Restricts(in.Action):
			add("until", "not_allowed", "until is an end date for a restriction; "+in.Action+" restricts nothing")
		case !in.Until.After(now):
			add("until", "in_past", "until must be in the future")
		}
	}
	if len(bad) > 0 {
		return &notice.ValidationError{Fields: bad}
	}
	return nil
}

func jsonOf(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return []byte("{}")
	}
	return b
}

// Decide records the holder's decision on a case. It returns the decision and
// whether it waits for a second reviewer's approval.
func (s *Service) Decide(ctx context.Context, c org.Caller, caseID string, in DecisionInput) (*decision.Decision, bool, error) {
	if !c.Platform() {
		return nil, false, ErrPlatformOnly
	}
	now := clock.NowMilli(s.Clock)
	if err := in.validate(now); err != nil {
		return nil, false, err
	}
	if len(in.TerritorialScope) == 0 && action.Restricts(in.Action) {
		ns, err := s.DB.CaseNotices(ctx, caseID)
		if err != nil {
			return nil, false, err
		}
		in.TerritorialScope = unionScope(ns)
	}
	if in.Until != nil {
		u := clock.Milli(*in.Until)
		in.Until = &u
	}
	me := Actor(c)
	var d *decision.Decision
	var pending bool
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		lc, err := tx.LockCase(ctx, caseID)
		if err != nil {
			return err
		}
		if lc.State != notice.CaseOpen || lc.Held {
			return ErrAlreadyDecided
		}
		if lc.LeaseHolder != me || !lc.LeaseExpiresAt.After(now) {
			return ErrNotHolder
		}
		d = &decision.Decision{ID: id.New("dec", now), CaseID: caseID, Reviewer: me, OrgID: c.OrgID, Action: in.Action,
			Ground: in.Ground, Reasons: in.Reasons, TerritorialScope: in.TerritorialScope, Until: in.Until,
			Automated: in.Automated, CreatedAt: now}
		if d.TerritorialScope == nil {
			d.TerritorialScope = []string{}
		}
		pending = s.NeedsApproval(in.Action, lc.Lane)
		if pending {
			d.Status = decision.Pending
			if err := tx.InsertDecision(ctx, d); err != nil {
				return err
			}
			if err := tx.HoldCase(ctx, caseID, me, now); err != nil {
				return err
			}
			return tx.AppendEvents(ctx, []notice.Event{{At: now, Type: "decision.proposed", CaseID: caseID,
				Data: jsonOf(map[string]string{"decision_id": d.ID, "action": d.Action, "reviewer": me})}})
		}
		d.Status, d.EffectiveAt = decision.Final, &now
		if err := tx.InsertDecision(ctx, d); err != nil {
			return err
		}
		return s.finalise(ctx, tx, lc, d, now)
	})
	if errors.Is(err, store.ErrConflict) {
		err = ErrAlreadyDecided
	}
	if err != nil {
		return nil, false, err
	}
	return d, pending, nil
}

func unionScope(ns []*notice.Notice) []string {
	var out []string
	for _, n := range ns {
		for _, t := range n.TerritorialScope {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	slices.Sort(out)
	if out == nil {
		out = []string{}
	}
	return out
}

// finalise makes a final decision take effect: the case is decided, the
// notices on it move on, and a restricting action is requested from
// enforcement (pending until enforcement reports it done).
func (s *Service) finalise(ctx context.Context, tx *store.Tx, lc *store.LeasedCase, d *decision.Decision, now time.Time) error {
	if err := tx.SetCaseState(ctx, lc.ID, notice.CaseDecided, now); err != nil {
		return err
	}
	if action.Restricts(d.Action) {
		if err := tx.InsertAction(ctx, &action.Request{ID: id.New("act", now), CaseID: lc.ID, DecisionID: d.ID,
			Subject: lc.Subject, Action: d.Action, TerritorialScope: d.TerritorialScope, Until: d.Until,
			State: "pending", CreatedAt: now}); err != nil {
			return err
		}
	}
	if d.Action == ActionRemove && s.OnRemove != nil {
		if err := s.OnRemove(ctx, tx, lc.ID, d, now); err != nil {
			return err
		}
	}
	refs, err := tx.CaseNoticeIDs(ctx, lc.ID)
	if err != nil {
		return err
	}
	data := map[string]any{"decision_id": d.ID, "action": d.Action, "ground": d.Ground.Type,
		"territorial_scope": d.TerritorialScope, "decided_at": now}
	if d.Until != nil {
		data["until"] = *d.Until
	}
	evs := []notice.Event{{At: now, Type: "case.decided", CaseID: lc.ID, Data: jsonOf(data)}}
	for _, r := range refs {
		// The notifier's own timeline says what was done and when (DSA Art. 16(5), TCO Annex II/III).
		evs = append(evs, notice.Event{At: now, Type: "notice.decision", NoticeID: r.NoticeID, CaseID: lc.ID, OrgID: r.OrgID, Data: jsonOf(data)})
	}
	if err := tx.AppendEvents(ctx, evs); err != nil {
		return err
	}
	return tx.RefreshNoticeStatuses(ctx, lc.ID, now)
}

// secondReview runs act, in one transaction, on a decision that waits for a
// second reviewer, refusing one that does not and the reviewer who made it.
// act is given the decision locked, the second reviewer and the time of the
// act; the decision as act left it is returned.
func (s *Service) secondReview(ctx context.Context, c org.Caller, decisionID string,
	act func(tx *store.Tx, d *decision.Decision, me string, now time.Time) error) (*decision.Decision, error) {
	if !c.Platform() {
		return nil, ErrPlatformOnly
	}
	now := clock.NowMilli(s.Clock)
	me := Actor(c)
	var d *decision.Decision
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		var err error
		if d, err = tx.LockDecision(ctx, decisionID); err != nil {
			return err
		}
		if d.Status != decision.Pending {
			return ErrNotPending
		}
		if d.Reviewer == me {
			return ErrSelfApproval
		}
		return act(tx, d, me, now)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Approve is a second reviewer's approval of a decision that waits for it.
func (s *Service) Approve(ctx context.Context, c org.Caller, decisionID string) (*decision.Decision, error) {
	return s.secondReview(ctx, c, decisionID, func(tx *store.Tx, d *decision.Decision, me string, now time.Time) error {
		lc, err := tx.LockCase(ctx, d.CaseID)
		if err != nil {
			return err
		}
		d.Status, d.Approver, d.ApprovedAt, d.EffectiveAt = decision.Final, me, &now, &now
		if err := tx.UpdateDecision(ctx, d); err != nil {
			return err
		}
		if err := tx.AppendEvents(ctx, []notice.Event{{At: now, Type: "decision.approved", CaseID: d.CaseID,
			Data: jsonOf(map[string]string{"decision_id": d.ID, "approver": me})}}); err != nil {
			return err
		}
		return s.finalise(ctx, tx, lc, d, now)
	})
}

// Reject is a second reviewer's refusal of a decision that waits for approval:
// the decision lapses and the case goes back to the queue.
func (s *Service) Reject(ctx context.Context, c org.Caller, decisionID, reasons string) (*decision.Decision, error) {
	return s.secondReview(ctx, c, decisionID, func(tx *store.Tx, d *decision.Decision, me string, now time.Time) error {
		d.Status, d.Approver = decision.Rejected, me
		if err := tx.UpdateDecision(ctx, d); err != nil {
			return err
		}
		if err := tx.SetLease(ctx, d.CaseID, "", time.Time{}, now); err != nil {
			return err
		}
		return tx.AppendEvents(ctx, []notice.Event{{At: now, Type: "decision.rejected", CaseID: d.CaseID,
			Data: jsonOf(map[string]string{"decision_id": d.ID, "approver": me, "reasons": reasons})}})
	})
}

// CaseView is everything a reviewer sees about a case.
type CaseView struct {
	*store.LeasedCase
	Notices          []*notice.Notice     `json:"notices"`
	Decisions        []*decision.Decision `json:"decisions"`
	Appeals          []*decision.Appeal   `json:"appeals"`
	Actions          []*action.Request    `json:"actions"`
	ChannelDecisions []*decision.Decision `json:"channel_decisions"`
	Timeline         []notice.Event       `json:"timeline"`
	InformAfter      *time.Time           `json:"inform_uploader_after,omitempty"`
}

// Case gathers a case for a platform reader.
func (s *Service) Case(ctx context.Context, c org.Caller, caseID string) (*CaseView, error) {
	if !c.Platform() {
		return nil, store.ErrNotFound
	}
	lc, err := s.DB.LeasedCase(ctx, caseID)
	if err != nil {
		return nil, err
	}
	v := &CaseView{LeasedCase: lc}
	if v.Notices, err = s.DB.CaseNotices(ctx, caseID); err != nil {
		return nil, err
	}
	if v.Decisions, err = s.DB.CaseDecisions(ctx, caseID); err != nil {
		return nil, err
	}
	if v.Appeals, err = s.DB.CaseAppeals(ctx, caseID); err != nil {
		return nil, err
	}
	if v.Actions, err = s.DB.CaseActions(ctx, caseID); err != nil {
		return nil, err
	}
	if v.ChannelDecisions, err = s.DB.ChannelDecisions(ctx, lc.Channel, caseID, 20); err != nil {
		return nil, err
	}
	if v.Timeline, err = s.DB.CaseTimeline(ctx, caseID, 1000); err != nil {
		return nil, err
	}
	hold, err := s.DB.CaseHold(ctx, caseID)
	if err != nil {
		return nil, err
	}
	if !hold.IsZero() {
		v.InformAfter = &hold
	}
	for _, sl := range []*[]*decision.Decision{&v.Decisions, &v.ChannelDecisions} {
		if *sl == nil {
			*sl = []*decision.Decision{}
		}
	}
	if v.Appeals == nil {
		v.Appeals = []*decision.Appeal{}
	}
	if v.Actions == nil {
		v.Actions = []*action.Request{}
	}
	return v, nil
}

func isConflict(err error) bool { return errors.Is(err, store.ErrConflict) }
