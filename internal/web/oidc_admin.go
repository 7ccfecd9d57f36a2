package web

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/sso"
)

// ssoData is the single sign-on section of the admin pages. RoleMap and
// Scopes are as the form shows them: one "value = role" a line, scopes
// apart by spaces.
type ssoData struct {
	On       bool
	Settings sso.Settings
	RoleMap  string
	Scopes   string
	Errors   []string
	Saved    bool
	Callback string
}

func roleMapText(m map[string]org.Role) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + " = " + string(m[k]) + "\n")
	}
	return b.String()
}

// parseRoleMap reads the form's "value = role" lines; the last "=" splits,
// so a value may hold one.
func parseRoleMap(text string) (map[string]org.Role, error) {
	out := map[string]org.Role{}
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		i := strings.LastIndex(line, "=")
		if i < 0 {
			return nil, &notice.ValidationError{Fields: []notice.FieldError{{Field: "role_map", Code: "invalid",
				Message: "each line must read: claim value = role"}}}
		}
		out[strings.TrimSpace(line[:i])] = org.Role(strings.TrimSpace(line[i+1:]))
	}
	return out, nil
}

func (p *Portal) adminSSO(w http.ResponseWriter, r *http.Request, q *req) {
	d := ssoData{Callback: baseURL(r) + "/login/oidc/callback", Saved: r.URL.Query().Get("saved") == "1"}
	st, err := p.SSO.Settings(r.Context())
	switch {
	case errors.Is(err, sso.ErrNotConfigured):
		d.Settings = sso.Settings{RoleClaim: "groups"}
	case err != nil:
		p.serverError(w, r, err)
		return
	default:
		d.On, d.Settings = true, st
		d.RoleMap, d.Scopes = roleMapText(st.RoleMap), strings.Join(st.Scopes, " ")
	}
	p.render(w, r, q, http.StatusOK, "admin_sso", "sso.admin.title", d)
}

func (p *Portal) adminSSOPost(w http.ResponseWriter, r *http.Request, q *req) {
	if err := r.ParseForm(); err != nil {
		p.serverError(w, r, err)
		return
	}
	f := r.PostForm
	d := ssoData{Callback: baseURL(r) + "/login/oidc/callback", RoleMap: f.Get("role_map"), Scopes: f.Get("scopes")}
	d.Settings = sso.Settings{Issuer: f.Get("issuer"), ClientID: f.Get("client_id"), ClientSecret: f.Get("client_secret"),
		RoleClaim: f.Get("role_claim"), EmailDomain: f.Get("email_domain"), Name: f.Get("name"), Scopes: strings.Fields(d.Scopes)}
	if cur, err := p.SSO.Settings(r.Context()); err == nil {
		d.On, d.Settings.SecretSet = true, cur.SecretSet
	}
	m, err := parseRoleMap(d.RoleMap)
	if err == nil {
		d.Settings.RoleMap = m
		_, err = p.SSO.Put(r.Context(), d.Settings)
	}
	if p.formFailed(w, r, q, err, func(msgs []string) {
		d.Settings.ClientSecret = ""
		d.Errors = msgs
		p.render(w, r, q, http.StatusUnprocessableEntity, "admin_sso", "sso.admin.title", d)
	}) {
		return
	}
	http.Redirect(w, r, "/admin/sso?saved=1", http.StatusSeeOther)
}

func (p *Portal) adminSSORemove(w http.ResponseWriter, r *http.Request, q *req) {
	if err := p.SSO.Remove(r.Context()); err != nil && !errors.Is(err, sso.ErrNotConfigured) {
		p.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/sso", http.StatusSeeOther)
}
