package httpapi

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/dsasor"
	"github.com/sigap/sigap/internal/ledger"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/report"
	"github.com/sigap/sigap/internal/review"
	"github.com/sigap/sigap/internal/store"
)

// exportPeriod reads from and to as the reports do ([from, to), dates at
// midnight UTC), and gives the query for the export's other parameters; a
// bad period is a 400 that says what is wrong.
func (a *API) exportPeriod(w http.ResponseWriter, r *http.Request) (report.Period, url.Values, bool) {
	q := r.URL.Query()
	p, err := report.ParsePeriod(q.Get("from"), q.Get("to"), a.Clock.Now())
	if err != nil {
		a.errorResponse(w, r, periodError(err))
		return p, q, false
	}
	return p, q, true
}

// limitParam is the query's limit, def when it gives none; one that is not
// a whole number from 1 to max adds a problem saying msg to bad.
func limitParam(q url.Values, def, max int, msg string, bad *[]notice.FieldError) int {
	s := q.Get("limit")
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > max {
		*bad = append(*bad, notice.FieldError{Field: "limit", Code: "invalid", Message: msg})
	}
	return n
}

// dsaExportAnswer is GET /v1/exports/dsa-sor: the contract's {"statements": [...]},
// with what the operator needs beside it.
type dsaExportAnswer struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	*review.DSAExport
	// Next is the link to the next page, when there is one.
	Next string `json:"next,omitempty"`
}

func (a *API) exportDSA(w http.ResponseWriter, r *http.Request) {
	p, q, ok := a.exportPeriod(w, r)
	if !ok {
		return
	}
	req := review.DSAExportRequest{From: p.From, To: p.To, Cursor: q.Get("cursor")}
	var bad []notice.FieldError
	req.Limit = limitParam(q, 0, dsasor.Default().Spec().MaxBatch, "limit must be a whole number from 1 to 100 (the DSA database's batch size)", &bad)
	switch s := q.Get("skip_invalid"); s {
	case "", "false":
	case "true":
		req.SkipInvalid = true
	default:
		bad = append(bad, notice.FieldError{Field: "skip_invalid", Code: "invalid", Message: "skip_invalid must be true or false"})
	}
	if len(req.Cursor) > 200 {
		bad = append(bad, notice.FieldError{Field: "cursor", Code: "invalid", Message: "cursor is not one this API gave out"})
	}
	if len(bad) > 0 {
		a.errorResponse(w, r, &notice.ValidationError{Fields: bad})
		return
	}
	out, err := a.Review.DSAExport(r.Context(), callerFrom(r.Context()), req)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	ans := dsaExportAnswer{From: p.From, To: p.To, DSAExport: out}
	if out.NextCursor != "" {
		next := url.Values{"from": {p.From.Format(time.RFC3339Nano)}, "to": {p.To.Format(time.RFC3339Nano)}, "cursor": {out.NextCursor}}
		if req.Limit != 0 {
			next.Set("limit", strconv.Itoa(req.Limit))
		}
		if req.SkipInvalid {
			next.Set("skip_invalid", "true")
		}
		ans.Next = "/v1/exports/dsa-sor?" + next.Encode()
	}
	writeJSON(w, http.StatusOK, ans)
}

// invalidStatementsProblem is a 422 listing, field by field, why the DSA
// database would refuse each statement of the period.
func invalidStatementsProblem(inv *review.InvalidStatementsError) Problem {
	var fes []notice.FieldError
	var names []string
	for _, d := range inv.Decisions {
		names = append(names, d.DecisionID+" ("+strings.Join(fieldNames(d.Errors), ", ")+")")
		for _, fe := range d.Errors {
			fes = append(fes, notice.FieldError{Field: "decisions[" + d.DecisionID + "]." + fe.Field, Code: fe.Code,
				Message: "decision " + d.DecisionID + ": " + fe.Message})
		}
	}
	return Problem{Type: "https://sigap.dev/problems/invalid_statement", Title: "The DSA database would refuse statements of this period",
		Status: http.StatusUnprocessableEntity, Code: "invalid_statement", Errors: fes,
		Detail: "the statements of these decisions break the DSA Transparency Database's rules: " + strings.Join(names, "; ") +
			"; nothing was exported. Ask again with skip_invalid=true to export the others and list these under skipped"}
}

func fieldNames(errs []dsasor.FieldError) []string {
	var out []string
	for _, fe := range errs {
		if len(out) == 0 || out[len(out)-1] != fe.Field {
			out = append(out, fe.Field)
		}
	}
	return out
}

func (a *API) exportLedger(w http.ResponseWriter, r *http.Request) {
	p, q, ok := a.exportPeriod(w, r)
	if !ok {
		return
	}
	var bad []notice.FieldError
	regime := q.Get("regime")
	switch regime {
	case "":
		regime = "ID-PSE"
	case "all", "*":
		regime = ""
	default:
		if _, err := a.Policy.Regime(regime); err != nil {
			bad = append(bad, notice.FieldError{Field: "regime", Code: "unknown_value",
				Message: "regime must be all or one of " + strings.Join(a.Policy.RegimeNames(), ", ")})
		}
	}
	format := q.Get("format")
	if format != "" && format != "json" && format != "csv" {
		bad = append(bad, notice.FieldError{Field: "format", Code: "unknown_value", Message: "format must be json or csv"})
	}
	limit := limitParam(q, 500, ledger.Page, "limit must be a whole number from 1 to 1000", &bad)
	f := store.LedgerFilter{From: p.From, To: p.To, Regime: regime, Limit: limit}
	if c := q.Get("cursor"); c != "" {
		var err error
		if f.AfterAt, f.AfterID, err = decodeLedgerCursor(c); err != nil {
			bad = append(bad, notice.FieldError{Field: "cursor", Code: "invalid", Message: "cursor must be the next_cursor of the previous page, unchanged"})
		}
	}
	if len(bad) > 0 {
		a.errorResponse(w, r, &notice.ValidationError{Fields: bad})
		return
	}
	// An authority sees its own orders; the platform sees every authority's.
	if c := callerFrom(r.Context()); !c.Platform() {
		f.OrgID = c.OrgID
	}
	now := a.Clock.Now().UTC().Truncate(time.Second)
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+ledger.Filename(f.From, f.To)+`"`)
		if err := ledger.WriteCSV(r.Context(), w, a.DB, f, now); err != nil {
			// The header may be out: all that is left is to cut the file short and say so in the log.
			a.Log.ErrorContext(r.Context(), "ledger CSV cut short", "err", err)
		}
		return
	}
	rows, err := a.DB.Ledger(r.Context(), f)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	ans := ledger.Doc[ledger.Row]{From: p.From, To: p.To, Regime: regime, GeneratedAt: now, Items: make([]ledger.Row, 0, len(rows))}
	if ans.Regime == "" {
		ans.Regime = "all"
	}
	for _, row := range rows {
		ans.Items = append(ans.Items, ledger.NewRow(row, now))
	}
	if len(rows) == limit {
		last := rows[len(rows)-1]
		ans.NextCursor = encodeLedgerCursor(last.ReceivedAt, last.NoticeID)
	}
	writeJSON(w, http.StatusOK, ans)
}

func encodeLedgerCursor(at time.Time, id string) string {
	return strconv.FormatInt(at.UnixMilli(), 10) + "." + id
}

func decodeLedgerCursor(s string) (time.Time, string, error) {
	msStr, id, ok := strings.Cut(s, ".")
	n, err := strconv.ParseInt(msStr, 10, 64)
	if !ok || err != nil || id == "" || n < 0 || len(s) > 100 {
		return time.Time{}, "", errors.New("bad cursor")
	}
	return time.UnixMilli(n).UTC(), id, nil
}
