package web

import (
	"net/http"

	"github.com/sigap/sigap/internal/decision"
	"github.com/sigap/sigap/internal/review"
)

// maxListed bounds the approvals and appeals a page lists.
const maxListed = 100

// reviewList is what the approvals and appeals pages share: who reads
// them, whether they may act, and how the last action went.
type reviewList struct {
	Me       string
	CanWrite bool
	Done     string
	Refusal  *refusal
	// Failed is the decision or appeal the refusal is about, so the page points at it.
	Failed string
}

func newReviewList(r *http.Request, q *req) reviewList {
	return reviewList{Me: review.Actor(q.Caller()), CanWrite: q.canReview(), Done: doneKey(r)}
}

// refused shows rf about the item the request named, in place of a done note.
func (l *reviewList) refused(r *http.Request, rf *refusal) {
	l.Refusal, l.Failed, l.Done = rf, r.PathValue("id"), ""
}

type approvalsData struct {
	Items []*decision.Decision
	reviewList
}

func (p *Portal) approvalsData(r *http.Request, q *req) (*approvalsData, error) {
	ds, err := p.DB.DecisionsByStatus(r.Context(), decision.Pending, maxListed)
	if err != nil {
		return nil, err
	}
	return &approvalsData{Items: ds, reviewList: newReviewList(r, q)}, nil
}

// reviewApprovals lists the decisions waiting for a second reviewer.
func (p *Portal) reviewApprovals(w http.ResponseWriter, r *http.Request, q *req) {
	d, err := p.approvalsData(r, q)
	p.renderLoaded(w, r, q, "review_approvals", "rv.approvals.title", d, err)
}

// reviewApprove approves a decision waiting for approval; the service
// refuses the reviewer who made it, and the page says so.
func (p *Portal) reviewApprove(w http.ResponseWriter, r *http.Request, q *req) {
	_, err := p.Review.Approve(r.Context(), q.Caller(), r.PathValue("id"))
	p.approvalDone(w, r, q, err, "approved")
}

// reviewReject rejects a decision waiting for approval; the case returns to the queue.
func (p *Portal) reviewReject(w http.ResponseWriter, r *http.Request, q *req) {
	_, err := p.Review.Reject(r.Context(), q.Caller(), r.PathValue("id"), r.PostFormValue("reasons"))
	p.approvalDone(w, r, q, err, "rejected")
}

func (p *Portal) approvalDone(w http.ResponseWriter, r *http.Request, q *req, err error, done string) {
	if err == nil {
		http.Redirect(w, r, "/review/approvals?done="+done, http.StatusSeeOther)
		return
	}
	showRefused(p, w, r, q, err, "review_approvals", "rv.approvals.title", func() (*approvalsData, error) { return p.approvalsData(r, q) },
		func(d *approvalsData, rf *refusal) { d.refused(r, rf) })
}
