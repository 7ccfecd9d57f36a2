package httpapi

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/sigap/sigap/internal/decision"
	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/review"
	"github.com/sigap/sigap/internal/store"
)

type claimRequest struct {
	Languages []string `json:"languages"`
	Category  string   `json:"category"`
	Regime    string   `json:"regime"`
	Language  string   `json:"language"`
	Lane      string   `json:"lane"`
}

func (a *API) claimCase(w http.ResponseWriter, r *http.Request) {
	var in claimRequest
	if err := decodeOptional(r, &in); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	q := r.URL.Query()
	for _, p := range []struct {
		dst *string
		key string
	}{{&in.Category, "category"}, {&in.Regime, "regime"}, {&in.Language, "language"}, {&in.Lane, "lane"}} {
		if v := q.Get(p.key); v != "" && *p.dst == "" {
			*p.dst = v
		}
	}
	c, err := a.Review.Claim(r.Context(), callerFrom(r.Context()), store.ClaimFilter{Languages: in.Languages,
		Category: in.Category, Regime: in.Regime, Language: in.Language, Lane: in.Lane})
	if errors.Is(err, review.ErrNothingWaiting) {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, claimView(c))
}

type caseNoticeView struct {
	ID              string            `json:"id"`
	OrgID           string            `json:"org_id"`
	Kind            string            `json:"kind"`
	Lane            string            `json:"lane"`
	Status          string            `json:"status"`
	Regime          string            `json:"regime"`
	Category        string            `json:"category"`
	Explanation     string            `json:"explanation"`
	LegalBasis      string            `json:"legal_basis,omitempty"`
	Reference       string            `json:"reference,omitempty"`
	RequestedAction string            `json:"requested_action,omitempty"`
	Territorial     []string          `json:"territorial_scope"`
	Language        string            `json:"language,omitempty"`
	Evidence        []notice.Evidence `json:"evidence,omitempty"`
	ReceivedAt      time.Time         `json:"received_at"`
	DueAt           time.Time         `json:"due_at"`
}

func caseNotices(ns []*notice.Notice) []caseNoticeView {
	out := make([]caseNoticeView, len(ns))
	for i, n := range ns {
		out[i] = caseNoticeView{ID: n.ID, OrgID: n.OrgID, Kind: n.Kind, Lane: notice.LaneFor(n.Kind), Status: n.Status,
			Regime: n.Regime, Category: n.Category, Explanation: n.Explanation, LegalBasis: n.LegalBasis, Reference: n.Reference,
			RequestedAction: n.RequestedAction, Territorial: n.TerritorialScope, Language: n.Language, Evidence: n.Evidence,
			ReceivedAt: n.ReceivedAt, DueAt: n.DueAt}
		if out[i].Territorial == nil {
			out[i].Territorial = []string{}
		}
	}
	return out
}

func claimView(c *review.Claimed) map[string]any {
	return map[string]any{"id": c.ID, "subject": c.Subject, "subject_kind": c.Kind, "channel": c.Channel, "state": c.State,
		"lane": c.Lane, "category": c.Category, "language": c.Language, "due_at": c.DueAt, "opened_at": c.OpenedAt,
		"lease_expires_at": c.LeaseExpiresAt, "notices": caseNotices(c.Notices)}
}

func (a *API) releaseCase(w http.ResponseWriter, r *http.Request) {
	if err := a.Review.Release(r.Context(), callerFrom(r.Context()), r.PathValue("id")); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) getCase(r *http.Request, c org.Caller, _ noBody) (map[string]any, error) {
	v, err := a.Review.Case(r.Context(), c, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	out := map[string]any{"id": v.ID, "subject": v.Subject, "subject_kind": v.Kind, "channel": v.Channel, "state": v.State,
		"lane": v.Lane, "category": v.Category, "language": v.Language, "due_at": v.DueAt, "opened_at": v.OpenedAt,
		"updated_at": v.UpdatedAt, "notices": caseNotices(v.Notices), "decisions": v.Decisions, "appeals": v.Appeals,
		"actions": v.Actions, "channel_decisions": v.ChannelDecisions, "timeline": v.Timeline}
	if v.State == notice.CaseOpen && v.LeaseHolder != "" && (v.Held || v.LeaseExpiresAt.After(a.Clock.Now())) {
		out["lease_holder"] = v.LeaseHolder
		if !v.Held {
			out["lease_expires_at"] = v.LeaseExpiresAt
		}
	}
	if v.InformAfter != nil {
		out["inform_uploader_after"] = *v.InformAfter
	}
	if out["timeline"] == nil {
		out["timeline"] = []notice.Event{}
	}
	return out, nil
}

func (a *API) decideCase(w http.ResponseWriter, r *http.Request) {
	var in review.DecisionInput
	if err := decodeStrict(r, &in); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	d, pending, err := a.Review.Decide(r.Context(), callerFrom(r.Context()), r.PathValue("id"), in)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	w.Header().Set("Location", "/v1/decisions/"+d.ID)
	status := http.StatusOK
	if pending {
		status = http.StatusAccepted
	}
	writeJSON(w, status, d)
}

func (a *API) getDecision(r *http.Request, _ org.Caller, _ noBody) (*decision.Decision, error) {
	return a.DB.Decision(r.Context(), r.PathValue("id"))
}

func (a *API) listDecisions(r *http.Request, _ org.Caller, _ noBody) (list[*decision.Decision], error) {
	return listByStatus(r, []string{decision.Pending, decision.Final, decision.Rejected, decision.Reversed},
		"status must be pending_approval, final, rejected or reversed", a.DB.DecisionsByStatus)
}

// listByStatus answers a list of the ?status= given, which must be one of
// allowed (the first when none is given; else the problem says msg), at most
// ?limit= long.
func listByStatus[T any](r *http.Request, allowed []string, msg string, fetch func(ctx context.Context, status string, limit int) ([]T, error)) (list[T], error) {
	limit, _, err := page(r)
	if err != nil {
		return list[T]{}, err
	}
	status := r.URL.Query().Get("status")
	if status == "" {
		status = allowed[0]
	}
	if !slices.Contains(allowed, status) {
		return list[T]{}, invalid("status", "unknown_value", msg)
	}
	items, err := fetch(r.Context(), status, limit)
	return listOf(items, ""), err
}

func (a *API) approveDecision(r *http.Request, c org.Caller, _ noBody) (*decision.Decision, error) {
	return a.Review.Approve(r.Context(), c, r.PathValue("id"))
}

type reasonsRequest struct {
	Reasons string `json:"reasons"`
}

// rejectDecision takes its reasons from an optional body, which jsonHandler
// does not decode.
func (a *API) rejectDecision(r *http.Request, c org.Caller, _ noBody) (*decision.Decision, error) {
	var in reasonsRequest
	if err := decodeOptional(r, &in); err != nil {
		return nil, err
	}
	return a.Review.Reject(r.Context(), c, r.PathValue("id"), in.Reasons)
}

func (a *API) decisionStatement(w http.ResponseWriter, r *http.Request) {
	lang := r.URL.Query().Get("lang")
	if lang == "" {
		lang = i18n.ID
	}
	if !i18n.Valid(lang) {
		a.errorResponse(w, r, &notice.ValidationError{Fields: []notice.FieldError{{Field: "lang", Code: "unknown_value", Message: "lang must be id or en"}}})
		return
	}
	st, err := a.Review.Statement(r.Context(), r.PathValue("id"), lang)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	w.Header().Set("Content-Language", lang)
	writeJSON(w, http.StatusOK, st)
}

type messageRequest struct {
	Body          string `json:"body"`
	Clarification bool   `json:"clarification"`
}

func (a *API) postMessage(r *http.Request, c org.Caller, in messageRequest) (*notice.Message, error) {
	return a.Review.PostMessageSigned(r.Context(), c, r.PathValue("id"), in.Body, in.Clarification, signatureFrom(r.Context()))
}

func (a *API) listMessages(r *http.Request, c org.Caller, _ noBody) (map[string]any, error) {
	limit, cursor, err := page(r)
	if err != nil {
		return nil, err
	}
	t, err := a.Review.Messages(r.Context(), c, r.PathValue("id"), cursor, limit)
	if err != nil {
		return nil, err
	}
	pauses := t.Pauses
	if pauses == nil {
		pauses = []notice.Pause{}
	}
	return map[string]any{"items": t.Messages, "next_cursor": t.Next, "pauses": pauses}, nil
}

func (a *API) postObjection(r *http.Request, c org.Caller, in reasonsRequest) (*decision.Objection, error) {
	return a.Review.Object(r.Context(), c, r.PathValue("id"), in.Reasons)
}

func (a *API) listObjections(r *http.Request, c org.Caller, _ noBody) (list[*decision.Objection], error) {
	os, err := a.Review.Objections(r.Context(), c, r.PathValue("id"))
	return listOf(os, ""), err
}

type outcomeRequest struct {
	Outcome string `json:"outcome"`
	Reasons string `json:"reasons"`
}

func (a *API) answerObjection(r *http.Request, c org.Caller, in outcomeRequest) (*decision.Objection, error) {
	return a.Review.AnswerObjection(r.Context(), c, r.PathValue("id"), in.Outcome, in.Reasons)
}

func (a *API) fileAppeal(w http.ResponseWriter, r *http.Request) {
	var in reasonsRequest
	if err := decodeStrict(r, &in); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	ap, err := a.Review.Appeal(r.Context(), callerFrom(r.Context()), r.PathValue("id"), in.Reasons)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	w.Header().Set("Location", "/v1/appeals/"+ap.ID)
	writeJSON(w, http.StatusCreated, ap)
}

func (a *API) listAppeals(r *http.Request, _ org.Caller, _ noBody) (list[*decision.Appeal], error) {
	return listByStatus(r, []string{decision.AppealOpen, decision.AppealUpheld, decision.AppealReversed},
		"status must be open, upheld or reversed", a.DB.AppealsByStatus)
}

func (a *API) getAppeal(r *http.Request, _ org.Caller, _ noBody) (*decision.Appeal, error) {
	return a.DB.Appeal(r.Context(), r.PathValue("id"))
}

func (a *API) decideAppeal(r *http.Request, c org.Caller, in outcomeRequest) (*decision.Appeal, error) {
	return a.Review.DecideAppeal(r.Context(), c, r.PathValue("id"), in.Outcome, in.Reasons)
}

// attachDecisions fills in each case's live decision, so a notice shows what was decided on each of its subjects.
func (a *API) attachDecisions(ctx context.Context, cases []notice.Case) error {
	if a.Review == nil || len(cases) == 0 {
		return nil
	}
	ids := make([]string, len(cases))
	for i, c := range cases {
		ids[i] = c.ID
	}
	ds, err := a.DB.LiveDecisions(ctx, ids)
	if err != nil {
		return err
	}
	for i := range cases {
		if d, ok := ds[cases[i].ID]; ok {
			cases[i].Decision = &notice.CaseDecision{ID: d.ID, Action: d.Action, Status: d.Status, DecidedAt: d.CreatedAt,
				EffectiveAt: d.EffectiveAt, TerritorialScope: d.TerritorialScope, Until: d.Until}
		}
	}
	return nil
}
