package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/sigap/sigap/internal/account"
	"github.com/sigap/sigap/internal/sso"
)

// ssoCookie carries a sign-in's state from /login/oidc to its callback, so
// a callback only completes in the browser that started it (no login CSRF).
const ssoCookie = "sigap_sso"

// ssoButton is the provider's name for the login page's "Sign in with"
// button, or "" when single sign-on is off (or its setting cannot be read:
// the password form still works then).
func (p *Portal) ssoButton(ctx context.Context) string {
	st, err := p.SSO.Settings(ctx)
	if err != nil {
		if !errors.Is(err, sso.ErrNotConfigured) {
			p.Log.WarnContext(ctx, "portal: read the single sign-on setting", "err", err)
		}
		return ""
	}
	return st.DisplayName()
}

// oidcStart sends the browser to the provider with a fresh state, nonce and
// PKCE challenge.
func (p *Portal) oidcStart(w http.ResponseWriter, r *http.Request) {
	authURL, state, err := p.SSO.Begin(r.Context(), baseURL(r)+"/login/oidc/callback")
	if err != nil {
		p.oidcRefused(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: state, Path: "/login/oidc", MaxAge: 600, HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, authURL, http.StatusSeeOther)
}

// oidcCallback completes a sign-in: the provider's answer is checked, the
// user made or updated, and a full session started. The provider stands for
// the second factor (docs/portal.md), so there is no TOTP step.
func (p *Portal) oidcCallback(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: "", Path: "/login/oidc", MaxAge: -1, HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
	qs := r.URL.Query()
	c, err := r.Cookie(ssoCookie)
	state := qs.Get("state")
	switch {
	case err != nil || state == "" || c.Value != state:
		p.oidcRefused(w, r, sso.ErrBadState)
		return
	case qs.Get("error") != "":
		// The provider refused (the person cancelled, or is not let in there);
		// spend the state all the same.
		if err := p.SSO.Cancel(r.Context(), state); err != nil {
			p.oidcRefused(w, r, err)
			return
		}
		p.Log.InfoContext(r.Context(), "portal: the provider refused a sign-in", "error", qs.Get("error"))
		p.renderRefused(w, r, http.StatusUnauthorized, "sso.refused.provider")
		return
	}
	u, err := p.SSO.Finish(r.Context(), state, qs.Get("code"))
	if err != nil {
		p.oidcRefused(w, r, err)
		return
	}
	token, err := p.Accounts.NewSession(r.Context(), u.ID, account.StageFull, cookieToken(r))
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	setSessionCookie(w, r, token)
	http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
}

// oidcRefusals are the refusals a person is told of, each with its status
// and message key; anything else is a server error.
var oidcRefusals = []keyedRefusal{
	{sso.ErrNotConfigured, http.StatusNotFound, "sso.refused.off"},
	{sso.ErrBadState, http.StatusBadRequest, "sso.refused.state"},
	{sso.ErrWrongIssuer, http.StatusUnauthorized, "sso.refused.issuer"},
	{sso.ErrWrongAudience, http.StatusUnauthorized, "sso.refused.audience"},
	{sso.ErrExpired, http.StatusUnauthorized, "sso.refused.expired"},
	{sso.ErrBadToken, http.StatusUnauthorized, "sso.refused.token"},
	{sso.ErrNoEmail, http.StatusForbidden, "sso.refused.email"},
	{sso.ErrUnmappedRole, http.StatusForbidden, "sso.refused.role"},
	{sso.ErrDisabled, http.StatusForbidden, "sso.refused.disabled"},
	{sso.ErrNotPlatformUser, http.StatusForbidden, "sso.refused.not_platform"},
}

// oidcRefused shows why a sign-in through the provider was refused.
func (p *Portal) oidcRefused(w http.ResponseWriter, r *http.Request, err error) {
	var pe *sso.ProviderError
	if errors.As(err, &pe) {
		p.Log.WarnContext(r.Context(), "portal: single sign-on: the provider failed", "err", err)
		p.renderRefused(w, r, http.StatusBadGateway, "sso.refused.unreachable")
		return
	}
	if rf, ok := matchRefusal(oidcRefusals, err); ok {
		p.Log.InfoContext(r.Context(), "portal: single sign-on refused", "err", err)
		p.renderRefused(w, r, rf.status, rf.key)
		return
	}
	p.serverError(w, r, err)
}

func (p *Portal) renderRefused(w http.ResponseWriter, r *http.Request, status int, key string) {
	p.render(w, r, p.anon(r), status, "oidc_refused", "sso.refused.title", map[string]any{"Message": key})
}
