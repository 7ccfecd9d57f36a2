package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/sigap/sigap/internal/account"
	"github.com/sigap/sigap/internal/i18n"
)

// home sends a visitor to the dashboard, or to sign in.
func (p *Portal) home(w http.ResponseWriter, r *http.Request) {
	if _, err := p.session(w, r); err == nil {
		http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

type loginData struct {
	Email   string
	Error   string
	NoUsers bool
	// SSO names the provider of the "Sign in with" button (oidc.go); "" hides it.
	SSO string
}

func (p *Portal) loginPage(w http.ResponseWriter, r *http.Request) {
	q := p.anon(r)
	if s, err := p.session(w, r); err == nil && s.Sess.Stage == account.StageFull {
		http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
		return
	}
	n, err := p.DB.CountUsers(r.Context())
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	p.render(w, r, q, http.StatusOK, "login", "login.title", loginData{NoUsers: n == 0, SSO: p.ssoButton(r.Context())})
}

func (p *Portal) loginPost(w http.ResponseWriter, r *http.Request) {
	q := p.anon(r)
	if err := r.ParseForm(); err != nil {
		p.serverError(w, r, err)
		return
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	u, err := p.Accounts.Login(r.Context(), email, r.PostForm.Get("password"), clientIP(r))
	if p.authRefused(w, r, q, err, func(status int, msg string) {
		if len(email) > 254 {
			email = ""
		}
		p.render(w, r, q, status, "login", "login.title", loginData{Email: email, Error: msg, SSO: p.ssoButton(r.Context())})
	}) {
		return
	}
	stage, err := p.secondFactorStage(r, u)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	token, err := p.Accounts.NewSession(r.Context(), u.ID, stage, cookieToken(r))
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	setSessionCookie(w, r, token)
	http.Redirect(w, r, afterPassword(u, stage), http.StatusSeeOther)
}

// nextFor is the page a session at this stage goes to.
func nextFor(stage string) string {
	switch stage {
	case account.StageTOTP:
		return "/login/totp"
	case account.StageEnrol:
		return "/account/totp"
	case account.StagePasskey:
		return "/login/passkey"
	case account.StagePasskeyEnrol:
		return "/account/passkeys"
	}
	return "/dashboard"
}

// authError turns a sign-in failure into a status and a message; 0 means an internal error.
func authError(lang string, err error) (int, string) {
	var le *account.LockedError
	switch {
	case errors.As(err, &le):
		return http.StatusForbidden, i18n.T(lang, "login.locked", le.Until.In(wib).Format("15:04")+" WIB")
	case errors.Is(err, account.ErrThrottled):
		return http.StatusTooManyRequests, i18n.T(lang, "login.throttled")
	case errors.Is(err, account.ErrBadCredentials):
		return http.StatusUnauthorized, i18n.T(lang, "login.bad")
	case errors.Is(err, account.ErrBadCode):
		return http.StatusUnauthorized, i18n.T(lang, "totp.bad")
	}
	return 0, ""
}

// authRefused answers a failed sign-in step's err: a refusal authError
// explains by again, which shows the page once more with its status and
// message, any other as a server error. It reports whether there was an error.
func (p *Portal) authRefused(w http.ResponseWriter, r *http.Request, q *req, err error, again func(status int, msg string)) bool {
	if err == nil {
		return false
	}
	if status, msg := authError(q.Lang, err); status != 0 {
		again(status, msg)
	} else {
		p.serverError(w, r, err)
	}
	return true
}

// stageForm is stageSession for a post, with its form parsed.
func (p *Portal) stageForm(w http.ResponseWriter, r *http.Request, stages ...string) *req {
	q := p.stageSession(w, r, stages...)
	if q == nil {
		return nil
	}
	if err := r.ParseForm(); err != nil {
		p.serverError(w, r, err)
		return nil
	}
	return q
}

// stageSession loads a session that must be at stage, or redirects.
func (p *Portal) stageSession(w http.ResponseWriter, r *http.Request, stages ...string) *req {
	q, err := p.session(w, r)
	if err != nil {
		if errors.Is(err, account.ErrSessionExpired) {
			http.Redirect(w, r, "/login?m=expired", http.StatusSeeOther)
		} else if errors.Is(err, account.ErrNoSession) || errors.Is(err, account.ErrDisabled) {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
		} else {
			p.serverError(w, r, err)
		}
		return nil
	}
	for _, s := range stages {
		if q.Sess.Stage == s {
			return q
		}
	}
	http.Redirect(w, r, nextFor(q.Sess.Stage), http.StatusSeeOther)
	return nil
}

type codeData struct{ Error string }

func (p *Portal) totpPage(w http.ResponseWriter, r *http.Request) {
	q := p.stageSession(w, r, account.StageTOTP)
	if q == nil {
		return
	}
	p.render(w, r, q, http.StatusOK, "totp", "totp.title", codeData{})
}

func (p *Portal) totpPost(w http.ResponseWriter, r *http.Request) {
	q := p.stageForm(w, r, account.StageTOTP)
	if q == nil {
		return
	}
	err := p.Accounts.CheckTOTP(r.Context(), q.User.ID, r.PostForm.Get("code"), clientIP(r))
	if p.authRefused(w, r, q, err, func(status int, msg string) {
		p.render(w, r, q, status, "totp", "totp.title", codeData{Error: msg})
	}) {
		return
	}
	stage, err := p.Accounts.StageAfterTOTP(r.Context(), *q.User)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	token, err := p.Accounts.NewSession(r.Context(), q.User.ID, stage, q.Token)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	setSessionCookie(w, r, token)
	http.Redirect(w, r, nextFor(stage), http.StatusSeeOther)
}

func (p *Portal) logout(w http.ResponseWriter, r *http.Request) {
	if err := p.Accounts.EndSession(r.Context(), cookieToken(r)); err != nil {
		p.serverError(w, r, err)
		return
	}
	clearSessionCookie(w, r)
	http.Redirect(w, r, "/login?m=signed_out", http.StatusSeeOther)
}

// setLang stores the language choice: on the user when signed in, in a cookie always.
func (p *Portal) setLang(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		p.serverError(w, r, err)
		return
	}
	lang := r.PostForm.Get("lang")
	if !i18n.Valid(lang) {
		p.errorPage(w, r, http.StatusBadRequest, "error.bad_request")
		return
	}
	if q, err := p.session(w, r); err == nil {
		if err := p.Accounts.SetLanguage(r.Context(), q.User.ID, lang); err != nil {
			p.serverError(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, sameSitePath(r.PostForm.Get("back")), http.StatusSeeOther)
}
