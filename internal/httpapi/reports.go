package httpapi

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/report"
)

// reportParams are a report request's checked query parameters.
type reportParams struct {
	period report.Period
	format string
	lang   string
	scope  report.Scope
}

// reportRequest reads from, to, format and lang, and whose notices the
// caller's report counts. A bad parameter is a 400 whose code says which
// rule it broke (the portal translates the code); nothing is computed.
func (a *API) reportRequest(w http.ResponseWriter, r *http.Request, formats ...string) (reportParams, bool) {
	q := r.URL.Query()
	var p reportParams
	p.format = q.Get("format")
	if p.format == "" {
		p.format = "json"
	}
	if !slices.Contains(formats, p.format) {
		a.errorResponse(w, r, &report.PeriodError{Field: "format", Code: report.CodeUnknownFormat,
			Message: "format must be " + strings.Join(formats, ", ")})
		return p, false
	}
	p.lang = q.Get("lang")
	if p.lang == "" {
		p.lang = i18n.Match(r.Header.Get("Accept-Language"))
	} else if !i18n.Valid(p.lang) {
		a.errorResponse(w, r, &report.PeriodError{Field: "lang", Code: report.CodeUnknownLang, Message: "lang must be id or en"})
		return p, false
	}
	var err error
	if p.period, err = report.ParsePeriod(q.Get("from"), q.Get("to"), a.Clock.Now()); err != nil {
		a.errorResponse(w, r, periodError(err))
		return p, false
	}
	if p.scope, err = a.Reports.ScopeFor(r.Context(), callerFrom(r.Context())); err != nil {
		a.errorResponse(w, r, err)
		return p, false
	}
	return p, true
}

// periodError makes any error from reading a period a *report.PeriodError,
// so the error table answers it as a 400.
func periodError(err error) error {
	var pe *report.PeriodError
	if errors.As(err, &pe) {
		return err
	}
	return &report.PeriodError{Code: "bad_request", Message: err.Error()}
}

// reportFilename names a downloaded report after its kind and period.
func reportFilename(kind string, p report.Period, ext string) string {
	return kind + "-" + p.From.Format("20060102T150405Z") + "-" + p.To.Format("20060102T150405Z") + "." + ext
}

// reportHeaders mark a report private to the caller: it holds one org's figures, or the platform's.
func reportHeaders(w http.ResponseWriter, contentType string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store")
}

// transparencyReport is GET /v1/reports/transparency: the platform's roles get
// the whole platform's figures, an authority or flagger those of its own notices.
func (a *API) transparencyReport(w http.ResponseWriter, r *http.Request) {
	p, ok := a.reportRequest(w, r, "json", "csv", "html")
	if !ok {
		return
	}
	rep, err := a.Reports.Transparency(r.Context(), p.scope, p.period)
	if err != nil || p.format != "html" {
		a.answerReport(w, r, p, "transparency-report", rep, err)
		return
	}
	reportHeaders(w, "text/html; charset=utf-8")
	w.Header().Set("Content-Language", p.lang)
	// The page stands alone: inline style and SVG, nothing to fetch or run.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'")
	if err := rep.WriteHTML(w, p.lang); err != nil {
		a.Log.ErrorContext(r.Context(), "report page", "err", err)
	}
}

// tcoReport is GET /v1/reports/tco: the EU TCO Art. 7(3) transparency figures.
func (a *API) tcoReport(w http.ResponseWriter, r *http.Request) {
	p, ok := a.reportRequest(w, r, "json", "csv")
	if !ok {
		return
	}
	t, err := a.Reports.TCO(r.Context(), p.scope, p.period)
	a.answerReport(w, r, p, "tco-report", t, err)
}

// answerReport answers a report, or the problem err is: as a CSV download
// named after kind and the period when p asks for CSV, else as JSON.
func (a *API) answerReport(w http.ResponseWriter, r *http.Request, p reportParams, kind string, rep interface{ WriteCSV(io.Writer) error }, err error) {
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	if p.format == "csv" {
		reportHeaders(w, "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+reportFilename(kind, p.period, "csv")+`"`)
		_ = rep.WriteCSV(w)
		return
	}
	reportHeaders(w, "application/json")
	writeJSON(w, http.StatusOK, rep)
}
