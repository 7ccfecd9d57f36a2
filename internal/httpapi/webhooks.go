package httpapi

import (
	"errors"
	"net/http"
	"strings"

	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/webhook"
)

func invalid(field, code, msg string) error {
	return &notice.ValidationError{Fields: []notice.FieldError{{Field: field, Code: code, Message: msg}}}
}

type webhookBody struct {
	URL    string `json:"url"`
	Secret string `json:"secret,omitempty"`
}

func (a *API) putWebhook(r *http.Request, c org.Caller, in webhookBody) (webhookBody, error) {
	if in.Secret != "" {
		return webhookBody{}, invalid("secret", "read_only", "the secret is made by sigap and returned; do not send one")
	}
	if err := webhook.CheckURL(in.URL); err != nil {
		return webhookBody{}, invalid("url", "invalid_url", "url must be an absolute http:// or https:// URL without credentials")
	}
	ep, err := a.Webhooks.SetEndpoint(r.Context(), c.OrgID, in.URL)
	if errors.Is(err, webhook.ErrPrivateDestination) {
		return webhookBody{}, invalid("url", "private_destination", strings.TrimPrefix(err.Error(), "webhook: ")+
			"; sigap delivers only to public addresses. Use a public URL, or, for a test or single-host set-up, "+
			"have the operator run sigap serve with --allow-private-webhooks (SIGAP_ALLOW_PRIVATE_WEBHOOKS=1)")
	}
	if err != nil {
		return webhookBody{}, err
	}
	return webhookBody{URL: ep.URL, Secret: ep.Secret}, nil
}

func (a *API) getWebhook(r *http.Request, c org.Caller, _ noBody) (webhookBody, error) {
	ep, err := a.DB.WebhookEndpoint(r.Context(), c.OrgID)
	if err != nil {
		return webhookBody{}, err
	}
	return webhookBody{URL: ep.URL, Secret: ep.Secret}, nil
}

var deliveryStates = []string{store.DeliveryPending, store.DeliveryFailing, store.DeliveryDelivered, store.DeliveryDead}

func (a *API) listDeliveries(r *http.Request, c org.Caller, _ noBody) (list[*store.Delivery], error) {
	limit, cursor, err := page(r)
	if err != nil {
		return list[*store.Delivery]{}, err
	}
	f := store.DeliveryFilter{OrgID: c.OrgID, State: r.URL.Query().Get("state"), Before: cursor, Limit: limit + 1}
	if c.Platform() {
		// The platform's outbox holds every org's deliveries.
		f.OrgID = r.URL.Query().Get("org_id")
	}
	if f.State != "" && !contains(deliveryStates, f.State) {
		return list[*store.Delivery]{}, invalid("state", "unknown_value", "state must be pending, failing, delivered or dead")
	}
	ds, err := a.DB.Deliveries(r.Context(), f)
	return pageOf(ds, limit, func(d *store.Delivery) string { return d.ID }), err
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (a *API) retryDelivery(w http.ResponseWriter, r *http.Request) {
	d, err := a.Webhooks.Retry(r.Context(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		problem(w, http.StatusNotFound, "not_found", "Not found", "no such delivery, or it is being attempted right now; try again in a moment")
		return
	}
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, d)
}
