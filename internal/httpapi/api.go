package httpapi

import (
	"fmt"
	"net/http"
	"sync"

	"github.com/sigap/sigap/internal/app"
	"github.com/sigap/sigap/internal/org"
)

// MaxBody bounds a request body. The largest legitimate one, an order of
// 100,000 subjects, is about 6 MB.
const MaxBody = 8 << 20

// API is the HTTP API over the services of one sigap process.
type API struct {
	*app.App
	// Readiness answers GET /readyz; the server marks it (readyz.go).
	Readiness Readiness

	limitOnce sync.Once
	limiter   *orgLimiter
	signing   signingCache
}

// New builds the API on a's services; an App missing one is refused.
func New(a *app.App) (*API, error) {
	if err := a.Check(); err != nil {
		return nil, fmt.Errorf("httpapi: %w", err)
	}
	return &API{App: a}, nil
}

// Handler returns the API's routes, wrapped in logging, metrics and recovery.
func (a *API) Handler() http.Handler {
	return a.observe(a.refuseNULInURL(unmatched(a.routes().mux)))
}

// routeTable is the API's routes and who may call each.
type routeTable struct {
	a      *API
	mux    *http.ServeMux
	access map[string]access
}

// Handle routes pattern to h for the callers who admits; the auth middleware
// enforces who, and the signature check (signing.go) the caller's RFC 9421
// signature, so h checks nothing about its caller's role, org or signature.
func (t *routeTable) Handle(pattern string, h http.HandlerFunc, who access) {
	t.access[pattern] = who
	if who.public {
		t.mux.HandleFunc(pattern, h)
		return
	}
	if who.token != "" {
		t.mux.Handle(pattern, tokenOr(who.token, h, t.a.auth(t.a.signatures(h), who)))
		return
	}
	t.mux.Handle(pattern, t.a.auth(t.a.signatures(h), who))
}

// routes is the whole statement of who may do what in the API: handlers check
// only what depends on the object asked for (an org's own notices, users and
// standing).
func (a *API) routes() *routeTable {
	mux := &routeTable{a: a, mux: http.NewServeMux(), access: map[string]access{}}
	const (
		admin     = org.RoleAdmin
		reviewer  = org.RoleReviewer
		authority = org.RoleAuthority
		flagger   = org.RoleFlagger
		auditor   = org.RoleAuditor
	)
	public := access{public: true}
	admins := anyOrg(admin)
	notifiers := anyOrg(authority, flagger, admin, reviewer)
	readers := anyOrg(authority, flagger, admin, reviewer, auditor)
	webhookOwners := anyOrg(admin, authority, flagger)
	platformAdmins := platformKeys(admin)
	reviewers := platformKeys(reviewer)
	// The platform's own workers: deciding, objecting, appealing, confirming.
	workers := platformKeys(admin, reviewer)
	// The platform's readers: what the platform knows but no other org may see.
	platformReaders := platformKeys(admin, reviewer, auditor)
	// Banks, lists and scanning are the platform's own, so an authority's or
	// flagger's key gets a 403 even with a role (admin, auditor) admitted here.
	filterAdmins := workers.refusing(filterTenant())
	filterReaders := platformReaders.refusing(filterTenant())
	// Decisions, appeals and cases are not admitted to exist outside the platform.
	hiddenReaders := platformReaders.refusing(notFound())
	// Only the platform's admins make orgs and accredit flaggers; an org's own
	// admin is told so in those words.
	orgMakers := platformAdmins.refusing(notAllowed("only the platform's admins create organisations"))
	accreditors := platformAdmins.refusing(notAllowed("only the platform's admins accredit, suspend or revoke flaggers"))
	// The platform's oversight: reading the service's own figures, signing
	// its log's checkpoints.
	overseers := platformKeys(admin, auditor)
	// An authority holds evidence on its own cases; of the admins only the platform's.
	holders := anyOrg(authority).and(platformAdmins)

	mux.Handle("GET /healthz", a.healthz, public)
	mux.Handle("GET /readyz", a.readyz, public)
	mux.Handle("GET /metrics", a.Metrics.Handler().ServeHTTP, a.metricsReaders(overseers))
	mux.Handle("GET /openapi.json", a.openapi, public)
	mux.Handle("GET /v1/keys", a.publicKeys, public)
	mux.Handle("GET /v1/log/checkpoint", a.logCheckpoint, public)
	mux.Handle("POST /v1/log/checkpoint", a.logSign, overseers)
	mux.Handle("GET /v1/log/key", a.logKey, public)
	mux.Handle("GET /v1/log/keys", a.logKeys, public)
	mux.Handle("GET /v1/log/tile/{L}/{N...}", a.logTile, public)
	mux.Handle("GET /v1/log/tile/entries/{N...}", a.logTile, public)
	mux.Handle("GET /v1/log/proof/inclusion", jsonHandler(a, http.StatusOK, a.logInclusion), public)
	mux.Handle("GET /v1/log/proof/consistency", jsonHandler(a, http.StatusOK, a.logConsistency), public)

	mux.Handle("POST /v1/orgs", jsonHandler(a, http.StatusCreated, a.createOrg), orgMakers)
	mux.Handle("GET /v1/orgs", jsonHandler(a, http.StatusOK, a.listOrgs), admins)
	mux.Handle("GET /v1/orgs/{org_id}", jsonHandler(a, http.StatusOK, a.getOrg), readers)
	mux.Handle("PATCH /v1/orgs/{org_id}", jsonHandler(a, http.StatusOK, a.patchOrg), platformAdmins.refusing(notAllowed("only the platform's admins decide whether an organisation must sign its requests")))
	mux.Handle("POST /v1/orgs/{org_id}/keys", a.createKey, admins)
	mux.Handle("GET /v1/orgs/{org_id}/keys", jsonHandler(a, http.StatusOK, a.listKeys), admins)
	mux.Handle("DELETE /v1/orgs/{org_id}/keys/{key_id}", a.revokeKey, admins)
	mux.Handle("POST /v1/orgs/{org_id}/keys/{key_id}/rotate", a.rotateKey, admins)
	mux.Handle("POST /v1/orgs/{org_id}/signing-keys", a.ownOrgFirst(jsonHandler(a, http.StatusCreated, a.addSigningKey)), admins)
	mux.Handle("GET /v1/orgs/{org_id}/signing-keys", a.ownOrgFirst(jsonHandler(a, http.StatusOK, a.listSigningKeys)), admins)
	mux.Handle("DELETE /v1/orgs/{org_id}/signing-keys/{keyid}", a.ownOrgFirst(jsonHandler(a, http.StatusOK, a.revokeSigningKey)), admins)
	// E-mail intake: who may send notices by e-mail for an authority (docs/email.md).
	mux.Handle("POST /v1/orgs/{org_id}/mail-senders", a.ownOrgFirst(jsonHandler(a, http.StatusCreated, a.addMailSender)), admins)
	mux.Handle("GET /v1/orgs/{org_id}/mail-senders", a.ownOrgFirst(jsonHandler(a, http.StatusOK, a.listMailSenders)), admins)
	mux.Handle("DELETE /v1/orgs/{org_id}/mail-senders/{sender_id}", a.ownOrgFirst(jsonHandler(a, http.StatusOK, a.removeMailSender)), admins)
	// Replies by e-mail on the outbox, beside webhook deliveries (docs/email.md).
	mux.Handle("GET /v1/mail/outbox", jsonHandler(a, http.StatusOK, a.listMailOutbox), overseers)
	mux.Handle("PUT /v1/orgs/{org_id}/trust", jsonHandler(a, http.StatusOK, a.putTrust), accreditors)
	mux.Handle("GET /v1/orgs/{org_id}/trust", jsonHandler(a, http.StatusOK, a.getTrust), readers)
	mux.Handle("GET /v1/orgs/{org_id}/trust/report", a.trustReport, readers)
	mux.Handle("PUT /v1/orgs/{org_id}/auth-policy", jsonHandler(a, http.StatusOK, a.putAuthPolicy), platformAdmins.refusing(notAllowed("only the platform's admins set an organisation's second-factor policy")))
	mux.Handle("GET /v1/orgs/{org_id}/auth-policy", jsonHandler(a, http.StatusOK, a.getAuthPolicy), admins)
	mux.Handle("POST /v1/orgs/{org_id}/users", a.createUser, admins)
	mux.Handle("GET /v1/orgs/{org_id}/users", jsonHandler(a, http.StatusOK, a.listUsers), admins)
	mux.Handle("PATCH /v1/orgs/{org_id}/users/{user_id}", a.patchUser, admins)
	mux.Handle("POST /v1/orgs/{org_id}/users/{user_id}/disable", jsonHandler(a, http.StatusOK, a.userAct(a.disableUser)), admins)
	mux.Handle("POST /v1/orgs/{org_id}/users/{user_id}/enable", jsonHandler(a, http.StatusOK, a.userAct(a.enableUser)), admins)
	mux.Handle("POST /v1/orgs/{org_id}/users/{user_id}/reset", a.resetUser, admins)
	mux.Handle("POST /v1/orgs/{org_id}/users/{user_id}/totp/reset", jsonHandler(a, http.StatusOK, a.userAct(a.resetUserTOTP)), admins)
	mux.Handle("GET /v1/audit", jsonHandler(a, http.StatusOK, a.listAudit), anyOrg(admin, auditor))
	mux.Handle("GET /v1/me", jsonHandler(a, http.StatusOK, a.me), readers)
	mux.Handle("PUT /v1/sso", jsonHandler(a, http.StatusOK, a.putSSO), platformAdmins)
	mux.Handle("GET /v1/sso", jsonHandler(a, http.StatusOK, a.getSSO), platformAdmins)
	mux.Handle("DELETE /v1/sso", a.deleteSSO, platformAdmins)

	mux.Handle("POST /v1/notices", a.createNotice, notifiers)
	mux.Handle("GET /v1/notices", jsonHandler(a, http.StatusOK, a.listNotices), readers)
	mux.Handle("GET /v1/notices/{id}", jsonHandler(a, http.StatusOK, a.getNotice), readers)
	// Documents attached to notices (docs/documents.md).
	mux.Handle("GET /v1/notices/{id}/documents/{index}", a.getNoticeDocument, readers)
	// Documents kept under the evidence rules: a legal hold (docs/documents.md).
	mux.Handle("POST /v1/notices/{id}/documents/{index}/hold", jsonHandler(a, http.StatusOK, a.holdDocument), holders)
	// Preservation and emergency requests (docs/requests.md).
	mux.Handle("POST /v1/notices/{id}/preservation", jsonHandler(a, http.StatusOK, a.confirmPreservation), workers)
	mux.Handle("POST /v1/notices/{id}/art18", jsonHandler(a, http.StatusCreated, a.recordArt18), workers)

	mux.Handle("POST /v1/banks", a.createSet(a.Banks), filterAdmins)
	mux.Handle("GET /v1/banks", a.listSets(a.Banks), filterReaders)
	mux.Handle("GET /v1/banks/{id}", a.getSet(a.Banks), filterReaders)
	mux.Handle("PATCH /v1/banks/{id}", a.patchSet(a.Banks), filterAdmins)
	mux.Handle("POST /v1/banks/{id}/entries", a.addEntry(a.Banks), filterAdmins)
	mux.Handle("GET /v1/banks/{id}/entries", a.listEntries(a.Banks), filterReaders)
	mux.Handle("DELETE /v1/banks/{id}/entries/{entry_id}", a.removeEntry(a.Banks), filterAdmins)
	mux.Handle("DELETE /v1/banks/{id}/entries/{entry_id}/quarantine", a.releaseEntry(a.Banks), filterAdmins)
	mux.Handle("POST /v1/banks/{id}/import", a.importSet(a.Banks), filterAdmins)
	mux.Handle("GET /v1/banks/{id}/export", a.exportSet(a.Banks), filterReaders)
	mux.Handle("POST /v1/hash", a.hashImage, filterAdmins)
	mux.Handle("POST /v1/match", a.matchHashes, filterAdmins)
	mux.Handle("POST /v1/lists", a.createSet(a.Lists), filterAdmins)
	mux.Handle("GET /v1/lists", a.listSets(a.Lists), filterReaders)
	mux.Handle("GET /v1/lists/{id}", a.getSet(a.Lists), filterReaders)
	mux.Handle("PATCH /v1/lists/{id}", a.patchSet(a.Lists), filterAdmins)
	mux.Handle("POST /v1/lists/{id}/entries", a.addEntry(a.Lists), filterAdmins)
	mux.Handle("GET /v1/lists/{id}/entries", a.listEntries(a.Lists), filterReaders)
	mux.Handle("DELETE /v1/lists/{id}/entries/{entry_id}", a.removeEntry(a.Lists), filterAdmins)
	mux.Handle("DELETE /v1/lists/{id}/entries/{entry_id}/quarantine", a.releaseEntry(a.Lists), filterAdmins)
	mux.Handle("POST /v1/lists/{id}/import", a.importSet(a.Lists), filterAdmins)
	mux.Handle("GET /v1/lists/{id}/export", a.exportSet(a.Lists), filterReaders)
	mux.Handle("POST /v1/scan", jsonHandler(a, http.StatusOK, a.scanPost), filterAdmins)
	mux.Handle("POST /v1/scan/batch", a.scanBatch, filterAdmins)
	mux.Handle("GET /v1/scan/stats", jsonHandler(a, http.StatusOK, a.scanStats), filterReaders)
	mux.Handle("GET /v1/scan/hits", jsonHandler(a, http.StatusOK, a.recentHits), filterReaders)

	// Retroactive scans and the crisis protocol (internal/retro, internal/incident; docs/incidents.md).
	mux.Handle("POST /v1/retro-scans", jsonHandler(a, http.StatusAccepted, a.startRetroScan), platformAdmins.refusing(filterTenant()))
	mux.Handle("GET /v1/retro-scans", jsonHandler(a, http.StatusOK, a.listRetroScans), filterReaders)
	mux.Handle("GET /v1/retro-scans/{id}", jsonHandler(a, http.StatusOK, a.getRetroScan), filterReaders)
	mux.Handle("POST /v1/incidents", jsonHandler(a, http.StatusCreated, a.declareIncident), platformAdmins.refusing(filterTenant()))
	mux.Handle("GET /v1/incidents", jsonHandler(a, http.StatusOK, a.listIncidents), filterReaders)
	mux.Handle("GET /v1/incidents/{id}", jsonHandler(a, http.StatusOK, a.getIncident), filterReaders)
	mux.Handle("POST /v1/incidents/{id}/close", jsonHandler(a, http.StatusOK, a.closeIncident), platformAdmins.refusing(filterTenant()))
	mux.Handle("GET /v1/incidents/{id}/report", jsonHandler(a, http.StatusOK, a.incidentReport), filterReaders)
	// Exchange between platforms (issue 18, docs/exchange.md): a set's shares
	// and the feedback on its entries, the feeds a share's token reads (the
	// token is the feed's own credential, checked by its handler), and the
	// subscriptions that keep a copy of another server's feed.
	sharers := platformAdmins.refusing(filterTenant())
	mux.Handle("POST /v1/banks/{id}/shares", a.createShare(a.Banks), sharers)
	mux.Handle("GET /v1/banks/{id}/shares", a.listShares(a.Banks), sharers)
	mux.Handle("DELETE /v1/banks/{id}/shares/{share_id}", a.revokeShare(a.Banks), sharers)
	mux.Handle("GET /v1/banks/{id}/feedback", a.setFeedback(a.Banks), filterReaders)
	mux.Handle("POST /v1/banks/{id}/entries/{entry_id}/feedback", a.sendFeedback(a.Banks), filterAdmins)
	mux.Handle("GET /v1/banks/{id}/entries/{entry_id}/feedback", a.entryFeedback(a.Banks), filterReaders)
	mux.Handle("POST /v1/lists/{id}/shares", a.createShare(a.Lists), sharers)
	mux.Handle("GET /v1/lists/{id}/shares", a.listShares(a.Lists), sharers)
	mux.Handle("DELETE /v1/lists/{id}/shares/{share_id}", a.revokeShare(a.Lists), sharers)
	mux.Handle("GET /v1/lists/{id}/feedback", a.setFeedback(a.Lists), filterReaders)
	mux.Handle("POST /v1/lists/{id}/entries/{entry_id}/feedback", a.sendFeedback(a.Lists), filterAdmins)
	mux.Handle("GET /v1/lists/{id}/entries/{entry_id}/feedback", a.entryFeedback(a.Lists), filterReaders)
	mux.Handle("GET /v1/feeds/{share_id}", a.readFeed, public)
	mux.Handle("POST /v1/feeds/{share_id}/feedback", a.receiveFeedback, public)
	mux.Handle("POST /v1/subscriptions", jsonHandler(a, http.StatusCreated, a.subscribe), sharers)
	mux.Handle("GET /v1/subscriptions", jsonHandler(a, http.StatusOK, a.listSubscriptions), filterReaders)
	mux.Handle("GET /v1/subscriptions/{id}", jsonHandler(a, http.StatusOK, a.getSubscription), filterReaders)
	mux.Handle("DELETE /v1/subscriptions/{id}", a.unsubscribe, sharers)

	mux.Handle("POST /v1/queue/claim", a.claimCase, reviewers)
	mux.Handle("GET /v1/cases/{id}", jsonHandler(a, http.StatusOK, a.getCase), hiddenReaders)
	mux.Handle("POST /v1/cases/{id}/release", a.releaseCase, reviewers)
	mux.Handle("POST /v1/cases/{id}/decision", a.decideCase, reviewers)
	mux.Handle("GET /v1/decisions", jsonHandler(a, http.StatusOK, a.listDecisions), platformReaders)
	mux.Handle("GET /v1/decisions/{id}", jsonHandler(a, http.StatusOK, a.getDecision), hiddenReaders)
	mux.Handle("POST /v1/decisions/{id}/approve", jsonHandler(a, http.StatusOK, a.approveDecision), reviewers)
	mux.Handle("POST /v1/decisions/{id}/reject", jsonHandler(a, http.StatusOK, a.rejectDecision), reviewers)
	mux.Handle("GET /v1/decisions/{id}/statement", a.decisionStatement, hiddenReaders)
	mux.Handle("POST /v1/notices/{id}/messages", jsonHandler(a, http.StatusCreated, a.postMessage), notifiers)
	mux.Handle("GET /v1/notices/{id}/messages", jsonHandler(a, http.StatusOK, a.listMessages), readers)
	mux.Handle("POST /v1/notices/{id}/objections", jsonHandler(a, http.StatusCreated, a.postObjection), workers)
	mux.Handle("GET /v1/notices/{id}/objections", jsonHandler(a, http.StatusOK, a.listObjections), readers)
	mux.Handle("POST /v1/objections/{id}/answer", jsonHandler(a, http.StatusOK, a.answerObjection), anyOrg(authority))
	mux.Handle("POST /v1/cases/{id}/appeals", a.fileAppeal, workers)
	mux.Handle("GET /v1/appeals", jsonHandler(a, http.StatusOK, a.listAppeals), platformReaders)
	mux.Handle("GET /v1/appeals/{id}", jsonHandler(a, http.StatusOK, a.getAppeal), hiddenReaders)
	mux.Handle("POST /v1/appeals/{id}/decision", jsonHandler(a, http.StatusOK, a.decideAppeal), reviewers)

	mux.Handle("PUT /v1/webhook", jsonHandler(a, http.StatusOK, a.putWebhook), webhookOwners)
	mux.Handle("GET /v1/webhook", jsonHandler(a, http.StatusOK, a.getWebhook), webhookOwners)
	mux.Handle("GET /v1/webhook/deliveries", jsonHandler(a, http.StatusOK, a.listDeliveries), readers)
	mux.Handle("POST /v1/webhook/deliveries/{id}/retry", a.retryDelivery, platformAdmins)
	mux.Handle("GET /v1/actions", jsonHandler(a, http.StatusOK, a.listActions), platformReaders)
	mux.Handle("GET /v1/actions/{id}", jsonHandler(a, http.StatusOK, a.getAction), platformReaders)
	mux.Handle("POST /v1/actions/{id}/confirm", jsonHandler(a, http.StatusOK, a.confirmAction), workers)
	mux.Handle("GET /v1/alerts", jsonHandler(a, http.StatusOK, a.listAlerts), platformReaders)
	mux.Handle("GET /v1/contacts", jsonHandler(a, http.StatusOK, a.getContacts), readers)
	mux.Handle("POST /v1/contacts", jsonHandler(a, http.StatusCreated, a.addContact), platformAdmins)
	mux.Handle("DELETE /v1/contacts/{id}", a.removeContact, platformAdmins)
	mux.Handle("GET /v1/evidence", jsonHandler(a, http.StatusOK, a.listEvidence), platformReaders)
	mux.Handle("GET /v1/evidence/{id}", jsonHandler(a, http.StatusOK, a.getEvidence), readers)
	mux.Handle("POST /v1/evidence/{id}/hold", jsonHandler(a, http.StatusOK, a.holdEvidence), holders)

	mux.Handle("GET /v1/exports/dsa-sor", a.exportDSA, platformKeys(admin, auditor))
	mux.Handle("GET /v1/exports/saman-ledger", a.exportLedger, anyOrg(admin, auditor, authority))

	mux.Handle("GET /v1/reports/transparency", a.transparencyReport, readers) // notifiers: their own notices only
	mux.Handle("GET /v1/reports/tco", a.tcoReport, readers)
	return mux
}

// flaggerLimit is the per-org rate of notices for flagger orgs.
func (a *API) flaggerLimit() *orgLimiter {
	a.limitOnce.Do(func() { a.limiter = newOrgLimiter(flaggerRate, flaggerBurst) })
	return a.limiter
}
