package web

import (
	"errors"
	"net/http"
	"slices"

	"github.com/sigap/sigap/internal/account"
	"github.com/sigap/sigap/internal/audit"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

const (
	sessionCookie = "sigap_session"
	langCookie    = "sigap_lang"
)

// req is what a page handler knows about its request.
type req struct {
	Lang  string
	User  *org.User
	Token string
	Sess  store.Session
}

// Caller is the signed-in user as the services see them.
func (q *req) Caller() org.Caller { return q.User.Caller() }

// IsPlatform reports whether the user acts for the platform (sees every org).
func (q *req) IsPlatform() bool { return q.User != nil && q.User.OrgKind == org.KindPlatform }

// IsAdmin reports whether the user may use the admin pages.
func (q *req) IsAdmin() bool { return q.User != nil && q.User.Role == org.RoleAdmin }

// CanFile reports whether the user may send notices.
func (q *req) CanFile() bool { return q.User != nil && len(kindsFor(q.User.OrgKind, q.User.Role)) > 0 }

// scope is the org whose notices the user sees: platform users see all.
func (q *req) scope() string {
	if q.IsPlatform() {
		return ""
	}
	return q.User.OrgID
}

// anon is a request context without a signed-in user.
func (p *Portal) anon(r *http.Request) *req { return &req{Lang: langFor(r, nil)} }

func setSessionCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
}

func clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
}

func cookieToken(r *http.Request) string {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return ""
	}
	return c.Value
}

// session loads the request's session at any stage; ok is false when there is none.
func (p *Portal) session(w http.ResponseWriter, r *http.Request) (*req, error) {
	token := cookieToken(r)
	if token == "" {
		return nil, account.ErrNoSession
	}
	sess, u, err := p.Accounts.Session(r.Context(), token)
	if err != nil {
		if errors.Is(err, account.ErrNoSession) || errors.Is(err, account.ErrSessionExpired) || errors.Is(err, account.ErrDisabled) {
			clearSessionCookie(w, r)
		}
		return nil, err
	}
	return &req{Lang: langFor(r, &u), User: &u, Token: token, Sess: sess}, nil
}

// signedIn wraps a page that needs a full session and, when roles are given, one of them.
func (p *Portal) signedIn(h func(http.ResponseWriter, *http.Request, *req), roles ...org.Role) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q, err := p.session(w, r)
		switch {
		case errors.Is(err, account.ErrSessionExpired):
			http.Redirect(w, r, "/login?m=expired", http.StatusSeeOther)
			return
		case errors.Is(err, account.ErrNoSession), errors.Is(err, account.ErrDisabled):
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		case err != nil:
			p.serverError(w, r, err)
			return
		}
		switch q.Sess.Stage {
		case account.StageTOTP:
			http.Redirect(w, r, "/login/totp", http.StatusSeeOther)
			return
		case account.StageEnrol:
			http.Redirect(w, r, "/account/totp", http.StatusSeeOther)
			return
		case account.StageFull:
		default:
			http.Redirect(w, r, nextFor(q.Sess.Stage), http.StatusSeeOther)
			return
		}
		if len(roles) > 0 && !slices.Contains(roles, q.User.Role) {
			p.render(w, r, q, http.StatusForbidden, "error", "error.title", map[string]any{"Message": "error.forbidden", "Status": http.StatusForbidden})
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		// What the person changes is audited in their name.
		h(w, r.WithContext(audit.WithActor(r.Context(), q.User.ID)), q)
	})
}
