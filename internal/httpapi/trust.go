package httpapi

import (
	"net/http"
	"strconv"

	"github.com/sigap/sigap/internal/flagger"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
)

func (a *API) putTrust(r *http.Request, c org.Caller, in flagger.Change) (flagger.Standing, error) {
	if _, err := a.Flaggers.Put(r.Context(), c, r.PathValue("org_id"), in); err != nil {
		return flagger.Standing{}, err
	}
	return a.getTrust(r, c, noBody{})
}

func (a *API) getTrust(r *http.Request, c org.Caller, _ noBody) (flagger.Standing, error) {
	if err := ownOrg(c, r.PathValue("org_id")); err != nil {
		return flagger.Standing{}, err
	}
	return a.Flaggers.Standing(r.Context(), r.PathValue("org_id"))
}

// trustReport is the yearly report DSA Art. 22(3) asks a trusted flagger to
// publish: notices by provider, type of content and action taken.
func (a *API) trustReport(w http.ResponseWriter, r *http.Request) {
	if err := ownOrg(callerFrom(r.Context()), r.PathValue("org_id")); err != nil {
		a.errorResponse(w, r, err)
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
