package web

import (
	"errors"
	"net/http"

	"github.com/sigap/sigap/internal/account"
	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

type orgsData struct {
	Orgs   []org.Org
	Kinds  []string
	Name   string
	Kind   string
	Errors []string
}

// adminOrgs lists every org for the platform's admins; an org's own admin goes to their org.
func (p *Portal) adminOrgs(w http.ResponseWriter, r *http.Request, q *req) {
	if !q.IsPlatform() {
		http.Redirect(w, r, "/admin/orgs/"+q.User.OrgID, http.StatusSeeOther)
		return
	}
	p.renderOrgs(w, r, q, http.StatusOK, orgsData{Kind: string(org.KindAuthority)})
}

func (p *Portal) renderOrgs(w http.ResponseWriter, r *http.Request, q *req, status int, d orgsData) {
	orgs, err := p.DB.Orgs(r.Context())
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	d.Orgs, d.Kinds = orgs, []string{string(org.KindAuthority), string(org.KindFlagger), string(org.KindPlatform)}
	p.render(w, r, q, status, "admin_orgs", "admin.orgs", d)
}

func (p *Portal) adminCreateOrg(w http.ResponseWriter, r *http.Request, q *req) {
	if !q.IsPlatform() {
		p.errorPage(w, r, http.StatusForbidden, "error.forbidden")
		return
	}
	f, ok := p.postForm(w, r)
	if !ok {
		return
	}
	d := orgsData{Name: f.Get("name"), Kind: f.Get("kind")}
	if same, found, err := p.orgNamed(r.Context(), d.Name, org.Kind(d.Kind)); err != nil || found {
		if err != nil {
			p.serverError(w, r, err)
			return
		}
		d.Errors = []string{i18n.T(q.Lang, "admin.err.same_name", same.Name)}
		p.renderOrgs(w, r, q, http.StatusConflict, d)
		return
	}
	o, err := p.Admin.CreateOrg(r.Context(), d.Name, org.Kind(d.Kind), f.Get("default_regime"))
	if p.formFailed(w, r, q, err, func(msgs []string) {
		d.Errors = msgs
		p.renderOrgs(w, r, q, http.StatusUnprocessableEntity, d)
	}) {
		return
	}
	http.Redirect(w, r, "/admin/orgs/"+o.ID, http.StatusSeeOther)
}

// formFailed answers a form's failed err: a validation error by again, which
// shows the form once more with the messages, any other as a server error.
// It reports whether there was an error.
func (p *Portal) formFailed(w http.ResponseWriter, r *http.Request, q *req, err error, again func(msgs []string)) bool {
	return p.formRefused(w, r, q, err, validationMessages, again)
}

// formRefused is formFailed for a form whose errors explain reads: what it
// takes for the user's mistake goes to again, in the user's language.
func (p *Portal) formRefused(w http.ResponseWriter, r *http.Request, q *req, err error,
	explain func(lang string, err error) ([]string, bool), again func(msgs []string)) bool {
	if msgs, ok := explain(q.Lang, err); ok {
		again(msgs)
		return true
	}
	if err != nil {
		p.serverError(w, r, err)
		return true
	}
	return false
}

// validationMessages reads a validation error's fields in lang.
func validationMessages(lang string, err error) ([]string, bool) {
	var ve *notice.ValidationError
	if !errors.As(err, &ve) {
		return nil, false
	}
	return fieldMessages(lang, ve), true
}

func fieldMessages(lang string, ve *notice.ValidationError) []string {
	out := make([]string, len(ve.Fields))
	for i, fe := range ve.Fields {
		out[i] = i18n.T(lang, "field."+formField(fe.Field)) + ": " + fieldMessage(lang, fe)
	}
	return out
}

type orgData struct {
	Org    org.Org
	Users  []org.User
	Keys   []store.KeyInfo
	Roles  []string
	Errors []string
	// Shown once: a new user's set-password link, or a new API key.
	NewLink, LinkFor, NewKey string
	Email, Name, Role        string
	// SecondFactor is the org's second-factor policy, one of SecondFactors.
	SecondFactor  string
	SecondFactors []string
}

// orgFor loads an org the admin may manage: any for the platform's admins, their own otherwise.
func (p *Portal) orgFor(r *http.Request, q *req, id string) (org.Org, error) {
	if !q.IsPlatform() && id != q.User.OrgID {
		return org.Org{}, store.ErrNotFound
	}
	return p.DB.Org(r.Context(), id)
}

func (p *Portal) adminOrg(w http.ResponseWriter, r *http.Request, q *req) {
	o, err := p.orgFor(r, q, r.PathValue("id"))
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	p.renderOrg(w, r, q, http.StatusOK, orgData{Org: o})
}

func (p *Portal) renderOrg(w http.ResponseWriter, r *http.Request, q *req, status int, d orgData) {
	var err error
	if d.Users, err = p.DB.Users(r.Context(), d.Org.ID); err != nil {
		p.serverError(w, r, err)
		return
	}
	if d.Keys, err = p.DB.Keys(r.Context(), d.Org.ID); err != nil {
		p.serverError(w, r, err)
		return
	}
	if d.SecondFactor, err = p.Accounts.SecondFactorPolicy(r.Context(), d.Org.ID); err != nil {
		p.serverError(w, r, err)
		return
	}
	d.SecondFactors = []string{account.PolicyTOTPOrPasskey, account.PolicyPasskeyForAdmins, account.PolicyPasskeyForEveryone}
	for _, role := range []org.Role{org.RoleAdmin, org.RoleReviewer, org.RoleAuthority, org.RoleFlagger, org.RoleAuditor} {
		if org.RoleFits(d.Org.Kind, role) == nil {
			d.Roles = append(d.Roles, string(role))
		}
	}
	if d.Role == "" && len(d.Roles) > 0 {
		d.Role = d.Roles[len(d.Roles)-1]
		for _, role := range d.Roles {
			if role == string(org.RoleAuthority) || role == string(org.RoleFlagger) || role == string(org.RoleReviewer) {
				d.Role = role
			}
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	p.render(w, r, q, status, "admin_org", "admin.org", d)
}

// orgForm is orgFor on the path's org with the posted form parsed; false: answered already.
func (p *Portal) orgForm(w http.ResponseWriter, r *http.Request, q *req) (org.Org, bool) {
	o, err := p.orgFor(r, q, r.PathValue("id"))
	if err == nil {
		err = r.ParseForm()
	}
	if err != nil {
		p.serverError(w, r, err)
		return org.Org{}, false
	}
	return o, true
}

func (p *Portal) adminCreateUser(w http.ResponseWriter, r *http.Request, q *req) {
	o, ok := p.orgForm(w, r, q)
	if !ok {
		return
	}
	d := orgData{Org: o, Email: r.PostForm.Get("email"), Name: r.PostForm.Get("name"), Role: r.PostForm.Get("role")}
	u, link, err := p.Accounts.CreateUser(r.Context(), o.ID, d.Email, d.Name, org.Role(d.Role))
	if p.formFailed(w, r, q, err, func(msgs []string) {
		d.Errors = msgs
		p.renderOrg(w, r, q, http.StatusUnprocessableEntity, d)
	}) {
		return
	}
	p.renderOrg(w, r, q, http.StatusCreated, orgData{Org: o, NewLink: link.URL(baseURL(r)), LinkFor: u.Email})
}

func (p *Portal) adminCreateKey(w http.ResponseWriter, r *http.Request, q *req) {
	o, ok := p.orgForm(w, r, q)
	if !ok {
		return
	}
	k, err := p.Admin.CreateKey(r.Context(), o.ID, org.Role(r.PostForm.Get("role")))
	if p.formFailed(w, r, q, err, func(msgs []string) {
		p.renderOrg(w, r, q, http.StatusUnprocessableEntity, orgData{Org: o, Errors: msgs})
	}) {
		return
	}
	p.renderOrg(w, r, q, http.StatusCreated, orgData{Org: o, NewKey: k.Key})
}

// adminRevokeKey revokes one of the org's keys; it is refused from the
// moment this commits, on every replica.
func (p *Portal) adminRevokeKey(w http.ResponseWriter, r *http.Request, q *req) {
	o, err := p.orgFor(r, q, r.PathValue("id"))
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	if err := p.Admin.RevokeKey(r.Context(), o.ID, r.PathValue("key")); err != nil {
		p.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/orgs/"+o.ID+"#keys-h", http.StatusSeeOther)
}

// adminUserState disables a user (their sessions end at once) or enables them again.
func (p *Portal) adminUserState(disable bool) func(http.ResponseWriter, *http.Request, *req) {
	return func(w http.ResponseWriter, r *http.Request, q *req) {
		u, o, ok := p.userOrg(w, r, q)
		if !ok {
			return
		}
		if disable && u.ID == q.User.ID {
			// Locking oneself out needs no button; another admin can do it.
			p.renderOrg(w, r, q, http.StatusUnprocessableEntity, orgData{Org: o, Errors: []string{i18n.T(q.Lang, "admin.disable_self")}})
			return
		}
		if _, err := p.Accounts.SetDisabled(r.Context(), o.ID, u.ID, disable); err != nil {
			p.serverError(w, r, err)
			return
		}
		http.Redirect(w, r, "/admin/orgs/"+o.ID+"#users-h", http.StatusSeeOther)
	}
}

// userOrg loads the path's user and, through orgFor, their org; false: answered already.
func (p *Portal) userOrg(w http.ResponseWriter, r *http.Request, q *req) (org.User, org.Org, bool) {
	u, err := p.DB.User(r.Context(), r.PathValue("id"))
	if err != nil {
		p.serverError(w, r, err)
		return org.User{}, org.Org{}, false
	}
	o, err := p.orgFor(r, q, u.OrgID)
	if err != nil {
		p.serverError(w, r, err)
		return org.User{}, org.Org{}, false
	}
	return u, o, true
}

func (p *Portal) adminResetUser(w http.ResponseWriter, r *http.Request, q *req) {
	u, o, ok := p.userOrg(w, r, q)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		p.serverError(w, r, err)
		return
	}
	link, err := p.Accounts.ResetUser(r.Context(), o.ID, u.ID, r.PostForm.Get("totp") != "")
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	p.renderOrg(w, r, q, http.StatusOK, orgData{Org: o, NewLink: link.URL(baseURL(r)), LinkFor: u.Email})
}
