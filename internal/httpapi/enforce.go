package httpapi

import (
	"net/http"
	"time"

	"github.com/sigap/sigap/internal/action"
	"github.com/sigap/sigap/internal/enforce"
	"github.com/sigap/sigap/internal/evidence"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

var actionStates = []string{action.StatePending, action.StateSent, action.StateExecuted, action.StateFailed}

func (a *API) listActions(r *http.Request, _ org.Caller, _ noBody) (list[*action.Enforcement], error) {
	limit, cursor, err := page(r)
	if err != nil {
		return list[*action.Enforcement]{}, err
	}
	q := r.URL.Query()
	if s := q.Get("state"); s != "" && !contains(actionStates, s) {
		return list[*action.Enforcement]{}, invalid("state", "unknown_value", "state must be pending, sent, executed or failed")
	}
	as, err := a.DB.Actions(r.Context(), store.ActionFilter{State: q.Get("state"), CaseID: q.Get("case_id"), Before: cursor, Limit: limit + 1})
	return pageOf(as, limit, func(x *action.Enforcement) string { return x.ID }), err
}

func (a *API) getAction(r *http.Request, _ org.Caller, _ noBody) (*action.Enforcement, error) {
	return a.DB.Action(r.Context(), r.PathValue("id"))
}

type confirmBody struct {
	ExecutedAt     string `json:"executed_at"`
	EvidenceSHA256 string `json:"evidence_sha256"`
	SnapshotRef    string `json:"snapshot_ref"`
}

func (a *API) confirmAction(r *http.Request, c org.Caller, in confirmBody) (*action.Enforcement, error) {
	at, err := time.Parse(time.RFC3339, in.ExecutedAt)
	if err != nil {
		return nil, invalid("executed_at", "invalid_time", "executed_at must be an RFC 3339 time, such as 2026-11-27T10:00:00Z")
	}
	conf := enforce.Confirmation{ExecutedAt: at, EvidenceSHA256: in.EvidenceSHA256, SnapshotRef: in.SnapshotRef}
	if field, err := conf.Check(a.Clock.Now()); err != nil {
		return nil, invalid(field, "invalid", err.Error())
	}
	by := c.KeyID
	if c.UserID != "" {
		by = c.UserID
	}
	return a.Enforce.Confirm(r.Context(), r.PathValue("id"), conf, by)
}

func (a *API) listAlerts(r *http.Request, _ org.Caller, _ noBody) (list[*store.Alert], error) {
	return paged(r, func(cursor string, limit int) ([]*store.Alert, error) {
		return a.DB.Alerts(r.Context(), r.URL.Query().Get("notice_id"), cursor, limit)
	}, func(x *store.Alert) string { return x.ID })
}

// listEvidence lists evidence without its hash and snapshot reference (nor
// who held it, and why): those are only in the single read, whose every use
// goes on the case's timeline.
func (a *API) listEvidence(r *http.Request, _ org.Caller, _ noBody) (list[evidence.Evidence], error) {
	caseID := r.URL.Query().Get("case_id")
	return pagedList(r, func(cursor string, limit int) ([]*evidence.Evidence, error) {
		return a.DB.EvidenceList(r.Context(), caseID, cursor, limit)
	}, func(e *evidence.Evidence) evidence.Evidence {
		return evidence.Evidence{ID: e.ID, ActionID: e.ActionID, CaseID: e.CaseID, PreservedAt: e.PreservedAt,
			KeepUntil: e.KeepUntil, HoldUntil: e.HoldUntil, PurgedAt: e.PurgedAt}
	}, func(e evidence.Evidence) string { return e.ID })
}

func (a *API) getEvidence(r *http.Request, c org.Caller, _ noBody) (*evidence.Evidence, error) {
	return a.Enforce.Evidence(r.Context(), c, r.PathValue("id"))
}

type holdBody struct {
	Until  string `json:"until"`
	Reason string `json:"reason"`
}

// check reads a hold's end, and refuses a hold without a reason.
func (in holdBody) check() (time.Time, error) {
	until, err := time.Parse(time.RFC3339, in.Until)
	if err != nil {
		return time.Time{}, invalid("until", "invalid_time", "until must be an RFC 3339 time")
	}
	if len(in.Reason) == 0 || len(in.Reason) > 2000 {
		return time.Time{}, invalid("reason", "required", "say why it is held, in at most 2000 characters")
	}
	return until, nil
}

func (a *API) holdEvidence(r *http.Request, c org.Caller, in holdBody) (*evidence.Evidence, error) {
	until, err := in.check()
	if err != nil {
		return nil, err
	}
	return a.Enforce.Hold(r.Context(), c, r.PathValue("id"), until, in.Reason)
}
