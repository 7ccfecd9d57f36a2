package web

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/sigap/sigap/internal/flagger"
	"github.com/sigap/sigap/internal/org"
)

type standingData struct {
	S      standingView
	Report flagger.Report
	Years  []int
}

// reportYear reads ?year=, defaulting to this year (UTC); nonsense is this year too.
func (p *Portal) reportYear(r *http.Request) int {
	now := p.now().Year()
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 2000 && y <= now {
		return y
	}
	return now
}

// ownStanding is a flagger's or an authority's own page: its standing in the
// programme, its accuracy (by category too), its history and the yearly report.
func (p *Portal) ownStanding(w http.ResponseWriter, r *http.Request, q *req) {
	if !q.HasStanding() {
		if q.CanReadRegistry() {
			http.Redirect(w, r, "/flaggers", http.StatusSeeOther)
			return
		}
		p.errorPage(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	o, err := p.DB.Org(r.Context(), q.User.OrgID)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	var d standingData
	if d.S, err = p.standing(r, o); err != nil {
		p.serverError(w, r, err)
		return
	}
	year := p.reportYear(r)
	if d.Report, err = p.Flaggers.Report(r.Context(), o.ID, year); err != nil {
		p.serverError(w, r, err)
		return
	}
	for y := p.now().Year(); y >= p.now().Year()-4; y-- {
		d.Years = append(d.Years, y)
	}
	p.render(w, r, q, http.StatusOK, "flagger_page", "tf.own.title", d)
}

// ownReport downloads the user's org's yearly report as CSV.
func (p *Portal) ownReport(w http.ResponseWriter, r *http.Request, q *req) {
	if !q.HasStanding() {
		p.errorPage(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	p.reportCSV(w, r, q.User.OrgID)
}

// reportCSV writes an org's yearly report as CSV, built by the same code as the API's.
func (p *Portal) reportCSV(w http.ResponseWriter, r *http.Request, orgID string) {
	year := p.reportYear(r)
	rep, err := p.Flaggers.Report(r.Context(), orgID, year)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := rep.WriteCSV(&buf); err != nil {
		p.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+flagger.ReportFilename(year)+`"`)
	_, _ = w.Write(buf.Bytes())
}

// IsFlagger reports whether the user's org is a trusted flagger (the menu
// links its standing; an authority opens /trust from the address bar or a link).
func (q *req) IsFlagger() bool { return q.User != nil && q.User.OrgKind == org.KindFlagger }
