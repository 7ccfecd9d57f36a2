package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/rulelist"
	"github.com/sigap/sigap/internal/store"
)

// Banks, lists and hits belong to the platform: its admins and reviewers
// change them, its auditors read them (the API's filterAdmins and filterReaders).
var (
	filterWriters = []org.Role{org.RoleAdmin, org.RoleReviewer}
	filterReaders = []org.Role{org.RoleAdmin, org.RoleReviewer, org.RoleAuditor}
)

// entryPage is how many entries a bank or list page shows at once.
const entryPage = 50

// CanReadFilters reports whether the user may see the banks, lists and hits pages.
func (q *req) CanReadFilters() bool {
	return q.IsPlatform() && slices.Contains(filterReaders, q.User.Role)
}

// CanEditFilters reports whether the user may change banks and lists.
func (q *req) CanEditFilters() bool {
	return q.IsPlatform() && slices.Contains(filterWriters, q.User.Role)
}

// platformPage wraps a filtering page: a role outside roles is a 403 (by
// signedIn), and a user of another org with an admitted role (an authority's
// own admin) gets a 404, as for any page that is not theirs.
func (p *Portal) platformPage(h func(http.ResponseWriter, *http.Request, *req), roles ...org.Role) http.Handler {
	return p.signedIn(func(w http.ResponseWriter, r *http.Request, q *req) {
		if !q.IsPlatform() {
			p.errorPage(w, r, http.StatusNotFound, "error.not_found")
			return
		}
		h(w, r, q)
	}, roles...)
}

// filterCaller is the signed-in user as the bank and list services see
// them; the user's ID stands where an API key's would, so an entry's
// provenance names the person who added it.
func filterCaller(q *req) org.Caller {
	c := q.Caller()
	if c.KeyID == "" {
		c.KeyID = c.UserID
	}
	return c
}

// filterErrors turns what the bank and list services refuse into lines in
// the viewer's language; ok is false for errors that are not the user's.
func filterErrors(lang string, err error) (msgs []string, ok bool) {
	var ve *notice.ValidationError
	switch {
	case errors.As(err, &ve):
		for _, fe := range ve.Fields {
			msg := fieldMessage(lang, fe)
			if fe.Code == "rule_refused" || fe.Code == "too_many" {
				msg = i18n.T(lang, "ferr."+fe.Code) + " (" + fe.Message + ")"
			}
			msgs = append(msgs, filterField(lang, fe.Field)+": "+msg)
		}
		return msgs, true
	case errors.Is(err, store.ErrConflict):
		return []string{i18n.T(lang, "flt.err.duplicate")}, true
	case errors.Is(err, filterset.ErrFormat), errors.Is(err, rulelist.ErrRule):
		return []string{i18n.T(lang, "flt.err.format", err.Error())}, true
	}
	return nil, false
}

// filterField names a field of the bank and list forms; an import's
// entries[i] names the line of the file.
func filterField(lang, f string) string {
	if strings.HasPrefix(f, "entries[") {
		if end := strings.IndexByte(f, ']'); end > 0 {
			if n, err := strconv.Atoi(f[len("entries["):end]); err == nil {
				return i18n.T(lang, "flt.field.item", n+1)
			}
		}
		return i18n.T(lang, "flt.field.file")
	}
	base := f
	if i := strings.IndexAny(base, "[."); i >= 0 {
		base = base[:i]
	}
	if i18n.Has(lang, "flt.field."+base) {
		return i18n.T(lang, "flt.field."+base)
	}
	return f
}

// filterDone are the one-line confirmations a bank or list page shows after
// a redirect (?done=...); only these keys are honoured.
var filterDone = map[string]bool{"created": true, "added": true, "removed": true, "released": true, "saved": true}

func filterDoneKey(r *http.Request) string {
	if d := r.URL.Query().Get("done"); filterDone[d] {
		return "flt.done." + d
	}
	return ""
}

// setView is a bank or list as its pages show it.
type setView struct{ filterset.Set }

// RolloutPct is the roll-out fraction as a percentage.
func (s setView) RolloutPct() string { return strconv.FormatFloat(s.RolloutFraction*100, 'f', -1, 64) }

// BreakerOpen reports whether today's automated filings reached the cap.
func (s setView) BreakerOpen() bool {
	return s.Stats != nil && s.Stats.DailyCap > 0 && s.Stats.FiledToday >= int64(s.Stats.DailyCap)
}

// setsData is the banks or lists index.
type setsData struct {
	// Plural names the family in paths and texts (see filterset.Names).
	Plural   string
	Sets     []setView
	Next     string
	Policies []string
	Kinds    []string
	CanEdit  bool
	Errors   []string
	// The create form, kept on a refusal.
	Name, Policy, Kind, Labels, Language, Description string
}

func filterCursor(r *http.Request) string {
	c := r.URL.Query().Get("cursor")
	if len(c) > 100 {
		return ""
	}
	return c
}

// splitLabels reads the labels field: comma- or space-separated.
func splitLabels(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
}

func (p *Portal) setIndex(fs *filterset.Service) func(http.ResponseWriter, *http.Request, *req) {
	return func(w http.ResponseWriter, r *http.Request, q *req) {
		d := setsData{Policy: filterset.PolicyShadow}
		if kinds := fs.Kind.SetKinds(); len(kinds) > 0 {
			d.Kind = kinds[0]
		}
		p.renderSets(w, r, q, fs, http.StatusOK, d)
	}
}

func (p *Portal) renderSets(w http.ResponseWriter, r *http.Request, q *req, fs *filterset.Service, status int, d setsData) {
	n := fs.Kind.Names()
	items, next, err := fs.List(r.Context(), filterCursor(r), entryPage)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	for _, s := range items {
		full, err := fs.Get(r.Context(), s.ID)
		if err != nil {
			p.serverError(w, r, err)
			return
		}
		d.Sets = append(d.Sets, setView{full})
	}
	if next != "" {
		d.Next = "/" + n.Plural + "?" + url.Values{"cursor": {next}}.Encode()
	}
	d.Plural, d.Policies, d.Kinds, d.CanEdit = n.Plural, filterset.Policies, fs.Kind.SetKinds(), q.CanEditFilters()
	p.render(w, r, q, status, "sets", "flt."+n.Plural+".title", d)
}

func (p *Portal) setCreate(fs *filterset.Service) func(http.ResponseWriter, *http.Request, *req) {
	return func(w http.ResponseWriter, r *http.Request, q *req) {
		f, ok := p.postForm(w, r)
		if !ok {
			return
		}
		d := setsData{Name: f.Get("name"), Kind: f.Get("kind"), Policy: f.Get("policy"), Labels: f.Get("labels"), Language: f.Get("language"), Description: f.Get("description")}
		s, err := fs.Create(r.Context(), filterCaller(q), filterset.CreateInput{Name: d.Name, Kind: d.Kind, Policy: d.Policy,
			Labels: splitLabels(d.Labels), Language: d.Language, Description: d.Description})
		if p.formRefused(w, r, q, err, filterErrors, func(msgs []string) {
			d.Errors = msgs
			p.renderSets(w, r, q, fs, http.StatusUnprocessableEntity, d)
		}) {
			return
		}
		http.Redirect(w, r, "/"+fs.Kind.Names().Plural+"/"+s.ID+"?done=created", http.StatusSeeOther)
	}
}

// parseState reads the enable, roll-out and policy form of a bank or list.
// The roll-out is typed as a percentage; the service checks its range.
func parseState(r *http.Request) (filterset.PatchInput, error) {
	if err := r.ParseForm(); err != nil {
		return filterset.PatchInput{}, err
	}
	var in filterset.PatchInput
	enabled := r.PostForm.Get("enabled") != ""
	in.Enabled = &enabled
	if v := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(r.PostForm.Get("rollout")), "%")); v != "" {
		pct, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", "."), 64)
		if err != nil {
			return in, &notice.ValidationError{Fields: []notice.FieldError{{Field: "rollout_fraction", Code: "invalid",
				Message: fmt.Sprintf("%q is not a number", v)}}}
		}
		f := pct / 100
		in.RolloutFraction = &f
	}
	if v := r.PostForm.Get("policy"); v != "" {
		in.Policy = &v
	}
	return in, nil
}
