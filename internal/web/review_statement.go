package web

import (
	"net/http"

	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/review"
)

// statementKeys are the headings of a statement page, given in the
// statement's language (which may differ from the page's).
var statementKeys = []string{"sor.title", "sor.provider", "sor.subject", "sor.decision", "sor.issued", "sor.h.restriction",
	"sor.scope", "sor.duration", "sor.h.facts", "sor.source", "sor.notifier", "sor.h.automation", "sor.h.ground",
	"sor.reference", "sor.h.redress", "sor.other_lang"}

type statementData struct {
	S       *review.Statement
	L       map[string]string
	Other   string
	Refusal *refusal
}

// reviewStatement renders the statement of reasons the affected user gets,
// in Indonesian or English (?lang=id|en), from the same builder as the API.
func (p *Portal) reviewStatement(w http.ResponseWriter, r *http.Request, q *req) {
	lang := r.URL.Query().Get("lang")
	if !i18n.Valid(lang) {
		lang = q.Lang
	}
	st, err := p.Review.Statement(r.Context(), r.PathValue("id"), lang)
	if err != nil {
		rf, ok := reviewRefusal(q.Lang, err)
		if !ok {
			p.serverError(w, r, err)
			return
		}
		p.render(w, r, q, rf.Status, "review_statement", "sor.title", &statementData{Refusal: &rf})
		return
	}
	d := &statementData{S: st, L: map[string]string{}, Other: i18n.ID}
	if lang == i18n.ID {
		d.Other = i18n.EN
	}
	for _, k := range statementKeys {
		d.L[k] = i18n.T(lang, k)
	}
	p.render(w, r, q, http.StatusOK, "review_statement", "sor.title", d)
}
