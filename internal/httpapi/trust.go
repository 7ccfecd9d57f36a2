package httpapi

import (
	"net/http"
	"strconv"

	"github.com/sigap/sigap/internal/flagger"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/store"
)

func (a *API) putTrust(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	var in flagger.Change
	if err := decodeStrict(r, &in); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	if _, err := a.Flaggers.Put(r.Context(), c, r.PathValue("org_id"), in); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	a.getTrust(w, r)
}

// trustVisible lets platform roles see any org's standing and an org see its own.
func trustVisible(r *http.Request) bool {
	c := callerFrom(r.Context())
	return c.Platform() || c.OrgID == r.PathValue("org_id")
}

func (a *API) getTrust(w http.ResponseWriter, r *http.Request) {
	if !trustVisible(r) {
		a.errorResponse(w, r, store.ErrNotFound)
		return
	}
	st, err := a.Flaggers.Standing(r.Context(), r.PathValue("org_id"))
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// trustReport is the yearly report DSA Art. 22(3) asks a trusted flagger to
// publish: notices by provider, type of content and action taken.
func (a *API) trustReport(w http.ResponseWriter, r *http.Request) {
	if !trustVisible(r) {
		a.errorResponse(w, r, store.ErrNotFound)
		return
	}
	year := a.Clock.Now().UTC().Year()
	if s := r.URL.Query().Get("year"); s != "" {
		y, err := strconv.Atoi(s)
		if err != nil || y < 2000 || y > 9999 {
			a.errorResponse(w, r, &notice.ValidationError{Fields: []notice.FieldError{{Field: "year", Code: "invalid", Message: "year must be a four-digit year such as 2026"}}})
			return
		}
		year = y
	}
	format := r.URL.Query().Get("format")
	if format != "" && format != "json" && format != "csv" {
		a.errorResponse(w, r, &notice.ValidationError{Fields: []notice.FieldError{{Field: "format", Code: "unknown_value", Message: "format must be json or csv"}}})
		return
	}
	rep, err := a.Flaggers.Report(r.Context(), r.PathValue("org_id"), year)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="trusted-flagger-report-`+strconv.Itoa(year)+`.csv"`)
		_ = rep.WriteCSV(w)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}
