package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/review"
)

// The roles of the review pages: reviewers act; admins and auditors read.
var (
	reviewReaders = []org.Role{org.RoleReviewer, org.RoleAdmin, org.RoleAuditor}
	reviewWriters = []org.Role{org.RoleReviewer}
)

// reviewPage wraps a review page: a platform user with one of roles; anyone
// else (an authority, another org's admin) is refused with 403.
func (p *Portal) reviewPage(h func(http.ResponseWriter, *http.Request, *req), roles ...org.Role) http.Handler {
	return p.signedIn(func(w http.ResponseWriter, r *http.Request, q *req) {
		if !q.IsPlatform() {
			p.render(w, r, q, http.StatusForbidden, "error", "error.title", map[string]any{"Message": "error.forbidden", "Status": http.StatusForbidden})
			return
		}
		h(w, r, q)
	}, roles...)
}

// canReview reports whether the user may act on review pages (not just read them).
func (q *req) canReview() bool { return q.IsPlatform() && q.User.Role == org.RoleReviewer }

// reviewDone are the outcomes a redirect may ask a review page to announce
// (?done=...); only these keys are honoured, so the query cannot inject text.
var reviewDone = map[string]string{
	"decided": "rv.decided", "pending": "rv.pending", "approved": "rv.approved", "rejected": "rv.rejected",
	"appeal_filed": "rv.appeal.filed", "appeal_decided": "rv.appeal.decided", "released": "rv.released",
	"sent": "msg.sent", "objected": "obj.raised", "answered": "obj.answered",
}

func doneKey(r *http.Request) string { return reviewDone[r.URL.Query().Get("done")] }

// refusal is a review error as a page shows it: a status and translated lines.
type refusal struct {
	Status int
	Lines  []string
}

// renderLoaded renders page with d, or answers err, from loading d, as a
// server error.
func (p *Portal) renderLoaded(w http.ResponseWriter, r *http.Request, q *req, page, title string, d any, err error) {
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	p.render(w, r, q, http.StatusOK, page, title, d)
}

// showRefused shows a review page again with the service's refusal err
// (anything else is a server error): load reads the page's data afresh, mark
// puts the refusal on it.
func showRefused[D any](p *Portal, w http.ResponseWriter, r *http.Request, q *req, err error, page, title string,
	load func() (D, error), mark func(D, *refusal)) {
	rf, ok := reviewRefusal(q.Lang, err)
	if !ok {
		p.serverError(w, r, err)
		return
	}
	d, derr := load()
	if derr != nil {
		p.serverError(w, r, derr)
		return
	}
	mark(d, &rf)
	p.render(w, r, q, rf.Status, page, title, d)
}

// reviewRefusal turns what the review service refuses into a status and
// lines in the viewer's language; ok is false for errors that are not the
// user's (the caller answers them with serverError).
func reviewRefusal(lang string, err error) (refusal, bool) {
	T := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	one := func(status int, key string, args ...any) (refusal, bool) {
		return refusal{Status: status, Lines: []string{T(key, args...)}}, true
	}
	var ve *notice.ValidationError
	var held *review.HeldError
	switch {
	case errors.As(err, &ve):
		var parts []string
		for _, fe := range ve.Fields {
			parts = append(parts, fieldLabel(lang, fe.Field)+": "+fieldMessage(lang, fe))
		}
		return one(http.StatusUnprocessableEntity, "rv.err.invalid", strings.Join(parts, "; "))
	case errors.As(err, &held):
		return one(http.StatusConflict, "sor.held", held.Until.In(wib).Format("2006-01-02 15:04")+" WIB")
	}
	// The refusals that need no details: their status and message, first match first.
	simple := []struct {
		errs   []error
		status int
		key    string
	}{
		{[]error{review.ErrNotHolder}, http.StatusConflict, "rv.err.not_holder"},
		{[]error{review.ErrAlreadyDecided}, http.StatusConflict, "rv.err.already_decided"},
		{[]error{review.ErrSelfApproval}, http.StatusForbidden, "rv.err.self_approval"},
		{[]error{review.ErrNotPending}, http.StatusConflict, "rv.err.not_pending"},
		{[]error{review.ErrSameReviewer}, http.StatusForbidden, "rv.err.same_reviewer"},
		{[]error{review.ErrAppealDecided}, http.StatusConflict, "rv.err.appeal_decided"},
		{[]error{review.ErrNoDecision, review.ErrAppealExists, review.ErrAppealTooLate}, http.StatusConflict, "rv.err.appeal"},
		{[]error{review.ErrNoStatement}, http.StatusNotFound, "sor.none"},
		{[]error{review.ErrNotOrder}, http.StatusConflict, "rv.err.not_order"},
		{[]error{review.ErrObjectionOpen}, http.StatusConflict, "rv.err.objection_open"},
		{[]error{review.ErrObjectionClosed}, http.StatusConflict, "rv.err.objection_closed"},
		{[]error{review.ErrPlatformOnly, review.ErrNotifierOnly}, http.StatusForbidden, "error.forbidden"},
	}
	for _, rf := range simple {
		for _, target := range rf.errs {
			if errors.Is(err, target) {
				return one(rf.status, rf.key)
			}
		}
	}
	return refusal{}, false
}

// fieldLabel names a service field (ground.reference) by its form label.
func fieldLabel(lang, field string) string {
	if i := strings.IndexByte(field, '['); i >= 0 {
		field = field[:i]
	}
	key := map[string]string{"action": "rv.decide.action", "ground.type": "rv.decide.ground_type",
		"ground.reference": "rv.decide.ground_ref", "reasons": "rv.decide.reasons", "territorial_scope": "rv.decide.scope",
		"until": "rv.decide.until", "body": "msg.body", "outcome": "rv.appeal.outcome", "category": "field.category",
		"language": "field.language", "languages": "rv.queue.languages", "lane": "case.lane", "regime": "field.regime"}[field]
	if key == "" {
		return field
	}
	return i18n.T(lang, key)
}

// orgNames maps org IDs to names for the people reading a case; an org that
// cannot be read shows its ID.
func (p *Portal) orgNames(ctx context.Context, ids ...string) map[string]string {
	out := map[string]string{}
	for _, id := range ids {
		if _, ok := out[id]; ok {
			continue
		}
		out[id] = id
		if o, err := p.DB.Org(ctx, id); err == nil {
			out[id] = o.Name
		}
	}
	return out
}

// subjectLink is a safe link to a case's subject, made from its canonical
// form (telegram:channel/x -> https://t.me/x; url:https://... as is), or ""
// for subjects that have no public page (private chats, phone numbers).
func subjectLink(subject string) string {
	kind, rest, ok := strings.Cut(subject, ":")
	if !ok || rest == "" {
		return ""
	}
	esc := func(p string) string {
		segs := strings.Split(p, "/")
		for i, s := range segs {
			segs[i] = url.PathEscape(s)
		}
		return strings.Join(segs, "/")
	}
	switch kind {
	case "telegram":
		what, path, _ := strings.Cut(rest, "/")
		switch what {
		case "channel", "message":
			return "https://t.me/" + esc(path)
		case "invite":
			return "https://t.me/+" + esc(path)
		case "addlist":
			return "https://t.me/addlist/" + esc(path)
		}
	case "url":
		u, err := url.Parse(rest)
		if err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
			return u.String()
		}
	}
	return ""
}

// CanReadReview reports whether the review pages are the user's (the layout's menu asks).
func (q *req) CanReadReview() bool {
	return q.IsPlatform() && slices.Contains(reviewReaders, q.User.Role)
}
