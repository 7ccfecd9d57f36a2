package httpapi

import (
	"net/http"
	"time"

	"github.com/sigap/sigap/internal/enforce"
	"github.com/sigap/sigap/internal/store"
)

var actionStates = []string{store.ActionPending, store.ActionSent, store.ActionExecuted, store.ActionFailed}

func (a *API) listActions(w http.ResponseWriter, r *http.Request) {
	limit, cursor, err := page(r)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	q := r.URL.Query()
	if s := q.Get("state"); s != "" && !contains(actionStates, s) {
		a.errorResponse(w, r, invalid("state", "unknown_value", "state must be pending, sent, executed or failed"))
		return
	}
	as, err := a.DB.Actions(r.Context(), store.ActionFilter{State: q.Get("state"), CaseID: q.Get("case_id"), Before: cursor, Limit: limit + 1})
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	next := ""
	if len(as) > limit {
		as, next = as[:limit], as[limit-1].ID
	}
	if as == nil {
		as = []*store.Action{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": as, "next_cursor": next})
}

func (a *API) getAction(w http.ResponseWriter, r *http.Request) {
	act, err := a.DB.Action(r.Context(), r.PathValue("id"))
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, act)
}

type confirmBody struct {
	ExecutedAt     string `json:"executed_at"`
	EvidenceSHA256 string `json:"evidence_sha256"`
	SnapshotRef    string `json:"snapshot_ref"`
}

func (a *API) confirmAction(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	var in confirmBody
	if err := decodeStrict(r, &in); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	at, err := time.Parse(time.RFC3339, in.ExecutedAt)
	if err != nil {
		a.errorResponse(w, r, invalid("executed_at", "invalid_time", "executed_at must be an RFC 3339 time, such as 2026-11-27T10:00:00Z"))
		return
	}
	conf := enforce.Confirmation{ExecutedAt: at, EvidenceSHA256: in.EvidenceSHA256, SnapshotRef: in.SnapshotRef}
	if field, err := conf.Check(a.Clock.Now()); err != nil {
		a.errorResponse(w, r, invalid(field, "invalid", err.Error()))
		return
	}
	by := c.KeyID
	if c.UserID != "" {
		by = c.UserID
	}
	act, err := a.Enforce.Confirm(r.Context(), r.PathValue("id"), conf, by)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, act)
}

func (a *API) listAlerts(w http.ResponseWriter, r *http.Request) {
	limit, cursor, err := page(r)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	as, err := a.DB.Alerts(r.Context(), r.URL.Query().Get("notice_id"), cursor, limit+1)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	next := ""
	if len(as) > limit {
		as, next = as[:limit], as[limit-1].ID
	}
	if as == nil {
		as = []*store.Alert{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": as, "next_cursor": next})
}

// evidenceSummary is a list entry: the hash and snapshot reference are only
// in the single read, whose every use goes on the case's timeline.
type evidenceSummary struct {
	ID          string     `json:"id"`
	ActionID    string     `json:"action_id"`
	CaseID      string     `json:"case_id,omitempty"`
	PreservedAt time.Time  `json:"preserved_at"`
	KeepUntil   time.Time  `json:"keep_until"`
	HoldUntil   *time.Time `json:"hold_until,omitempty"`
	PurgedAt    *time.Time `json:"purged_at,omitempty"`
}

func (a *API) listEvidence(w http.ResponseWriter, r *http.Request) {
	limit, cursor, err := page(r)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	es, err := a.DB.EvidenceList(r.Context(), r.URL.Query().Get("case_id"), cursor, limit+1)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	next := ""
	if len(es) > limit {
		es, next = es[:limit], es[limit-1].ID
	}
	items := make([]evidenceSummary, 0, len(es))
	for _, e := range es {
		items = append(items, evidenceSummary{ID: e.ID, ActionID: e.ActionID, CaseID: e.CaseID, PreservedAt: e.PreservedAt,
			KeepUntil: e.KeepUntil, HoldUntil: e.HoldUntil, PurgedAt: e.PurgedAt})
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": next})
}

func (a *API) getEvidence(w http.ResponseWriter, r *http.Request) {
	e, err := a.Enforce.Evidence(r.Context(), callerFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

type holdBody struct {
	Until  string `json:"until"`
	Reason string `json:"reason"`
}

func (a *API) holdEvidence(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	var in holdBody
	if err := decodeStrict(r, &in); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	until, err := time.Parse(time.RFC3339, in.Until)
	if err != nil {
		a.errorResponse(w, r, invalid("until", "invalid_time", "until must be an RFC 3339 time"))
		return
	}
	if len(in.Reason) == 0 || len(in.Reason) > 2000 {
		a.errorResponse(w, r, invalid("reason", "required", "say why the evidence is held, in at most 2000 characters"))
		return
	}
	e, err := a.Enforce.Hold(r.Context(), c, r.PathValue("id"), until, in.Reason)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}
