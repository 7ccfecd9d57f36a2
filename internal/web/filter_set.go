package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/i18n"
)

// entryRow is an entry with its provenance made readable.
type entryRow struct {
	filterset.Entry
	OrgName string
}

// setPageData is a bank's or a list's page.
type setPageData struct {
	Base string // "/banks" or "/lists"
	// Plural and Singular name the family in texts (see filterset.Names);
	// Kinds are its set kinds, when its sets have kinds.
	Plural, Singular string
	Kinds            []string
	Set              setView
	Entries          []entryRow
	Removed          bool
	Next             string
	Top              []entryRow
	Quarantined      []entryRow
	Hits             []hitRow
	Types            []string
	Policies         []string
	Formats          []string
	// ImportFormats are the formats the import form offers, when the file does not tell.
	ImportFormats []string
	CanEdit       bool
	Done          string
	Errors        []string
	Result        *filterset.ImportResult
	// The add form, kept on a refusal.
	Type, Value, Source, CaseID string
	// Q is the entries' search, as typed (trimmed and bounded).
	Q string
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

func entryRows(entries []filterset.Entry, names map[string]string) []entryRow {
	out := make([]entryRow, len(entries))
	for i, e := range entries {
		out[i] = entryRow{Entry: e, OrgName: names[e.AddedBy.OrgID]}
	}
	return out
}

// fillSetPage loads what a bank and a list page share: entries (paged),
// per-entry hit counts, quarantined entries and the recent hits of the set.
func (p *Portal) fillSetPage(r *http.Request, d *setPageData, fs *filterset.Service, top []filterset.Entry) error {
	ctx := r.Context()
	names := p.filterOrgNames(ctx)
	d.Removed = r.URL.Query().Get("removed") == "1"
	d.Q = searchText(r)
	items, next, err := fs.SearchEntries(ctx, d.Set.ID, d.Q, filterCursor(r), entryPage, d.Removed)
	if err != nil {
		return err
	}
	d.Entries = entryRows(items, names)
	if next != "" {
		v := url.Values{"cursor": {next}}
		if d.Removed {
			v.Set("removed", "1")
		}
		if d.Q != "" {
			v.Set("q", d.Q)
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
	d.Hits, err = p.hitRows(ctx, d.Set.ID, "", "", 20)
	return err
}

// entryForm is the add form as a family's page first shows it: its first
// entry type picked, where callers pick one.
func entryForm(fs *filterset.Service) setPageData {
	var d setPageData
	if types := fs.Kind.EntryTypes(); len(types) > 0 {
		d.Type = types[0]
	}
	return d
}

func (p *Portal) setPage(fs *filterset.Service) func(http.ResponseWriter, *http.Request, *req) {
	return func(w http.ResponseWriter, r *http.Request, q *req) {
		d := entryForm(fs)
		d.Done = filterDoneKey(r)
		p.renderSet(w, r, q, fs, http.StatusOK, d)
	}
}

func (p *Portal) renderSet(w http.ResponseWriter, r *http.Request, q *req, fs *filterset.Service, status int, d setPageData) {
	s, err := fs.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	n := fs.Kind.Names()
	d.Base, d.Plural, d.Singular, d.Kinds, d.Set = "/"+n.Plural, n.Plural, n.Singular, fs.Kind.SetKinds(), setView{s}
	d.Types, d.Policies, d.CanEdit = fs.Kind.EntryTypes(), filterset.Policies, q.CanEditFilters()
	d.Formats, d.ImportFormats = fs.Kind.PortalExports(), fs.Kind.ImportFormats()
	if err := p.fillSetPage(r, &d, fs, s.RuleHits); err != nil {
		p.serverError(w, r, err)
		return
	}
	p.render(w, r, q, status, "set", "flt."+n.Singular+".title", d)
}

func (p *Portal) setState(fs *filterset.Service) func(http.ResponseWriter, *http.Request, *req) {
	return func(w http.ResponseWriter, r *http.Request, q *req) {
		in, err := parseState(r)
		if err == nil {
			_, err = fs.Patch(r.Context(), r.PathValue("id"), in)
		}
		p.afterChange(w, r, q, fs, err, "saved", setPageData{})
	}
}

func (p *Portal) setAddEntry(fs *filterset.Service) func(http.ResponseWriter, *http.Request, *req) {
	return func(w http.ResponseWriter, r *http.Request, q *req) {
		f, ok := p.postForm(w, r)
		if !ok {
			return
		}
		d := setPageData{Type: f.Get("type"), Value: f.Get("value"), Source: f.Get("source"), CaseID: f.Get("case_id")}
		it := filterset.Item{Value: d.Value, Source: d.Source, CaseID: d.CaseID}
		if fs.Kind.EntryTypes() != nil {
			it.Type = d.Type
		}
		_, err := fs.AddEntry(r.Context(), filterCaller(q), r.PathValue("id"), it)
		p.afterChange(w, r, q, fs, err, "added", d)
	}
}

func (p *Portal) setRemoveEntry(fs *filterset.Service) func(http.ResponseWriter, *http.Request, *req) {
	return func(w http.ResponseWriter, r *http.Request, q *req) {
		err := fs.RemoveEntry(r.Context(), filterCaller(q), r.PathValue("id"), r.PathValue("entry"))
		p.afterChange(w, r, q, fs, err, "removed", entryForm(fs))
	}
}

func (p *Portal) setReleaseEntry(fs *filterset.Service) func(http.ResponseWriter, *http.Request, *req) {
	return func(w http.ResponseWriter, r *http.Request, q *req) {
		err := fs.ReleaseEntry(r.Context(), r.PathValue("id"), r.PathValue("entry"))
		p.afterChange(w, r, q, fs, err, "released", entryForm(fs))
	}
}

// afterChange redirects back to the set after a change, or shows the page
// again with what was refused.
func (p *Portal) afterChange(w http.ResponseWriter, r *http.Request, q *req, fs *filterset.Service, err error, done string, d setPageData) {
	if p.formRefused(w, r, q, err, filterErrors, func(msgs []string) {
		d.Errors = msgs
		if d.Type == "" {
			d.Type = entryForm(fs).Type
		}
		p.renderSet(w, r, q, fs, http.StatusUnprocessableEntity, d)
	}) {
		return
	}
	http.Redirect(w, r, "/"+fs.Kind.Names().Plural+"/"+r.PathValue("id")+"?done="+done, http.StatusSeeOther)
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

// setImport reads the formats the family's API import takes; a format the
// family does not know is left to the file to tell.
func (p *Portal) setImport(fs *filterset.Service) func(http.ResponseWriter, *http.Request, *req) {
	return func(w http.ResponseWriter, r *http.Request, q *req) {
		show := func(status int, msgs []string) {
			d := entryForm(fs)
			d.Errors = msgs
			p.renderSet(w, r, q, fs, status, d)
		}
		data, form, err := readImport(r)
		if err == nil {
			var s filterset.Set
			if s, err = fs.Get(r.Context(), r.PathValue("id")); err != nil {
				p.serverError(w, r, err)
				return
			}
			format := form("format")
			if !slices.Contains(fs.Kind.ImportFormats(), format) {
				format = ""
			}
			var items []filterset.Item
			if items, err = fs.Kind.ParseImport(data, format, "", s.Kind); err == nil {
				var res filterset.ImportResult
				if res, err = fs.Import(r.Context(), filterCaller(q), s.ID, items); err == nil {
					d := entryForm(fs)
					d.Result = &res
					p.renderSet(w, r, q, fs, http.StatusOK, d)
					return
				}
			}
		}
		if !p.importFailed(w, r, q, err, show) {
			p.serverError(w, r, err)
		}
	}
}

// setExport downloads a set's live entries in a format its import reads
// back: one the portal offers, its first by default.
func (p *Portal) setExport(fs *filterset.Service) func(http.ResponseWriter, *http.Request, *req) {
	return func(w http.ResponseWriter, r *http.Request, q *req) {
		name := r.URL.Query().Get("format")
		if name == "" {
			name = fs.Kind.PortalExports()[0]
		}
		f, err := fs.ExportFormat(name)
		if err != nil || !slices.Contains(fs.Kind.PortalExports(), name) {
			p.errorPage(w, r, http.StatusNotFound, "error.not_found")
			return
		}
		s, err := fs.Get(r.Context(), r.PathValue("id"))
		if err != nil {
			p.serverError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", f.ContentType)
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", s.ID+"."+f.Ext))
		if err := fs.Export(r.Context(), w, s, f); err != nil {
			p.Log.ErrorContext(r.Context(), "portal: export failed midway", "set", s.ID, "err", err)
		}
	}
}
