package web

import (
	"errors"
	"net/http"

	"github.com/sigap/sigap/internal/account"
	"github.com/sigap/sigap/internal/i18n"
)

type setPasswordData struct {
	Token, Email, Error string
	Bad                 bool
	Min                 int
}

func (p *Portal) setPasswordPage(w http.ResponseWriter, r *http.Request) {
	q := p.anon(r)
	token := r.PathValue("token")
	w.Header().Set("Cache-Control", "no-store")
	u, err := p.Accounts.LinkUser(r.Context(), token)
	if errors.Is(err, account.ErrBadLink) {
		p.render(w, r, q, http.StatusNotFound, "set_password", "setpw.title", setPasswordData{Bad: true})
		return
	}
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	p.render(w, r, q, http.StatusOK, "set_password", "setpw.title", setPasswordData{Token: token, Email: u.Email, Min: account.MinPassword})
}

func (p *Portal) setPasswordPost(w http.ResponseWriter, r *http.Request) {
	q := p.anon(r)
	token := r.PathValue("token")
	w.Header().Set("Cache-Control", "no-store")
	if err := r.ParseForm(); err != nil {
		p.serverError(w, r, err)
		return
	}
	u, err := p.Accounts.SetPassword(r.Context(), token, r.PostForm.Get("password"), r.PostForm.Get("again"))
	d := setPasswordData{Token: token, Email: u.Email, Min: account.MinPassword}
	switch {
	case err == nil:
		clearSessionCookie(w, r)
		http.Redirect(w, r, "/login?m=password_set", http.StatusSeeOther)
		return
	case errors.Is(err, account.ErrBadLink):
		p.render(w, r, q, http.StatusNotFound, "set_password", "setpw.title", setPasswordData{Bad: true})
		return
	case errors.Is(err, account.ErrMismatch):
		d.Error = i18n.T(q.Lang, "setpw.mismatch")
	case errors.Is(err, account.ErrWeakPassword):
		d.Error = i18n.T(q.Lang, "setpw.weak", account.MinPassword, account.MaxPassword)
	default:
		p.serverError(w, r, err)
		return
	}
	if lu, lerr := p.Accounts.LinkUser(r.Context(), token); lerr == nil {
		d.Email = lu.Email
	}
	p.render(w, r, q, http.StatusUnprocessableEntity, "set_password", "setpw.title", d)
}
