package web

import (
	"net/http"
	"net/url"

	"github.com/sigap/sigap/internal/bank"
	"github.com/sigap/sigap/internal/rulelist"
)

func (p *Portal) listIndex(w http.ResponseWriter, r *http.Request, q *req) {
	p.renderLists(w, r, q, http.StatusOK, setsData{Policy: bank.PolicyShadow, Kind: rulelist.KindKeyword})
}

func (p *Portal) renderLists(w http.ResponseWriter, r *http.Request, q *req, status int, d setsData) {
	items, next, err := p.Lists.List(r.Context(), filterCursor(r), entryPage)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	for _, l := range items {
		full, err := p.Lists.Get(r.Context(), l.ID)
		if err != nil {
			p.serverError(w, r, err)
			return
		}
		d.Sets = append(d.Sets, listSetView(full))
	}
	if next != "" {
		d.Next = "/lists?" + url.Values{"cursor": {next}}.Encode()
	}
	d.Policies, d.Kinds, d.CanEdit = bank.Policies, rulelist.Kinds, q.CanEditFilters()
	p.render(w, r, q, status, "lists", "flt.lists.title", d)
}

func (p *Portal) listCreate(w http.ResponseWriter, r *http.Request, q *req) {
	if err := r.ParseForm(); err != nil {
		p.serverError(w, r, err)
		return
	}
	f := r.PostForm.Get
	d := setsData{Name: f("name"), Kind: f("kind"), Policy: f("policy"), Labels: f("labels"), Language: f("language"), Description: f("description")}
	l, err := p.Lists.Create(r.Context(), filterCaller(q), rulelist.CreateInput{Name: d.Name, Kind: d.Kind, Policy: d.Policy,
		Labels: splitLabels(d.Labels), Language: d.Language, Description: d.Description})
	if msgs, ok := filterErrors(q.Lang, err); ok {
		d.Errors = msgs
		p.renderLists(w, r, q, http.StatusUnprocessableEntity, d)
		return
	}
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/lists/"+l.ID+"?done=created", http.StatusSeeOther)
}
