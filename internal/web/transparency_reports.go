package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/sigap/sigap/internal/dsasor"
	"github.com/sigap/sigap/internal/ledger"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/report"
	"github.com/sigap/sigap/internal/review"
	"github.com/sigap/sigap/internal/store"
)

// ledgerReaders may read the SAMAN ledger: the platform's admins and
// auditors see every order, an authority its own (as in the API).
var ledgerReaders = []org.Role{org.RoleAdmin, org.RoleAuditor, org.RoleAuthority}

// dsaExporters are the platform roles that may download the DSA statements.
var dsaExporters = []org.Role{org.RoleAdmin, org.RoleAuditor}

// ledgerPageRows bounds the ledger shown on the page; the CSV has them all.
const ledgerPageRows = 500

// CanReadLedger reports whether the user may read the SAMAN ledger.
func (q *req) CanReadLedger() bool {
	if q.User == nil {
		return false
	}
	if q.User.OrgKind == org.KindAuthority {
		return q.User.Role == org.RoleAuthority || q.User.Role == org.RoleAdmin || q.User.Role == org.RoleAuditor
	}
	return q.IsPlatform() && slices.Contains(ledgerReaders, q.User.Role)
}

// CanExportDSA reports whether the user may download the DSA statements.
func (q *req) CanExportDSA() bool {
	return q.IsPlatform() && slices.Contains(dsaExporters, q.User.Role)
}

// periodIf is period on a page the user may see (may): one they may not is
// not found.
func (p *Portal) periodIf(w http.ResponseWriter, r *http.Request, q *req, may bool) (report.Period, bool) {
	if !may {
		p.errorPage(w, r, http.StatusNotFound, "error.not_found")
		return report.Period{}, false
	}
	return p.period(w, r, q)
}

// period reads from and to as the API does. A bad one renders the
// transparency page again with the reason, in the reader's language.
func (p *Portal) period(w http.ResponseWriter, r *http.Request, q *req) (report.Period, bool) {
	v := r.URL.Query()
	per, err := report.ParsePeriod(v.Get("from"), v.Get("to"), p.now())
	var pe *report.PeriodError
	if errors.As(err, &pe) {
		d := p.transparencyData(r, q)
		d.PeriodError = "tr.err." + pe.Code
		d.From, d.To = v.Get("from"), v.Get("to")
		p.render(w, r, q, http.StatusBadRequest, "transparency", "tr.title", d)
		return per, false
	}
	if err != nil {
		p.serverError(w, r, err)
		return per, false
	}
	return per, true
}

// reportPeriod is period with whose notices the user's report counts.
func (p *Portal) reportPeriod(w http.ResponseWriter, r *http.Request, q *req) (report.Scope, report.Period, bool) {
	per, ok := p.period(w, r, q)
	if !ok {
		return report.Scope{}, per, false
	}
	scope, err := p.Reports.ScopeFor(r.Context(), q.Caller())
	if err != nil {
		p.serverError(w, r, err)
		return report.Scope{}, per, false
	}
	return scope, per, true
}

// reportPage serves the transparency report as its own page, charts and
// all. Its style sheet is inline, so the page's policy allows exactly it.
func (p *Portal) reportPage(w http.ResponseWriter, r *http.Request, q *req) {
	scope, per, ok := p.reportPeriod(w, r, q)
	if !ok {
		return
	}
	rep, err := p.Reports.Transparency(r.Context(), scope, per)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src "+report.StyleSource()+
		"; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := rep.WriteHTML(w, q.Lang); err != nil {
		p.Log.ErrorContext(r.Context(), "report page cut short", "err", err)
	}
}

// reportDownload downloads the transparency report (or, for kind "tco", the EU
// TCO Art. 7(3) figures) as CSV.
func (p *Portal) reportDownload(kind string) func(http.ResponseWriter, *http.Request, *req) {
	return func(w http.ResponseWriter, r *http.Request, q *req) {
		scope, per, ok := p.reportPeriod(w, r, q)
		if !ok {
			return
		}
		name := kind + "-" + per.From.Format("20060102") + "-" + per.To.Format("20060102") + ".csv"
		var write func() error
		switch kind {
		case "tco": // the EU TCO Art. 7(3) figures
			t, err := p.Reports.TCO(r.Context(), scope, per)
			if err != nil {
				p.serverError(w, r, err)
				return
			}
			write = func() error { return t.WriteCSV(w) }
		default:
			rep, err := p.Reports.Transparency(r.Context(), scope, per)
			if err != nil {
				p.serverError(w, r, err)
				return
			}
			write = func() error { return rep.WriteCSV(w) }
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		if err := write(); err != nil {
			p.Log.ErrorContext(r.Context(), "report CSV cut short", "err", err)
		}
	}
}

type ledgerData struct {
	From, To   string
	Rows       []ledger.Row
	More       bool
	CSV        string
	Platform   bool
	Generated  time.Time
	Compliance map[string]int
}

// ledgerFilter is the user's ledger: an authority's own orders, or every
// authority's for the platform.
func ledgerFilter(q *req, per report.Period) store.LedgerFilter {
	f := store.LedgerFilter{From: per.From, To: per.To, Regime: "ID-PSE"}
	if !q.IsPlatform() {
		f.OrgID = q.User.OrgID
	}
	return f
}

// ledgerPage shows the SAMAN ledger of a period as a table, with its CSV.
func (p *Portal) ledgerPage(w http.ResponseWriter, r *http.Request, q *req) {
	per, ok := p.periodIf(w, r, q, q.CanReadLedger())
	if !ok {
		return
	}
	f := ledgerFilter(q, per)
	f.Limit = ledgerPageRows + 1
	rows, err := p.DB.Ledger(r.Context(), f)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	now := p.now().UTC().Truncate(time.Second)
	d := ledgerData{From: per.From.Format(time.RFC3339), To: per.To.Format(time.RFC3339), Platform: q.IsPlatform(),
		Generated: now, Compliance: map[string]int{}}
	if len(rows) > ledgerPageRows {
		rows, d.More = rows[:ledgerPageRows], true
	}
	for _, row := range rows {
		lr := ledger.NewRow(row, now)
		d.Compliance[lr.Compliance]++
		d.Rows = append(d.Rows, lr)
	}
	d.CSV = "/transparency/ledger.csv?" + r.URL.Query().Encode()
	p.render(w, r, q, http.StatusOK, "ledger", "lg.title", d)
}

// ledgerCSV downloads the whole ledger of a period.
func (p *Portal) ledgerCSV(w http.ResponseWriter, r *http.Request, q *req) {
	per, ok := p.periodIf(w, r, q, q.CanReadLedger())
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+ledger.Filename(per.From, per.To)+`"`)
	if err := ledger.WriteCSV(r.Context(), w, p.DB, ledgerFilter(q, per), p.now().UTC().Truncate(time.Second)); err != nil {
		p.Log.ErrorContext(r.Context(), "ledger CSV cut short", "err", err)
	}
}

// dsaSkipHeaders name the response headers that count, per reason, the
// decisions of the period the download leaves out because they owe the
// database no statement (yet): the file itself holds statements only.
var dsaSkipHeaders = []struct{ reason, header string }{
	{review.SkipHeld, "Sigap-Skipped-Held"},
	{review.SkipOutsideEEA, "Sigap-Skipped-Outside-EEA"},
	{review.SkipEUOrder, "Sigap-Skipped-EU-Order"},
}

// dsaBatch is one line of the download: exactly the body the DSA
// Transparency Database's POST /api/v1/statements takes.
type dsaBatch struct {
	Statements []*dsasor.Statement `json:"statements"`
}

// dsaInvalidData is the refusal page of a period holding statements the
// database would refuse, with the ways to export the rest.
type dsaInvalidData struct {
	From, To  string
	Decisions []review.DSASkip
	CmdAPI    string
	CmdCLI    string
}

// dsaDownload streams the period's statements of reasons as JSON Lines, one
// batch of up to 100 per line, each line exactly a batch body for the DSA
// database's API, so the file can be uploaded line by line as it is.
//
// It reads the period twice. The first pass (skipping invalid statements)
// finds every statement the database would refuse: if there is one, the
// answer is a 422 page naming them and nothing is exported, as the API
// refuses such a period unless skip_invalid=true is asked for; leaving them
// out silently would make a file that looks complete and is not. It also
// counts the decisions left out for other reasons, which go in the
// headers. The second pass streams, refusing rather than skipping.
func (p *Portal) dsaDownload(w http.ResponseWriter, r *http.Request, q *req) {
	per, ok := p.periodIf(w, r, q, q.CanExportDSA())
	if !ok {
		return
	}
	ctx := r.Context()
	var invalid []review.DSASkip
	skipped := map[string]int{}
	statements := 0
	req := review.DSAExportRequest{From: per.From, To: per.To, SkipInvalid: true}
	for {
		page, err := p.Review.DSAExport(ctx, q.Caller(), req)
		if err != nil {
			p.serverError(w, r, err)
			return
		}
		statements += len(page.Statements)
		for _, s := range page.Skipped {
			if s.Reason == review.SkipInvalid {
				invalid = append(invalid, s)
			} else {
				skipped[s.Reason]++
			}
		}
		if page.NextCursor == "" {
			break
		}
		req.Cursor = page.NextCursor
	}
	if len(invalid) > 0 {
		p.dsaRefuse(w, r, q, per, invalid)
		return
	}

	h := w.Header()
	h.Set("Content-Type", "application/jsonl; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="dsa-sor-`+per.From.Format("20060102")+"-"+per.To.Format("20060102")+`.jsonl"`)
	h.Set("Sigap-Statements", strconv.Itoa(statements))
	for _, s := range dsaSkipHeaders {
		h.Set(s.header, strconv.Itoa(skipped[s.reason]))
	}
	req = review.DSAExportRequest{From: per.From, To: per.To}
	enc := json.NewEncoder(w)
	wrote := false
	for {
		page, err := p.Review.DSAExport(ctx, q.Caller(), req)
		if err != nil {
			if !wrote {
				// Nothing is out yet: answer as if the first pass had seen it
				// (a decision of the period recorded in between).
				h.Del("Content-Disposition")
				h.Del("Sigap-Statements")
				for _, s := range dsaSkipHeaders {
					h.Del(s.header)
				}
				var ie *review.InvalidStatementsError
				if errors.As(err, &ie) {
					p.dsaRefuse(w, r, q, per, ie.Decisions)
					return
				}
				p.serverError(w, r, err)
				return
			}
			// Lines are out already: break the connection, so the file is
			// seen as incomplete rather than taken for the whole period.
			p.Log.ErrorContext(ctx, "DSA export cut short", "err", err)
			panic(http.ErrAbortHandler)
		}
		if len(page.Statements) > 0 {
			if err := enc.Encode(dsaBatch{Statements: page.Statements}); err != nil {
				return // the reader went away
			}
			wrote = true
		}
		if page.NextCursor == "" {
			return
		}
		req.Cursor = page.NextCursor
	}
}

// dsaRefuse answers a download whose period holds statements the database
// would refuse: which decisions, which fields, and how to go on.
func (p *Portal) dsaRefuse(w http.ResponseWriter, r *http.Request, q *req, per report.Period, invalid []review.DSASkip) {
	from, to := per.From.Format(time.RFC3339), per.To.Format(time.RFC3339)
	d := dsaInvalidData{From: from, To: to, Decisions: invalid,
		CmdAPI: "curl -s -H \"Authorization: Bearer $SIGAP_KEY\" '" + requestBase(r) + "/v1/exports/dsa-sor?from=" + from + "&to=" + to + "&skip_invalid=true'",
		CmdCLI: "sigap export dsa-sor --from " + from + " --to " + to + " --skip-invalid --out batches.jsonl --index index.csv"}
	p.render(w, r, q, http.StatusUnprocessableEntity, "transparency_dsa_invalid", "tr.dsa.invalid.title", d)
}
