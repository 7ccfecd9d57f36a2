package httpapi

import (
	"errors"
	"net/http"

	"github.com/sigap/sigap/internal/notice"
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

func (a *API) putWebhook(w http.ResponseWriter, r *http.Request) {
	var in webhookBody
	if err := decodeStrict(r, &in); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	if in.Secret != "" {
		a.errorResponse(w, r, invalid("secret", "read_only", "the secret is made by sigap and returned; do not send one"))
		return
	}
	if err := webhook.CheckURL(in.URL); err != nil {
		a.errorResponse(w, r, invalid("url", "invalid_url", "url must be an absolute http:// or https:// URL without credentials"))
		return
	}
	ep, err := a.Webhooks.SetEndpoint(r.Context(), callerFrom(r.Context()).OrgID, in.URL)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, webhookBody{URL: ep.URL, Secret: ep.Secret})
}

func (a *API) getWebhook(w http.ResponseWriter, r *http.Request) {
	ep, err := a.DB.WebhookEndpoint(r.Context(), callerFrom(r.Context()).OrgID)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, webhookBody{URL: ep.URL, Secret: ep.Secret})
}

var deliveryStates = []string{store.DeliveryPending, store.DeliveryFailing, store.DeliveryDelivered, store.DeliveryDead}

func (a *API) listDeliveries(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	limit, cursor, err := page(r)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	f := store.DeliveryFilter{OrgID: c.OrgID, State: r.URL.Query().Get("state"), Before: cursor, Limit: limit + 1}
	if c.Platform() {
		// The platform's outbox holds every org's deliveries.
		f.OrgID = r.URL.Query().Get("org_id")
	}
	if f.State != "" && !contains(deliveryStates, f.State) {
		a.errorResponse(w, r, invalid("state", "unknown_value", "state must be pending, failing, delivered or dead"))
		return
	}
	ds, err := a.DB.Deliveries(r.Context(), f)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	next := ""
	if len(ds) > limit {
		ds, next = ds[:limit], ds[limit-1].ID
	}
	if ds == nil {
		ds = []*store.Delivery{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": ds, "next_cursor": next})
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
