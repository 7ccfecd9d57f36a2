package web

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/sigap/sigap/internal/mailgate"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/webhook"
)

// The outbox is the platform's: admins retry deliveries, auditors read.
var (
	outboxReaders = []org.Role{org.RoleAdmin, org.RoleAuditor}
	outboxWriters = []org.Role{org.RoleAdmin}
	outboxStates  = []string{store.DeliveryPending, store.DeliveryFailing, store.DeliveryDelivered, store.DeliveryDead}
)

// outboxPageSize is how many deliveries one outbox page shows.
const outboxPageSize = 50

// CanReadOutbox reports whether the user may see the webhook outbox.
func (q *req) CanReadOutbox() bool {
	return q.IsPlatform() && slices.Contains(outboxReaders, q.User.Role)
}

type outboxRow struct {
	*store.Delivery
	OrgName  string
	Endpoint string
	// NextAt is when the next attempt is due, for a delivery still being tried.
	NextAt   *time.Time
	CanRetry bool
}

type outboxData struct {
	Rows []outboxRow
	// Mail is the replies by e-mail in the same state (sent for delivered).
	Mail   []mailgate.Outbound
	State  string
	States []string
	Next   string
	Done   bool
}

// outboxPage lists every org's deliveries, newest first.
func (p *Portal) outboxPage(w http.ResponseWriter, r *http.Request, q *req) {
	ctx := r.Context()
	d := outboxData{States: outboxStates, Done: r.URL.Query().Get("done") == "retried"}
	if s := r.URL.Query().Get("state"); slices.Contains(outboxStates, s) {
		d.State = s
	}
	ds, err := p.DB.Deliveries(ctx, store.DeliveryFilter{State: d.State, Before: r.URL.Query().Get("before"), Limit: outboxPageSize + 1})
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	ds, last := cutPage(ds, outboxPageSize, func(d *store.Delivery) string { return d.ID })
	if last != "" {
		d.Next = "/outbox?state=" + d.State + "&before=" + last
	}
	orgs, err := p.DB.Orgs(ctx)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	names := map[string]string{}
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	endpoints := map[string]string{}
	for _, dl := range ds {
		row := outboxRow{Delivery: dl, OrgName: names[dl.OrgID]}
		url, ok := endpoints[dl.OrgID]
		if !ok {
			ep, err := p.DB.WebhookEndpoint(ctx, dl.OrgID)
			switch {
			case err == nil:
				url = ep.URL
			case !errors.Is(err, store.ErrNotFound):
				p.serverError(w, r, err)
				return
			}
			endpoints[dl.OrgID] = url
		}
		row.Endpoint = url
		if dl.State == store.DeliveryPending || dl.State == store.DeliveryFailing {
			j, err := p.DB.JobByKey(ctx, webhook.JobKind+":"+dl.ID)
			switch {
			case err == nil:
				if j.State == store.JobAvailable || j.State == store.JobRunning {
					at := j.RunAt
					row.NextAt = &at
				}
			case !errors.Is(err, store.ErrNotFound):
				p.serverError(w, r, err)
				return
			}
		}
		row.CanRetry = q.IsAdmin() && (dl.State == store.DeliveryDead || dl.State == store.DeliveryFailing)
		d.Rows = append(d.Rows, row)
	}
	mailState := d.State
	if mailState == store.DeliveryDelivered {
		mailState = mailgate.MailSent
	}
	if d.Mail, err = mailgate.Outbox(ctx, p.DB, mailState, outboxPageSize); err != nil {
		p.serverError(w, r, err)
		return
	}
	p.render(w, r, q, http.StatusOK, "outbox", "ob.title", d)
}

// outboxRetry sends a delivery again now, through the service the API's retry uses.
func (p *Portal) outboxRetry(w http.ResponseWriter, r *http.Request, q *req) {
	if _, err := p.Webhooks.Retry(r.Context(), r.PathValue("id")); err != nil {
		p.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/outbox?done=retried", http.StatusSeeOther)
}
