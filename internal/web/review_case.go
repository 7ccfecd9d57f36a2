package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/action"
	"github.com/sigap/sigap/internal/decision"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/review"
)

// decisionForm is the decision form's values, as typed.
type decisionForm struct {
	Action, GroundType, GroundRef, Reasons, Scope, Until string
	Automated                                            bool
}

type caseNotice struct {
	*notice.Notice
	Notifier string
	Lane     string
}

type caseData struct {
	V        *review.CaseView
	Notices  []caseNotice
	Link     string
	Mine     bool // the user holds the lease and may decide
	Held     bool // a decision waits for approval
	Leased   bool // someone holds an unexpired lease
	CanWrite bool
	Final    *decision.Decision
	Actions  []string
	FourEyes []string
	F        decisionForm
	Done     string
	Refusal  *refusal
	// Statuses of the decisions and the appeal, for the statement link.
	Restricts map[string]bool
}

func (p *Portal) caseData(r *http.Request, q *req, id string) (*caseData, error) {
	svc := p.Review
	v, err := svc.Case(r.Context(), q.Caller(), id)
	if err != nil {
		return nil, err
	}
	now := p.now()
	me := review.Actor(q.Caller())
	d := &caseData{V: v, Link: subjectLink(v.Subject), CanWrite: q.canReview(), Actions: review.Actions, Done: doneKey(r),
		F: decisionForm{GroundType: "law"}, Restricts: map[string]bool{}}
	d.Held = v.State == notice.CaseOpen && v.Held
	d.Leased = v.State == notice.CaseOpen && v.LeaseHolder != "" && v.LeaseExpiresAt.After(now) && !d.Held
	d.Mine = d.Leased && v.LeaseHolder == me && d.CanWrite
	ids := make([]string, 0, len(v.Notices))
	for _, n := range v.Notices {
		ids = append(ids, n.OrgID)
	}
	names := p.orgNames(r.Context(), ids...)
	for _, n := range v.Notices {
		if n.Documents, err = p.DB.NoticeDocuments(r.Context(), n.ID); err != nil {
			return nil, err
		}
		d.Notices = append(d.Notices, caseNotice{Notice: n, Notifier: names[n.OrgID], Lane: notice.LaneFor(n.Kind)})
	}
	for _, a := range review.Actions {
		if svc.NeedsApproval(a, v.Lane) {
			d.FourEyes = append(d.FourEyes, a)
		}
	}
	for _, x := range v.Decisions {
		d.Restricts[x.ID] = action.Restricts(x.Action) && (x.Status == decision.Final || x.Status == decision.Reversed)
		if x.Status == decision.Final || x.Status == decision.Reversed {
			d.Final = x
		}
	}
	return d, nil
}

// reviewCase is the case page: subject, notices with notifiers and lanes,
// evidence, earlier decisions on the channel, the clock, the lease, the
// timeline, and the decision form for the lease holder.
func (p *Portal) reviewCase(w http.ResponseWriter, r *http.Request, q *req) {
	d, err := p.caseData(r, q, r.PathValue("id"))
	p.renderLoaded(w, r, q, "review_case", "rv.case.title", d, err)
}

// reviewDecide records the decision through the same service call the API
// makes; a refusal shows the form again with what was typed.
func (p *Portal) reviewDecide(w http.ResponseWriter, r *http.Request, q *req) {
	if err := r.ParseForm(); err != nil {
		p.serverError(w, r, err)
		return
	}
	id := r.PathValue("id")
	f := decisionForm{Action: r.PostForm.Get("action"), GroundType: r.PostForm.Get("ground_type"),
		GroundRef: r.PostForm.Get("ground_reference"), Reasons: r.PostForm.Get("reasons"),
		Scope: r.PostForm.Get("territorial_scope"), Until: strings.TrimSpace(r.PostForm.Get("until")),
		Automated: r.PostForm.Get("automated") != ""}
	in := review.DecisionInput{Action: f.Action, Ground: decision.Ground{Type: f.GroundType, Reference: f.GroundRef},
		Reasons: f.Reasons, Automated: f.Automated}
	in.TerritorialScope = strings.FieldsFunc(f.Scope, func(r rune) bool { return r == ',' || r == ' ' })
	var err error
	if f.Until != "" {
		var u time.Time
		if u, err = parseUntil(f.Until); err == nil {
			in.Until = &u
		}
	}
	var pending bool
	if err == nil {
		_, pending, err = p.Review.Decide(r.Context(), q.Caller(), id, in)
	}
	if err == nil {
		done := "decided"
		if pending {
			done = "pending"
		}
		http.Redirect(w, r, "/review/cases/"+id+"?done="+done, http.StatusSeeOther)
		return
	}
	p.caseRefused(w, r, q, id, err, &f)
}

// parseUntil reads the end date as typed in a datetime-local field (UTC),
// or as RFC 3339; what it cannot read is the service's kind of field error.
func parseUntil(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05", time.RFC3339, "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, &notice.ValidationError{Fields: []notice.FieldError{{Field: "until", Code: "invalid",
		Message: "a date and time such as 2026-12-31T00:00 (UTC)"}}}
}

// reviewRelease gives a held case back to the queue.
func (p *Portal) reviewRelease(w http.ResponseWriter, r *http.Request, q *req) {
	id := r.PathValue("id")
	if err := p.Review.Release(r.Context(), q.Caller(), id); err != nil {
		p.caseRefused(w, r, q, id, err, nil)
		return
	}
	http.Redirect(w, r, "/review?done=released", http.StatusSeeOther)
}

// reviewFileAppeal files the affected user's appeal against the case's final decision.
func (p *Portal) reviewFileAppeal(w http.ResponseWriter, r *http.Request, q *req) {
	id := r.PathValue("id")
	if _, err := p.Review.Appeal(r.Context(), q.Caller(), id, r.PostFormValue("reasons")); err != nil {
		p.caseRefused(w, r, q, id, err, nil)
		return
	}
	http.Redirect(w, r, "/review/cases/"+id+"?done=appeal_filed", http.StatusSeeOther)
}

// caseRefused shows the case page again with the service's refusal and, if
// any, the decision form f as it was sent.
func (p *Portal) caseRefused(w http.ResponseWriter, r *http.Request, q *req, id string, err error, f *decisionForm) {
	showRefused(p, w, r, q, err, "review_case", "rv.case.title", func() (*caseData, error) { return p.caseData(r, q, id) },
		func(d *caseData, rf *refusal) {
			if f != nil {
				d.F = *f
			}
			d.Refusal, d.Done = rf, ""
		})
}
