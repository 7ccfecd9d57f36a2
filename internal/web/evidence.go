package web

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/sigap/sigap/internal/enforce"
	"github.com/sigap/sigap/internal/evidence"
	"github.com/sigap/sigap/internal/org"
)

// Preserved evidence is read by the platform's people and by authorities on
// their own notices' cases; a hold is set by the platform's admin or such an
// authority (enforce.Service.Hold decides which case is whose).
var (
	evidenceReaders = []org.Role{org.RoleAdmin, org.RoleReviewer, org.RoleAuditor, org.RoleAuthority}
	evidenceHolders = []org.Role{org.RoleAdmin, org.RoleAuthority}
)

// evidencePageSize is how many records one list page reads.
const evidencePageSize = 50

// maxHoldReason bounds a hold's reason, as the API does.
const maxHoldReason = 2000

// CanReadEvidence reports whether the user may see preserved evidence
// (for an authority, only on its own notices' cases).
func (q *req) CanReadEvidence() bool {
	if q.User == nil {
		return false
	}
	if q.User.Role == org.RoleAuthority {
		return true
	}
	return q.IsPlatform() && slices.Contains(evidenceReaders, q.User.Role)
}

// mayHold says whether the user's role may ask for a hold at all; the
// service still checks the case is theirs.
func (q *req) mayHold() bool {
	return q.User.Role == org.RoleAuthority || (q.IsPlatform() && q.User.Role == org.RoleAdmin)
}

type evidenceListData struct {
	Rows []*evidence.Evidence
	Next string
}

// evidenceList lists preserved evidence without hash or reference: those are
// only on the record's own page, whose every view is on the case's timeline.
func (p *Portal) evidenceList(w http.ResponseWriter, r *http.Request, q *req) {
	if !q.CanReadEvidence() {
		p.errorPage(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	ctx := r.Context()
	es, err := p.DB.EvidenceList(ctx, "", r.URL.Query().Get("before"), evidencePageSize+1)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	var d evidenceListData
	es, last := cutPage(es, evidencePageSize, func(e *evidence.Evidence) string { return e.ID })
	if last != "" {
		d.Next = "/evidence?before=" + last
	}
	for _, e := range es {
		if !q.IsPlatform() {
			orgs, err := p.DB.NoticeOrgsOfCase(ctx, e.CaseID)
			if err != nil {
				p.serverError(w, r, err)
				return
			}
			if !slices.Contains(orgs, q.User.OrgID) {
				continue
			}
		}
		// The list never shows what the single read guards.
		v := *e
		v.SHA256, v.SnapshotRef = "", ""
		d.Rows = append(d.Rows, &v)
	}
	p.render(w, r, q, http.StatusOK, "evidence", "ev.title", d)
}

type evidencePageData struct {
	E       *evidence.Evidence
	CanHold bool
	Done    bool
	Error   string
	// The form, kept on a refusal.
	Until, Reason string
}

// evidencePage shows one record with its hash and reference; the service
// puts the view on the case's timeline.
func (p *Portal) evidencePage(w http.ResponseWriter, r *http.Request, q *req) {
	p.renderEvidence(w, r, q, http.StatusOK, evidencePageData{Done: r.URL.Query().Get("done") == "held"})
}

func (p *Portal) renderEvidence(w http.ResponseWriter, r *http.Request, q *req, status int, d evidencePageData) {
	e, err := p.Enforce.Evidence(r.Context(), q.Caller(), r.PathValue("id"))
	if p.failed(w, r, err, keyedRefusal{enforce.ErrEvidenceNotYours, http.StatusNotFound, "error.not_found"}) {
		return
	}
	d.E = e
	d.CanHold = q.mayHold() && e.PurgedAt == nil
	p.render(w, r, q, status, "evidence_record", "ev.record.title", d)
}

// evidenceHold puts a record under a legal hold until a date (end of that day, WIB).
func (p *Portal) evidenceHold(w http.ResponseWriter, r *http.Request, q *req) {
	if !q.mayHold() {
		p.errorPage(w, r, http.StatusForbidden, "error.forbidden")
		return
	}
	f, ok := p.postForm(w, r)
	if !ok {
		return
	}
	d := evidencePageData{Until: f.Get("until"), Reason: f.Get("reason")}
	day, err := time.ParseInLocation("2006-01-02", d.Until, wib)
	switch {
	case err != nil:
		d.Error = "ev.err.until"
	case len(d.Reason) == 0 || len(d.Reason) > maxHoldReason:
		d.Error = "ev.err.reason"
	}
	if d.Error != "" {
		p.renderEvidence(w, r, q, http.StatusUnprocessableEntity, d)
		return
	}
	until := day.AddDate(0, 0, 1).Add(-time.Second)
	_, err = p.Enforce.Hold(r.Context(), q.Caller(), r.PathValue("id"), until, d.Reason)
	switch {
	case errors.Is(err, enforce.ErrEvidenceNotYours):
		p.errorPage(w, r, http.StatusNotFound, "error.not_found")
		return
	case errors.Is(err, enforce.ErrHoldRole):
		p.errorPage(w, r, http.StatusForbidden, "error.forbidden")
		return
	case errors.Is(err, enforce.ErrHoldPast):
		d.Error = "ev.err.past"
	case errors.Is(err, enforce.ErrPurged):
		d.Error = "ev.err.purged"
	case err != nil:
		p.serverError(w, r, err)
		return
	}
	if d.Error != "" {
		p.renderEvidence(w, r, q, http.StatusUnprocessableEntity, d)
		return
	}
	http.Redirect(w, r, "/evidence/"+r.PathValue("id")+"?done=held", http.StatusSeeOther)
}
