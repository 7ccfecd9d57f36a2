package web

import (
	"net/http"
	"time"

	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/store"
)

// maxOpenShown bounds the dashboard's list of open notices, most urgent first.
const maxOpenShown = 200

type dashboardData struct {
	Open     []*notice.Notice
	Stats    store.NoticeStats
	Statuses []string
	Month    time.Time
	Charts   dashCharts
	// Steps are what a new user should do first (first_steps.go).
	Steps []firstStep
}

// dashboard shows the open notices by deadline (overdue first), counts by
// status, and how the platform kept this month's deadlines.
func (p *Portal) dashboard(w http.ResponseWriter, r *http.Request, q *req) {
	now := p.now()
	open, err := p.DB.SearchNotices(r.Context(), store.NoticeSearch{NoticeFilter: store.NoticeFilter{OrgID: q.scope(), Limit: maxOpenShown},
		OpenOnly: true, ByDue: true})
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	local := now.In(wib)
	from := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, wib)
	st, err := p.DB.Stats(r.Context(), q.scope(), from, from.AddDate(0, 1, 0), now)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	d := dashboardData{Open: open, Stats: st, Month: from,
		Statuses: []string{notice.StatusReceived, notice.StatusInReview, notice.StatusDecided, notice.StatusActioned, notice.StatusRejected}}
	if d.Charts, err = p.dashCharts(r.Context(), q, st, d.Statuses, now); err != nil {
		p.serverError(w, r, err)
		return
	}
	if d.Steps, err = p.firstSteps(r.Context(), q); err != nil {
		p.serverError(w, r, err)
		return
	}
	p.render(w, r, q, http.StatusOK, "dashboard", "dash.title", d)
}
