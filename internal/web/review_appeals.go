package web

import (
	"net/http"

	"github.com/sigap/sigap/internal/decision"
)

type appealItem struct {
	*decision.Appeal
	D *decision.Decision
}

type appealsData struct {
	Items []appealItem
	reviewList
}

func (p *Portal) appealsData(r *http.Request, q *req) (*appealsData, error) {
	as, err := p.DB.AppealsByStatus(r.Context(), decision.AppealOpen, maxListed)
	if err != nil {
		return nil, err
	}
	d := &appealsData{reviewList: newReviewList(r, q)}
	for _, a := range as {
		dec, err := p.DB.Decision(r.Context(), a.DecisionID)
		if err != nil {
			return nil, err
		}
		d.Items = append(d.Items, appealItem{Appeal: a, D: dec})
	}
	return d, nil
}

// reviewAppeals lists the open appeals with the decision each is against.
func (p *Portal) reviewAppeals(w http.ResponseWriter, r *http.Request, q *req) {
	d, err := p.appealsData(r, q)
	p.renderLoaded(w, r, q, "review_appeals", "rv.appeals.title", d, err)
}

// reviewDecideAppeal settles an appeal (upheld or reversed); the service
// refuses the reviewer who decided or approved the decision.
func (p *Portal) reviewDecideAppeal(w http.ResponseWriter, r *http.Request, q *req) {
	_, err := p.Review.DecideAppeal(r.Context(), q.Caller(), r.PathValue("id"), r.PostFormValue("outcome"), r.PostFormValue("reasons"))
	if err == nil {
		http.Redirect(w, r, "/review/appeals?done=appeal_decided", http.StatusSeeOther)
		return
	}
	showRefused(p, w, r, q, err, "review_appeals", "rv.appeals.title", func() (*appealsData, error) { return p.appealsData(r, q) },
		func(d *appealsData, rf *refusal) { d.refused(r, rf) })
}
