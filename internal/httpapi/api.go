package httpapi

import (
	"sync"

	"log/slog"
	"net/http"

	"github.com/sigap/sigap/internal/admin"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/contact"
	"github.com/sigap/sigap/internal/enforce"
	"github.com/sigap/sigap/internal/escalate"
	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/flagger"
	"github.com/sigap/sigap/internal/intake"
	"github.com/sigap/sigap/internal/jobs"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/policy"
	"github.com/sigap/sigap/internal/receipt"
	"github.com/sigap/sigap/internal/report"
	"github.com/sigap/sigap/internal/review"
	"github.com/sigap/sigap/internal/scan"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/translog"
	"github.com/sigap/sigap/internal/webhook"
)

// MaxBody bounds a request body. The largest legitimate one, an order of
// 100,000 subjects, is about 6 MB.
const MaxBody = 8 << 20

// API is the HTTP API and what it needs.
type API struct {
	DB      *store.DB
	Intake  *intake.Service
	Admin   *admin.Service
	Policy  *policy.Policy
	Signer  *receipt.Signer
	Clock   clock.Clock
	Log     *slog.Logger
	Metrics *Metrics
	Banks   *filterset.Service
	Lists   *filterset.Service
	Scanner *scan.Scanner
	Review  *review.Service
	// Flaggers runs the trusted flagger programme.
	Flaggers *flagger.Service

	limitOnce sync.Once
	limiter   *orgLimiter

	// TransLog is the transparency log (GET /v1/log/...).
	TransLog *translog.Log

	// Enforcement and escalation (webhooks, actions, alerts, contacts, evidence).
	Jobs     *jobs.Queue
	Webhooks *webhook.Service
	Enforce  *enforce.Service
	Escalate *escalate.Service
	Contacts *contact.Registry

	// Reports computes transparency reports (GET /v1/reports/...).
	Reports *report.Service
}

// Handler returns the API's routes, wrapped in logging, metrics and recovery.
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	admins := []org.Role{org.RoleAdmin}
	notifiers := []org.Role{org.RoleAuthority, org.RoleFlagger, org.RoleAdmin, org.RoleReviewer}
	readers := []org.Role{org.RoleAuthority, org.RoleFlagger, org.RoleAdmin, org.RoleReviewer, org.RoleAuditor}
	filterAdmins := []org.Role{org.RoleAdmin, org.RoleReviewer}                   // platform keys only (checked again in handlers)
	filterReaders := []org.Role{org.RoleAdmin, org.RoleReviewer, org.RoleAuditor} // platform keys only

	mux.HandleFunc("GET /healthz", a.healthz)
	mux.Handle("GET /metrics", a.Metrics.Handler())
	mux.HandleFunc("GET /openapi.json", a.openapi)
	mux.HandleFunc("GET /v1/keys", a.publicKeys)
	mux.HandleFunc("GET /v1/log/checkpoint", a.logCheckpoint)
	mux.Handle("POST /v1/log/checkpoint", a.auth(a.logSign, readers...))
	mux.HandleFunc("GET /v1/log/key", a.logKey)
	mux.HandleFunc("GET /v1/log/tile/{L}/{N...}", a.logTile)
	mux.HandleFunc("GET /v1/log/tile/entries/{N...}", a.logTile)
	mux.HandleFunc("GET /v1/log/proof/inclusion", a.logInclusion)
	mux.HandleFunc("GET /v1/log/proof/consistency", a.logConsistency)

	mux.Handle("POST /v1/orgs", a.auth(a.createOrg, admins...))
	mux.Handle("GET /v1/orgs", a.auth(a.listOrgs, admins...))
	mux.Handle("GET /v1/orgs/{org_id}", a.auth(a.getOrg, readers...))
	mux.Handle("POST /v1/orgs/{org_id}/keys", a.auth(a.createKey, admins...))
	mux.Handle("PUT /v1/orgs/{org_id}/trust", a.auth(a.putTrust, admins...))
	mux.Handle("GET /v1/orgs/{org_id}/trust", a.auth(a.getTrust, readers...))
	mux.Handle("GET /v1/orgs/{org_id}/trust/report", a.auth(a.trustReport, readers...))
	mux.Handle("POST /v1/orgs/{org_id}/users", a.auth(a.createUser, admins...))
	mux.Handle("GET /v1/orgs/{org_id}/users", a.auth(a.listUsers, admins...))
	mux.Handle("GET /v1/me", a.auth(a.me, readers...))

	mux.Handle("POST /v1/notices", a.auth(a.createNotice, notifiers...))
	mux.Handle("GET /v1/notices", a.auth(a.listNotices, readers...))
	mux.Handle("GET /v1/notices/{id}", a.auth(a.getNotice, readers...))

	mux.Handle("POST /v1/banks", a.auth(a.createSet(a.Banks), filterAdmins...))
	mux.Handle("GET /v1/banks", a.auth(a.listSets(a.Banks), filterReaders...))
	mux.Handle("GET /v1/banks/{id}", a.auth(a.getSet(a.Banks), filterReaders...))
	mux.Handle("PATCH /v1/banks/{id}", a.auth(a.patchSet(a.Banks), filterAdmins...))
	mux.Handle("POST /v1/banks/{id}/entries", a.auth(a.addEntry(a.Banks), filterAdmins...))
	mux.Handle("GET /v1/banks/{id}/entries", a.auth(a.listEntries(a.Banks), filterReaders...))
	mux.Handle("DELETE /v1/banks/{id}/entries/{entry_id}", a.auth(a.removeEntry(a.Banks), filterAdmins...))
	mux.Handle("DELETE /v1/banks/{id}/entries/{entry_id}/quarantine", a.auth(a.releaseEntry(a.Banks), filterAdmins...))
	mux.Handle("POST /v1/banks/{id}/import", a.auth(a.importSet(a.Banks), filterAdmins...))
	mux.Handle("GET /v1/banks/{id}/export", a.auth(a.exportSet(a.Banks), filterReaders...))
	mux.Handle("POST /v1/hash", a.auth(a.hashImage, filterAdmins...))
	mux.Handle("POST /v1/match", a.auth(a.matchHashes, filterAdmins...))
	mux.Handle("POST /v1/lists", a.auth(a.createSet(a.Lists), filterAdmins...))
	mux.Handle("GET /v1/lists", a.auth(a.listSets(a.Lists), filterReaders...))
	mux.Handle("GET /v1/lists/{id}", a.auth(a.getSet(a.Lists), filterReaders...))
	mux.Handle("PATCH /v1/lists/{id}", a.auth(a.patchSet(a.Lists), filterAdmins...))
	mux.Handle("POST /v1/lists/{id}/entries", a.auth(a.addEntry(a.Lists), filterAdmins...))
	mux.Handle("GET /v1/lists/{id}/entries", a.auth(a.listEntries(a.Lists), filterReaders...))
	mux.Handle("DELETE /v1/lists/{id}/entries/{entry_id}", a.auth(a.removeEntry(a.Lists), filterAdmins...))
	mux.Handle("DELETE /v1/lists/{id}/entries/{entry_id}/quarantine", a.auth(a.releaseEntry(a.Lists), filterAdmins...))
	mux.Handle("POST /v1/lists/{id}/import", a.auth(a.importSet(a.Lists), filterAdmins...))
	mux.Handle("GET /v1/lists/{id}/export", a.auth(a.exportSet(a.Lists), filterReaders...))
	mux.Handle("POST /v1/scan", a.auth(a.scanPost, filterAdmins...))
	mux.Handle("POST /v1/scan/batch", a.auth(a.scanBatch, filterAdmins...))
	mux.Handle("GET /v1/scan/stats", a.auth(a.scanStats, filterReaders...))
	mux.Handle("GET /v1/scan/hits", a.auth(a.recentHits, filterReaders...))

	mux.Handle("POST /v1/queue/claim", a.auth(a.claimCase, org.RoleReviewer))
	mux.Handle("GET /v1/cases/{id}", a.auth(a.getCase, filterReaders...))
	mux.Handle("POST /v1/cases/{id}/release", a.auth(a.releaseCase, org.RoleReviewer))
	mux.Handle("POST /v1/cases/{id}/decision", a.auth(a.decideCase, org.RoleReviewer))
	mux.Handle("GET /v1/decisions", a.auth(a.listDecisions, filterReaders...))
	mux.Handle("GET /v1/decisions/{id}", a.auth(a.getDecision, filterReaders...))
	mux.Handle("POST /v1/decisions/{id}/approve", a.auth(a.approveDecision, org.RoleReviewer))
	mux.Handle("POST /v1/decisions/{id}/reject", a.auth(a.rejectDecision, org.RoleReviewer))
	mux.Handle("GET /v1/decisions/{id}/statement", a.auth(a.decisionStatement, filterReaders...))
	mux.Handle("POST /v1/notices/{id}/messages", a.auth(a.postMessage, notifiers...))
	mux.Handle("GET /v1/notices/{id}/messages", a.auth(a.listMessages, readers...))
	mux.Handle("POST /v1/notices/{id}/objections", a.auth(a.postObjection, filterAdmins...))
	mux.Handle("GET /v1/notices/{id}/objections", a.auth(a.listObjections, readers...))
	mux.Handle("POST /v1/objections/{id}/answer", a.auth(a.answerObjection, org.RoleAuthority))
	mux.Handle("POST /v1/cases/{id}/appeals", a.auth(a.fileAppeal, filterAdmins...))
	mux.Handle("GET /v1/appeals", a.auth(a.listAppeals, filterReaders...))
	mux.Handle("GET /v1/appeals/{id}", a.auth(a.getAppeal, filterReaders...))
	mux.Handle("POST /v1/appeals/{id}/decision", a.auth(a.decideAppeal, org.RoleReviewer))

	webhookOwners := []org.Role{org.RoleAdmin, org.RoleAuthority, org.RoleFlagger}
	confirmers := []org.Role{org.RoleAdmin, org.RoleReviewer} // platform keys only (checked again in handlers)
	holders := []org.Role{org.RoleAdmin, org.RoleAuthority}
	mux.Handle("PUT /v1/webhook", a.auth(a.putWebhook, webhookOwners...))
	mux.Handle("GET /v1/webhook", a.auth(a.getWebhook, webhookOwners...))
	mux.Handle("GET /v1/webhook/deliveries", a.auth(a.listDeliveries, readers...))
	mux.Handle("POST /v1/webhook/deliveries/{id}/retry", a.auth(a.retryDelivery, admins...))
	mux.Handle("GET /v1/actions", a.auth(a.listActions, filterReaders...))
	mux.Handle("GET /v1/actions/{id}", a.auth(a.getAction, filterReaders...))
	mux.Handle("POST /v1/actions/{id}/confirm", a.auth(a.confirmAction, confirmers...))
	mux.Handle("GET /v1/alerts", a.auth(a.listAlerts, filterReaders...))
	mux.Handle("GET /v1/contacts", a.auth(a.getContacts, readers...))
	mux.Handle("POST /v1/contacts", a.auth(a.addContact, admins...))
	mux.Handle("DELETE /v1/contacts/{id}", a.auth(a.removeContact, admins...))
	mux.Handle("GET /v1/evidence", a.auth(a.listEvidence, filterReaders...))
	mux.Handle("GET /v1/evidence/{id}", a.auth(a.getEvidence, readers...))
	mux.Handle("POST /v1/evidence/{id}/hold", a.auth(a.holdEvidence, holders...))

	exporters := []org.Role{org.RoleAdmin, org.RoleAuditor} // platform keys only (checked again in review)
	mux.Handle("GET /v1/exports/dsa-sor", a.auth(a.exportDSA, exporters...))
	mux.Handle("GET /v1/exports/saman-ledger", a.auth(a.exportLedger, org.RoleAdmin, org.RoleAuditor, org.RoleAuthority))

	mux.Handle("GET /v1/reports/transparency", a.auth(a.transparencyReport, readers...)) // notifiers: their own notices only
	mux.Handle("GET /v1/reports/tco", a.auth(a.tcoReport, readers...))

	return a.observe(unmatched(mux))
}

// flaggerLimit is the per-org rate of notices for flagger orgs.
func (a *API) flaggerLimit() *orgLimiter {
	a.limitOnce.Do(func() { a.limiter = newOrgLimiter(flaggerRate, flaggerBurst) })
	return a.limiter
}
