package web

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/app"
	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// Body limits: a form is small; an upload holds up to 100,000 links.
const (
	MaxFormBody   = 1 << 20
	MaxUploadBody = 12 << 20
)

// Portal is the web portal over the services of one sigap process.
type Portal struct {
	*app.App

	pages pages
}

// New builds the portal on a's services and parses the templates once; an
// App missing a service is refused.
func New(a *app.App) (*Portal, error) {
	if err := a.Check(); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	pg, err := parsePages()
	if err != nil {
		return nil, err
	}
	return &Portal{App: a, pages: pg}, nil
}

// Handler returns the portal's routes behind cross-origin protection,
// security headers, body limits and panic recovery.
func (p *Portal) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.StripPrefix("/static/", staticHandler()))
	mux.HandleFunc("GET /{$}", p.home)
	mux.HandleFunc("GET /login", p.loginPage)
	mux.HandleFunc("POST /login", p.loginPost)
	mux.HandleFunc("GET /login/totp", p.totpPage)
	mux.HandleFunc("POST /login/totp", p.totpPost)
	mux.HandleFunc("GET /login/oidc", p.oidcStart)
	mux.HandleFunc("GET /login/oidc/callback", p.oidcCallback)
	mux.HandleFunc("POST /logout", p.logout)
	mux.HandleFunc("POST /lang", p.setLang)
	mux.HandleFunc("GET /set-password/{token}", p.setPasswordPage)
	mux.HandleFunc("POST /set-password/{token}", p.setPasswordPost)
	mux.HandleFunc("GET /account/totp", p.enrolPage)
	mux.HandleFunc("POST /account/totp", p.enrolPost)
	p.passkeyRoutes(mux)

	mux.Handle("GET /dashboard", p.signedIn(p.dashboard))
	mux.Handle("GET /notices", p.signedIn(p.noticeList))
	mux.Handle("GET /notices/new", p.signedIn(p.newNoticePage))
	mux.Handle("POST /notices/new", p.signedIn(p.newNoticePost))
	mux.Handle("GET /notices/{id}", p.signedIn(p.noticePage))
	mux.Handle("GET /notices/{id}/receipt.json", p.signedIn(p.receiptDownload))
	// Documents attached to notices (docs/documents.md).
	mux.Handle("GET /notices/{id}/documents/{index}", p.signedIn(p.noticeDocument))
	// Preservation and emergency requests (docs/requests.md).
	mux.Handle("POST /notices/{id}/preservation", p.platformPage(p.noticePreserve, requestWorkers...))
	mux.Handle("POST /notices/{id}/art18", p.platformPage(p.noticeArt18, requestWorkers...))

	mux.Handle("GET /admin", p.signedIn(p.adminOrgs, org.RoleAdmin))
	mux.Handle("POST /admin/orgs", p.signedIn(p.adminCreateOrg, org.RoleAdmin))
	mux.Handle("GET /admin/orgs/{id}", p.signedIn(p.adminOrg, org.RoleAdmin))
	mux.Handle("POST /admin/orgs/{id}/users", p.signedIn(p.adminCreateUser, org.RoleAdmin))
	mux.Handle("POST /admin/orgs/{id}/keys", p.signedIn(p.adminCreateKey, org.RoleAdmin))
	mux.Handle("POST /admin/users/{id}/reset", p.signedIn(p.adminResetUser, org.RoleAdmin))
	mux.Handle("POST /admin/orgs/{id}/keys/{key}/revoke", p.signedIn(p.adminRevokeKey, org.RoleAdmin))
	mux.Handle("POST /admin/users/{id}/disable", p.signedIn(p.adminUserState(true), org.RoleAdmin))
	mux.Handle("POST /admin/users/{id}/enable", p.signedIn(p.adminUserState(false), org.RoleAdmin))
	mux.Handle("GET /audit", p.signedIn(p.auditPage, org.RoleAdmin, org.RoleAuditor))
	mux.Handle("GET /admin/sso", p.platformPage(p.adminSSO, org.RoleAdmin))
	mux.Handle("POST /admin/sso", p.platformPage(p.adminSSOPost, org.RoleAdmin))
	mux.Handle("POST /admin/sso/remove", p.platformPage(p.adminSSORemove, org.RoleAdmin))
	// E-mail intake: an authority's registered senders.
	p.mailSenderRoutes(mux)

	mux.Handle("GET /banks", p.platformPage(p.setIndex(p.Banks), filterReaders...))
	mux.Handle("POST /banks", p.platformPage(p.setCreate(p.Banks), filterWriters...))
	mux.Handle("GET /banks/{id}", p.platformPage(p.setPage(p.Banks), filterReaders...))
	mux.Handle("GET /banks/{id}/export", p.platformPage(p.setExport(p.Banks), filterReaders...))
	mux.Handle("POST /banks/{id}/state", p.platformPage(p.setState(p.Banks), filterWriters...))
	mux.Handle("POST /banks/{id}/entries", p.platformPage(p.setAddEntry(p.Banks), filterWriters...))
	mux.Handle("POST /banks/{id}/entries/{entry}/remove", p.platformPage(p.setRemoveEntry(p.Banks), filterWriters...))
	mux.Handle("POST /banks/{id}/entries/{entry}/release", p.platformPage(p.setReleaseEntry(p.Banks), filterWriters...))
	mux.Handle("POST /banks/{id}/import", p.platformPage(p.setImport(p.Banks), filterWriters...))
	mux.Handle("GET /lists", p.platformPage(p.setIndex(p.Lists), filterReaders...))
	mux.Handle("POST /lists", p.platformPage(p.setCreate(p.Lists), filterWriters...))
	mux.Handle("GET /lists/{id}", p.platformPage(p.setPage(p.Lists), filterReaders...))
	mux.Handle("GET /lists/{id}/export", p.platformPage(p.setExport(p.Lists), filterReaders...))
	mux.Handle("POST /lists/{id}/state", p.platformPage(p.setState(p.Lists), filterWriters...))
	mux.Handle("POST /lists/{id}/entries", p.platformPage(p.setAddEntry(p.Lists), filterWriters...))
	mux.Handle("POST /lists/{id}/entries/{entry}/remove", p.platformPage(p.setRemoveEntry(p.Lists), filterWriters...))
	mux.Handle("POST /lists/{id}/entries/{entry}/release", p.platformPage(p.setReleaseEntry(p.Lists), filterWriters...))
	mux.Handle("POST /lists/{id}/import", p.platformPage(p.setImport(p.Lists), filterWriters...))
	mux.Handle("GET /hits", p.platformPage(p.hitsIndex, filterReaders...))
	// Incidents and retroactive scans (internal/incident, internal/retro; docs/incidents.md).
	mux.Handle("GET /incidents", p.platformPage(p.incidentsPage, filterReaders...))
	mux.Handle("POST /incidents", p.platformPage(p.incidentDeclare, incidentWriters...))
	mux.Handle("GET /incidents/{id}", p.platformPage(p.incidentPage, filterReaders...))
	mux.Handle("POST /incidents/{id}/close", p.platformPage(p.incidentClose, incidentWriters...))
	mux.Handle("POST /incidents/retro-scans", p.platformPage(p.retroStart, incidentWriters...))
	mux.Handle("GET /flaggers", p.platformPage(p.flaggerRegistry, trustReaders...))
	mux.Handle("GET /flaggers/{id}", p.platformPage(p.flaggerOrg, trustReaders...))
	mux.Handle("POST /flaggers/{id}", p.platformPage(p.flaggerChange, trustWriters...))
	mux.Handle("GET /flaggers/{id}/report.csv", p.platformPage(p.flaggerOrgReport, trustReaders...))
	mux.Handle("GET /trust", p.signedIn(p.ownStanding))
	mux.Handle("GET /trust/report.csv", p.signedIn(p.ownReport))

	mux.Handle("GET /review", p.reviewPage(p.reviewQueue, reviewReaders...))
	mux.Handle("POST /review/claim", p.reviewPage(p.reviewClaim, reviewWriters...))
	mux.Handle("GET /review/cases/{id}", p.reviewPage(p.reviewCase, reviewReaders...))
	mux.Handle("POST /review/cases/{id}/decision", p.reviewPage(p.reviewDecide, reviewWriters...))
	mux.Handle("POST /review/cases/{id}/release", p.reviewPage(p.reviewRelease, reviewWriters...))
	mux.Handle("POST /review/cases/{id}/appeals", p.reviewPage(p.reviewFileAppeal, reviewWriters...))
	mux.Handle("GET /review/approvals", p.reviewPage(p.reviewApprovals, reviewReaders...))
	mux.Handle("POST /review/decisions/{id}/approve", p.reviewPage(p.reviewApprove, reviewWriters...))
	mux.Handle("POST /review/decisions/{id}/reject", p.reviewPage(p.reviewReject, reviewWriters...))
	mux.Handle("GET /review/decisions/{id}/statement", p.reviewPage(p.reviewStatement, reviewReaders...))
	mux.Handle("GET /review/appeals", p.reviewPage(p.reviewAppeals, reviewReaders...))
	mux.Handle("POST /review/appeals/{id}/decision", p.reviewPage(p.reviewDecideAppeal, reviewWriters...))
	mux.Handle("POST /notices/{id}/messages", p.signedIn(p.noticeMessage, threadWriters...))
	mux.Handle("POST /notices/{id}/objections", p.signedIn(p.noticeObject, objectionRaisers...))
	mux.Handle("POST /notices/{id}/objections/{obj}/answer", p.signedIn(p.noticeAnswerObjection, objectionAnswers...))

	mux.Handle("GET /outbox", p.platformPage(p.outboxPage, outboxReaders...))
	mux.Handle("POST /outbox/{id}/retry", p.platformPage(p.outboxRetry, outboxWriters...))
	// Exchange between platforms (issue 18, docs/exchange.md).
	mux.Handle("GET /exchange", p.platformPage(p.exchangePage, filterReaders...))
	mux.Handle("POST /exchange/subscriptions/{id}/poll", p.platformPage(p.exchangePoll, exchangeWriters...))
	mux.Handle("POST /exchange/withdraw/{family}/{set}/{entry}", p.platformPage(p.exchangeWithdraw, exchangeWriters...))
	mux.Handle("GET /contacts", p.signedIn(p.contactsPage))
	mux.Handle("POST /contacts", p.platformPage(p.contactAdd, contactWriters...))
	mux.Handle("POST /contacts/{id}/remove", p.platformPage(p.contactRemove, contactWriters...))
	mux.Handle("GET /evidence", p.signedIn(p.evidenceList, evidenceReaders...))
	mux.Handle("GET /evidence/{id}", p.signedIn(p.evidencePage, evidenceReaders...))
	mux.Handle("POST /evidence/{id}/hold", p.signedIn(p.evidenceHold, evidenceHolders...))
	mux.Handle("GET /escalations", p.signedIn(p.escalationsPage))
	mux.Handle("GET /transparency", p.signedIn(p.transparencyPage))
	mux.Handle("GET /transparency/report", p.signedIn(p.reportPage))
	mux.Handle("GET /transparency/report.csv", p.signedIn(p.reportDownload("transparency-report")))
	mux.Handle("GET /transparency/tco.csv", p.signedIn(p.reportDownload("tco")))
	mux.Handle("GET /transparency/ledger", p.signedIn(p.ledgerPage))
	mux.Handle("GET /transparency/ledger.csv", p.signedIn(p.ledgerCSV))
	mux.Handle("GET /transparency/dsa-sor.jsonl", p.signedIn(p.dsaDownload))

	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		p.errorPage(w, r, http.StatusNotFound, "error.not_found")
	})

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.errorPage(w, r, http.StatusForbidden, "error.cross_origin")
	}))
	return p.guard(cop.Handler(mux))
}

// guard sets the security headers, bounds bodies and turns panics into a 500 page.
func (p *Portal) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// connect-src 'self': the passkey script's fetches to the portal's own ceremony steps.
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; "+
			"form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		// Set-password links carry their secret in the path: never leak it in a Referer.
		h.Set("Referrer-Policy", "no-referrer")
		limit := int64(MaxFormBody)
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			limit = MaxUploadBody
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				p.Log.ErrorContext(r.Context(), "panic in portal handler", "path", r.URL.Path, "panic", v)
				p.errorPage(w, r, http.StatusInternalServerError, "error.internal")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// clientIP is the address sign-in throttling counts against.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// baseURL is the portal's address as the browser reached it, for links it prints.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (p *Portal) now() time.Time { return p.Clock.Now().UTC() }

// serverError logs err and shows the generic error page; its detail stays in the log.
func (p *Portal) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	if errors.Is(err, store.ErrNotFound) {
		p.errorPage(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		p.errorPage(w, r, http.StatusRequestEntityTooLarge, "error.too_large")
		return
	}
	if store.Unavailable(err) {
		p.Log.WarnContext(r.Context(), "portal request: database unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "1")
		p.errorPage(w, r, http.StatusServiceUnavailable, "error.db_unavailable")
		return
	}
	p.Log.ErrorContext(r.Context(), "portal request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	p.errorPage(w, r, http.StatusInternalServerError, "error.internal")
}

// errorPage renders a page saying what went wrong, in the viewer's language.
func (p *Portal) errorPage(w http.ResponseWriter, r *http.Request, status int, key string) {
	rq := p.anon(r)
	p.render(w, r, rq, status, "error", "error.title", map[string]any{"Message": key, "Status": status})
}

// langFor picks the language: the user's setting, else the language cookie,
// else the browser's Accept-Language.
func langFor(r *http.Request, u *org.User) string {
	if u != nil && i18n.Valid(u.Language) {
		return u.Language
	}
	if c, err := r.Cookie(langCookie); err == nil && i18n.Valid(c.Value) {
		return c.Value
	}
	return i18n.Match(r.Header.Get("Accept-Language"))
}
