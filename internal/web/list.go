package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"

	"github.com/sigap/sigap/internal/bank"
	"github.com/sigap/sigap/internal/rulelist"
)

func (p *Portal) listPage(w http.ResponseWriter, r *http.Request, q *req) {
	p.renderList(w, r, q, http.StatusOK, setPageData{Done: filterDoneKey(r)})
}

func (p *Portal) renderList(w http.ResponseWriter, r *http.Request, q *req, status int, d setPageData) {
	l, err := p.Lists.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	d.Base, d.Set, d.Policies, d.CanEdit = "/lists", listSetView(l), bank.Policies, q.CanEditFilters()
	if err := p.fillSetPage(r, &d, l.RuleHits, p.Lists.Entries); err != nil {
		p.serverError(w, r, err)
		return
	}
	p.render(w, r, q, status, "list", "flt.list.title", d)
}

func (p *Portal) listState(w http.ResponseWriter, r *http.Request, q *req) {
	in, err := parseState(r)
	if err == nil {
		_, err = p.Lists.Patch(r.Context(), r.PathValue("id"), in)
	}
	p.afterList(w, r, q, err, "saved", setPageData{})
}

func (p *Portal) listAddEntry(w http.ResponseWriter, r *http.Request, q *req) {
	if err := r.ParseForm(); err != nil {
		p.serverError(w, r, err)
		return
	}
	f := r.PostForm.Get
	d := setPageData{Value: f("value"), Source: f("source"), CaseID: f("case_id")}
	_, err := p.Lists.AddEntry(r.Context(), filterCaller(q), r.PathValue("id"), rulelist.EntryInput{Value: d.Value, Source: d.Source, CaseID: d.CaseID})
	p.afterList(w, r, q, err, "added", d)
}

func (p *Portal) listRemoveEntry(w http.ResponseWriter, r *http.Request, q *req) {
	err := p.Lists.RemoveEntry(r.Context(), filterCaller(q), r.PathValue("id"), r.PathValue("entry"))
	p.afterList(w, r, q, err, "removed", setPageData{})
}

func (p *Portal) listReleaseEntry(w http.ResponseWriter, r *http.Request, q *req) {
	err := p.Lists.ReleaseEntry(r.Context(), r.PathValue("id"), r.PathValue("entry"))
	p.afterList(w, r, q, err, "released", setPageData{})
}

// afterList redirects back to the list after a change, or shows the page
// again with what was refused.
func (p *Portal) afterList(w http.ResponseWriter, r *http.Request, q *req, err error, done string, d setPageData) {
	if msgs, ok := filterErrors(q.Lang, err); ok {
		d.Errors = msgs
		p.renderList(w, r, q, http.StatusUnprocessableEntity, d)
		return
	}
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/lists/"+r.PathValue("id")+"?done="+done, http.StatusSeeOther)
}

// listImport reads the formats POST /v1/lists/{id}/import takes: a JSON file
// {"entries": [{"value"}]}, or plain text (one rule a line; for text lists,
// entries separated by "---" lines).
func (p *Portal) listImport(w http.ResponseWriter, r *http.Request, q *req) {
	show := func(status int, msgs []string) { p.renderList(w, r, q, status, setPageData{Errors: msgs}) }
	data, _, err := readImport(r)
	if err == nil {
		var l rulelist.List
		if l, err = p.Lists.Get(r.Context(), r.PathValue("id")); err != nil {
			p.serverError(w, r, err)
			return
		}
		var entries []rulelist.EntryInput
		if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
			var in struct {
				Entries []rulelist.EntryInput `json:"entries"`
			}
			dec := json.NewDecoder(bytes.NewReader(t))
			dec.DisallowUnknownFields()
			if jerr := dec.Decode(&in); jerr != nil {
				err = fmt.Errorf("%w: %w", rulelist.ErrRule, jerr)
			}
			entries = in.Entries
		} else {
			entries, err = rulelist.ParseText(bytes.NewReader(data), l.Kind)
			if err != nil {
				err = fmt.Errorf("%w: %w", rulelist.ErrRule, err)
			}
		}
		if err == nil {
			var res bank.ImportResult
			if res, err = p.Lists.Import(r.Context(), filterCaller(q), l.ID, entries); err == nil {
				p.renderList(w, r, q, http.StatusOK, setPageData{Result: &res})
				return
			}
		}
	}
	if !p.importFailed(w, r, q, err, show) {
		p.serverError(w, r, err)
	}
}

// listExport downloads a list's live rules as the plain text its import
// reads back: one rule a line, or for text lists entries between "---" lines.
func (p *Portal) listExport(w http.ResponseWriter, r *http.Request, q *req) {
	l, err := p.Lists.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", mime.FormatMediaType("text/plain", map[string]string{"charset": "utf-8"}))
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", l.ID+".txt"))
	if err := p.Lists.WriteText(r.Context(), w, l); err != nil {
		p.Log.ErrorContext(r.Context(), "portal: export failed midway", "list", l.ID, "err", err)
	}
}
