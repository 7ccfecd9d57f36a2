package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/sigap/sigap/internal/account"
	"github.com/sigap/sigap/internal/audit"
	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// passkeyRoutes adds the passkey pages and the JSON steps their script calls.
// The ceremonies need navigator.credentials, so they are the portal's only
// script-driven forms; the script is a static file, so the CSP stays
// script-src 'self'.
func (p *Portal) passkeyRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /account/passkeys", p.atStage(registerStages, p.passkeysPage))
	mux.HandleFunc("POST /account/passkeys/begin", p.jsonAtStage(registerStages, p.passkeyBegin(p.Accounts.BeginPasskeyRegistration)))
	mux.HandleFunc("POST /account/passkeys/finish", p.jsonAtStage(registerStages, p.passkeyRegisterFinish))
	mux.Handle("POST /account/passkeys/{id}/remove", p.signedIn(p.passkeyRemove))
	mux.HandleFunc("GET /login/passkey", p.atStage(loginStages, p.passkeyLoginPage))
	mux.HandleFunc("POST /login/passkey/begin", p.jsonAtStage(loginStages, p.passkeyBegin(p.Accounts.BeginPasskeyLogin)))
	mux.HandleFunc("POST /login/passkey/finish", p.jsonAtStage(loginStages, p.passkeyLoginFinish))
	mux.Handle("POST /admin/orgs/{id}/auth-policy", p.signedIn(p.adminAuthPolicy, org.RoleAdmin))
}

// registerStages may add a passkey: a signed-in person, and one whose
// password was right but who must enrol a second factor first.
var registerStages = []string{account.StageFull, account.StageEnrol, account.StagePasskeyEnrol}

// relyingParty is the site passkeys are bound to for this request.
func (p *Portal) relyingParty(r *http.Request) (account.RelyingParty, error) {
	return account.RelyingPartyFor(p.Config.PublicOrigin, r.Host, r.TLS != nil)
}

type passkeysData struct {
	Keys []store.Passkey
	// Enrol: the person must add a passkey before going on.
	Enrol       bool
	Unsupported bool
	Error       string
}

func (p *Portal) passkeysPage(w http.ResponseWriter, r *http.Request, q *req) {
	p.renderPasskeys(w, r, q, http.StatusOK, "")
}

func (p *Portal) renderPasskeys(w http.ResponseWriter, r *http.Request, q *req, status int, msg string) {
	keys, err := p.Accounts.Passkeys(r.Context(), q.User.ID)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	d := passkeysData{Keys: keys, Enrol: q.Sess.Stage != account.StageFull, Unsupported: p.passkeysUnsupported(r), Error: msg}
	p.renderPasskeyPage(w, r, q, status, "passkeys", "passkey.title", d)
}

// passkeysUnsupported says this request's site cannot bind passkeys, so a
// page offers none.
func (p *Portal) passkeysUnsupported(r *http.Request) bool {
	_, err := p.relyingParty(r)
	return err != nil
}

// renderPasskeyPage renders a page of a passkey ceremony, which no cache
// may keep.
func (p *Portal) renderPasskeyPage(w http.ResponseWriter, r *http.Request, q *req, status int, page, title string, d any) {
	w.Header().Set("Cache-Control", "no-store")
	p.render(w, r, q, status, page, title, d)
}

// jsonAnswer writes the small JSON answers the passkey script reads.
func jsonAnswer(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func jsonError(w http.ResponseWriter, status int, msg string) {
	jsonAnswer(w, status, map[string]string{"error": msg})
}

// jsonSession is stageSession for the script's calls: it answers 401 with
// where to go rather than redirecting a fetch.
func (p *Portal) jsonSession(w http.ResponseWriter, r *http.Request, stages ...string) *req {
	q, err := p.session(w, r)
	if err != nil {
		if errors.Is(err, account.ErrNoSession) || errors.Is(err, account.ErrSessionExpired) || errors.Is(err, account.ErrDisabled) {
			jsonAnswer(w, http.StatusUnauthorized, map[string]string{"error": i18n.T(p.anon(r).Lang, "passkey.signed_out"), "next": "/login"})
			return nil
		}
		p.Log.ErrorContext(r.Context(), "passkey: session", "err", err)
		jsonError(w, http.StatusInternalServerError, i18n.T(p.anon(r).Lang, "error.internal"))
		return nil
	}
	for _, s := range stages {
		if q.Sess.Stage == s {
			return q
		}
	}
	jsonAnswer(w, http.StatusConflict, map[string]string{"error": i18n.T(q.Lang, "passkey.wrong_step"), "next": nextFor(q.Sess.Stage)})
	return nil
}

// atStage serves h to a session in one of stages; any other is redirected
// as stageSession does.
func (p *Portal) atStage(stages []string, h func(http.ResponseWriter, *http.Request, *req)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if q := p.stageSession(w, r, stages...); q != nil {
			h(w, r, q)
		}
	}
}

// jsonAtStage is atStage for the script's calls, answered as jsonSession
// does.
func (p *Portal) jsonAtStage(stages []string, h func(http.ResponseWriter, *http.Request, *req)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if q := p.jsonSession(w, r, stages...); q != nil {
			h(w, r, q)
		}
	}
}

// passkeyFailure answers a failed ceremony step with a message in the person's language.
func (p *Portal) passkeyFailure(w http.ResponseWriter, r *http.Request, q *req, err error) {
	var le *account.LockedError
	var ve *notice.ValidationError
	switch {
	case errors.Is(err, account.ErrNoRelyingParty):
		jsonError(w, http.StatusServiceUnavailable, i18n.T(q.Lang, "passkey.unsupported"))
	case errors.Is(err, account.ErrPasskeyReplayed), errors.Is(err, account.ErrBadPasskey):
		jsonError(w, http.StatusUnauthorized, i18n.T(q.Lang, "passkey.bad"))
	case errors.Is(err, account.ErrNoPasskey):
		jsonError(w, http.StatusConflict, i18n.T(q.Lang, "passkey.none"))
	case errors.As(err, &le), errors.Is(err, account.ErrThrottled):
		status, msg := authError(q.Lang, err)
		jsonError(w, status, msg)
	case errors.As(err, &ve):
		jsonError(w, http.StatusUnprocessableEntity, i18n.T(q.Lang, "passkey.bad_name", account.MaxPasskeyName))
	default:
		p.Log.ErrorContext(r.Context(), "passkey ceremony failed", "path", r.URL.Path, "err", err)
		jsonError(w, http.StatusInternalServerError, i18n.T(q.Lang, "error.internal"))
	}
}

// passkeyBegin starts a ceremony (registration or sign-in) and answers the
// options the browser's script hands to navigator.credentials.
func (p *Portal) passkeyBegin(
	begin func(ctx context.Context, rp account.RelyingParty, userID, token string) (json.RawMessage, error)) func(http.ResponseWriter, *http.Request, *req) {
	return func(w http.ResponseWriter, r *http.Request, q *req) {
		rp, err := p.relyingParty(r)
		if err != nil {
			p.passkeyFailure(w, r, q, err)
			return
		}
		opts, err := begin(r.Context(), rp, q.User.ID, q.Token)
		if err != nil {
			p.passkeyFailure(w, r, q, err)
			return
		}
		jsonAnswer(w, http.StatusOK, opts)
	}
}

// finishInput reads what the script sends to finish a ceremony, decoded
// into into unless it is nil, and the site the passkey is bound to; a step
// without them is answered, and ok is false.
func (p *Portal) finishInput(w http.ResponseWriter, r *http.Request, q *req, into any) (raw []byte, rp account.RelyingParty, ok bool) {
	raw, err := io.ReadAll(r.Body)
	if err == nil && into != nil {
		err = json.Unmarshal(raw, into)
	}
	if err != nil {
		jsonError(w, http.StatusBadRequest, i18n.T(q.Lang, "error.bad_request"))
		return nil, rp, false
	}
	if rp, err = p.relyingParty(r); err != nil {
		p.passkeyFailure(w, r, q, err)
		return nil, rp, false
	}
	return raw, rp, true
}

// passkeyRegistration is what the script sends to finish a registration.
type passkeyRegistration struct {
	Name       string          `json:"name"`
	Credential json.RawMessage `json:"credential"`
}

func (p *Portal) passkeyRegisterFinish(w http.ResponseWriter, r *http.Request, q *req) {
	var body passkeyRegistration
	_, rp, ok := p.finishInput(w, r, q, &body)
	if !ok {
		return
	}
	ctx := audit.WithActor(r.Context(), q.User.ID)
	if _, err := p.Accounts.FinishPasskeyRegistration(ctx, rp, q.User.ID, q.Token, body.Name, body.Credential); err != nil {
		p.passkeyFailure(w, r, q, err)
		return
	}
	if q.Sess.Stage == account.StageFull {
		jsonAnswer(w, http.StatusOK, map[string]string{"next": "/account/passkeys"})
		return
	}
	// Enrolled during sign-in: the passkey was just made by this person on
	// this device after the right password, as a TOTP enrolment is.
	p.passkeySignedIn(w, r, q, "/dashboard?m=totp_on")
}

// passkeySignedIn ends a ceremony that completes a sign-in: it swaps the
// partial session for a full one and tells the script where to go next.
func (p *Portal) passkeySignedIn(w http.ResponseWriter, r *http.Request, q *req, next string) {
	token, err := p.Accounts.NewSession(r.Context(), q.User.ID, account.StageFull, q.Token)
	if err != nil {
		p.passkeyFailure(w, r, q, err)
		return
	}
	setSessionCookie(w, r, token)
	jsonAnswer(w, http.StatusOK, map[string]string{"next": next})
}

func (p *Portal) passkeyRemove(w http.ResponseWriter, r *http.Request, q *req) {
	err := p.Accounts.RemovePasskey(r.Context(), q.User.ID, r.PathValue("id"))
	if errors.Is(err, account.ErrLastPasskey) {
		p.renderPasskeys(w, r, q, http.StatusConflict, i18n.T(q.Lang, "passkey.last"))
		return
	}
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/account/passkeys", http.StatusSeeOther)
}

// loginStages may sign in with a passkey: the second step, where the policy
// allows TOTP or a passkey, and the passkey step where it demands one.
var loginStages = []string{account.StageTOTP, account.StagePasskey}

type passkeyLoginData struct {
	Unsupported bool
	// CodeAllowed: the policy lets this person use a TOTP code instead.
	CodeAllowed bool
}

func (p *Portal) passkeyLoginPage(w http.ResponseWriter, r *http.Request, q *req) {
	d := passkeyLoginData{CodeAllowed: q.Sess.Stage == account.StageTOTP && q.User.TOTPEnabled, Unsupported: p.passkeysUnsupported(r)}
	p.renderPasskeyPage(w, r, q, http.StatusOK, "login_passkey", "passkey.login_title", d)
}

func (p *Portal) passkeyLoginFinish(w http.ResponseWriter, r *http.Request, q *req) {
	raw, rp, ok := p.finishInput(w, r, q, nil)
	if !ok {
		return
	}
	if err := p.Accounts.FinishPasskeyLogin(r.Context(), rp, q.User.ID, q.Token, raw, clientIP(r)); err != nil {
		p.passkeyFailure(w, r, q, err)
		return
	}
	p.passkeySignedIn(w, r, q, "/dashboard")
}

// secondFactorStage is the stage after a right password under the user's
// org's policy; the login page calls it so its own code stays as it was.
func (p *Portal) secondFactorStage(r *http.Request, u org.User) (string, error) {
	return p.Accounts.SecondFactorStage(r.Context(), u)
}

// adminAuthPolicy sets an org's second-factor policy: the platform's admins only.
func (p *Portal) adminAuthPolicy(w http.ResponseWriter, r *http.Request, q *req) {
	if !q.IsPlatform() {
		p.render(w, r, q, http.StatusForbidden, "error", "error.title", map[string]any{"Message": "error.forbidden", "Status": http.StatusForbidden})
		return
	}
	if err := r.ParseForm(); err != nil {
		p.serverError(w, r, err)
		return
	}
	id := r.PathValue("id")
	err := p.Accounts.SetSecondFactorPolicy(r.Context(), id, r.PostForm.Get("second_factor"))
	var ve *notice.ValidationError
	if errors.As(err, &ve) {
		p.errorPage(w, r, http.StatusUnprocessableEntity, "error.bad_request")
		return
	}
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/orgs/"+id+"#auth-policy-h", http.StatusSeeOther)
}

// afterPassword is where a right password leads: the stage's page, except
// that the second step of someone with passkeys and no TOTP is the passkey page.
func afterPassword(u org.User, stage string) string {
	if stage == account.StageTOTP && !u.TOTPEnabled {
		return "/login/passkey"
	}
	return nextFor(stage)
}
