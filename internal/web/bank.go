package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/bank"
	"github.com/sigap/sigap/internal/i18n"
)

// entryRow is an entry with its provenance made readable.
type entryRow struct {
	bank.Entry
	OrgName string
}

// setPageData is a bank's or a list's page.
type setPageData struct {
	Base        string // "/banks" or "/lists"
	Set         setView
	Entries     []entryRow
	Removed     bool
	Next        string
	Top         []entryRow
	Quarantined []entryRow
	Hits        []hitRow
	Types       []string
	Policies    []string
	Formats     []string
	CanEdit     bool
	Done        string
	Errors      []string
	Result      *bank.ImportResult
	// The add form, kept on a refusal.
	Type, Value, Source, CaseID string
}

// filterOrgNames maps org IDs to names for provenance; a failure leaves IDs shown.
func (p *Portal) filterOrgNames(ctx context.Context) map[string]string {
	out := map[string]string{}
	orgs, err := p.DB.Orgs(ctx)
	if err != nil {
		return out
	}
	for _, o := range orgs {
		out[o.ID] = o.Name
	}
	return out
}

func entryRows(entries []bank.Entry, names map[string]string) []entryRow {
	out := make([]entryRow, len(entries))
	for i, e := range entries {
		out[i] = entryRow{Entry: e, OrgName: names[e.AddedBy.OrgID]}
	}
	return out
}

// fillSetPage loads what a bank and a list page share: entries (paged),
// per-entry hit counts, quarantined entries and the recent hits of the set.
func (p *Portal) fillSetPage(r *http.Request, d *setPageData, top []bank.Entry,
	entries func(ctx context.Context, id, cursor string, limit int, removed bool) ([]bank.Entry, string, error)) error {
	ctx := r.Context()
	names := p.filterOrgNames(ctx)
	d.Removed = r.URL.Query().Get("removed") == "1"
	items, next, err := entries(ctx, d.Set.ID, filterCursor(r), entryPage, d.Removed)
	if err != nil {
		return err
	}
	d.Entries = entryRows(items, names)
	if next != "" {
		v := url.Values{"cursor": {next}}
		if d.Removed {
			v.Set("removed", "1")
		}
		d.Next = d.Base + "/" + d.Set.ID + "?" + v.Encode()
	}
	for _, e := range entryRows(top, names) {
		if e.QuarantinedAt != nil {
			d.Quarantined = append(d.Quarantined, e)
		}
		if e.Hits > 0 {
			d.Top = append(d.Top, e)
		}
	}
	d.Hits, err = p.hitRows(ctx, d.Set.ID, "", 20)
	return err
}

func (p *Portal) bankPage(w http.ResponseWriter, r *http.Request, q *req) {
	p.renderBank(w, r, q, http.StatusOK, setPageData{Type: bank.TypePDQ, Done: filterDoneKey(r)})
}

func (p *Portal) renderBank(w http.ResponseWriter, r *http.Request, q *req, status int, d setPageData) {
	b, err := p.Banks.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	d.Base, d.Set, d.Types, d.Policies, d.CanEdit = "/banks", bankSetView(b), bank.Types, bank.Policies, q.CanEditFilters()
	d.Formats = []string{bank.FormatCSV, bank.FormatJSON, bank.FormatThreatExchange}
	if err := p.fillSetPage(r, &d, b.RuleHits, p.Banks.Entries); err != nil {
		p.serverError(w, r, err)
		return
	}
	p.render(w, r, q, status, "bank", "flt.bank.title", d)
}

func (p *Portal) bankState(w http.ResponseWriter, r *http.Request, q *req) {
	in, err := parseState(r)
	if err == nil {
		_, err = p.Banks.Patch(r.Context(), r.PathValue("id"), in)
	}
	p.afterBank(w, r, q, err, "saved", setPageData{})
}

func (p *Portal) bankAddEntry(w http.ResponseWriter, r *http.Request, q *req) {
	if err := r.ParseForm(); err != nil {
		p.serverError(w, r, err)
		return
	}
	f := r.PostForm.Get
	d := setPageData{Type: f("type"), Value: f("value"), Source: f("source"), CaseID: f("case_id")}
	_, err := p.Banks.AddEntry(r.Context(), filterCaller(q), r.PathValue("id"), bank.Item{Type: d.Type, Value: d.Value, Source: d.Source, CaseID: d.CaseID})
	p.afterBank(w, r, q, err, "added", d)
}

func (p *Portal) bankRemoveEntry(w http.ResponseWriter, r *http.Request, q *req) {
	err := p.Banks.RemoveEntry(r.Context(), filterCaller(q), r.PathValue("id"), r.PathValue("entry"))
	p.afterBank(w, r, q, err, "removed", setPageData{Type: bank.TypePDQ})
}

func (p *Portal) bankReleaseEntry(w http.ResponseWriter, r *http.Request, q *req) {
	err := p.Banks.ReleaseEntry(r.Context(), r.PathValue("id"), r.PathValue("entry"))
	p.afterBank(w, r, q, err, "released", setPageData{Type: bank.TypePDQ})
}

// afterBank redirects back to the bank after a change, or shows the page
// again with what was refused.
func (p *Portal) afterBank(w http.ResponseWriter, r *http.Request, q *req, err error, done string, d setPageData) {
	if msgs, ok := filterErrors(q.Lang, err); ok {
		d.Errors = msgs
		if d.Type == "" {
			d.Type = bank.TypePDQ
		}
		p.renderBank(w, r, q, http.StatusUnprocessableEntity, d)
		return
	}
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/banks/"+r.PathValue("id")+"?done="+done, http.StatusSeeOther)
}

// readImport reads the uploaded file of an import form; the guard has
// already bounded the body (MaxUploadBody), so an oversized one is a 413.
func readImport(r *http.Request) (data []byte, form func(string) string, err error) {
	if err := r.ParseMultipartForm(2 << 20); err != nil {
		return nil, nil, err
	}
	defer r.MultipartForm.RemoveAll()
	files := r.MultipartForm.File["file"]
	if len(files) == 0 {
		return nil, r.PostForm.Get, &importError{key: "flt.err.no_file"}
	}
	fh := files[0]
	var f multipart.File
	if f, err = fh.Open(); err != nil {
		return nil, nil, err
	}
	defer f.Close()
	if data, err = io.ReadAll(f); err != nil {
		return nil, nil, err
	}
	if !utf8.Valid(data) || slices.Contains(data, 0) {
		return nil, r.PostForm.Get, &importError{key: "flt.err.not_text"}
	}
	return data, r.PostForm.Get, nil
}

// importError is an import the portal refuses before the service sees it.
type importError struct{ key string }

func (e *importError) Error() string { return "web: import refused: " + e.key }

// importFailed shows a refused import on its page; it reports false when
// err is not about the file (the caller shows a server error).
func (p *Portal) importFailed(w http.ResponseWriter, r *http.Request, q *req, err error, show func(status int, msgs []string)) bool {
	var ie *importError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		p.errorPage(w, r, http.StatusRequestEntityTooLarge, "flt.err.too_large")
	case errors.Is(err, http.ErrNotMultipart), errors.Is(err, multipart.ErrMessageTooLarge):
		p.errorPage(w, r, http.StatusBadRequest, "error.bad_request")
	case errors.As(err, &ie):
		show(http.StatusUnprocessableEntity, []string{i18n.T(q.Lang, ie.key)})
	default:
		msgs, ok := filterErrors(q.Lang, err)
		if !ok {
			return false
		}
		show(http.StatusUnprocessableEntity, msgs)
	}
	return true
}

func (p *Portal) bankImport(w http.ResponseWriter, r *http.Request, q *req) {
	show := func(status int, msgs []string) {
		p.renderBank(w, r, q, status, setPageData{Type: bank.TypePDQ, Errors: msgs})
	}
	data, form, err := readImport(r)
	if err == nil {
		var items []bank.Item
		format := form("format")
		if !slices.Contains([]string{"", bank.FormatCSV, bank.FormatJSON, bank.FormatThreatExchange}, format) {
			format = ""
		}
		if items, err = bank.Parse(bytes.NewReader(data), format); err == nil {
			var res bank.ImportResult
			if res, err = p.Banks.Import(r.Context(), filterCaller(q), r.PathValue("id"), items); err == nil {
				p.renderBank(w, r, q, http.StatusOK, setPageData{Type: bank.TypePDQ, Result: &res})
				return
			}
		}
	}
	if !p.importFailed(w, r, q, err, show) {
		p.serverError(w, r, err)
	}
}

// bankExport downloads a bank's live entries in a format its import reads back.
func (p *Portal) bankExport(w http.ResponseWriter, r *http.Request, q *req) {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = bank.FormatCSV
	}
	ct := map[string]string{bank.FormatCSV: "text/csv; charset=utf-8", bank.FormatJSON: "application/json",
		bank.FormatThreatExchange: "application/json"}[format]
	if ct == "" {
		p.errorPage(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	b, err := p.Banks.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	ext := "json"
	if format == bank.FormatCSV {
		ext = "csv"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", b.ID+"."+ext))
	ew, err := bank.NewWriter(w, format)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	cursor := ""
	for {
		items, next, err := p.Banks.Entries(r.Context(), b.ID, cursor, 500, false)
		if err != nil {
			p.Log.ErrorContext(r.Context(), "portal: export failed midway", "bank", b.ID, "err", err)
			return // the truncated body is visibly broken
		}
		for _, e := range items {
			if err := ew.Write(e); err != nil {
				return
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	_ = ew.Close()
}
