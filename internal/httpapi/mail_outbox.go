package httpapi

import (
	"net/http"

	"github.com/sigap/sigap/internal/mailgate"
	"github.com/sigap/sigap/internal/org"
)

// listMailOutbox lists replies by e-mail the way GET /v1/webhook/deliveries
// lists webhook deliveries: by default every one not yet sent.
func (a *API) listMailOutbox(r *http.Request, _ org.Caller, _ noBody) (list[mailgate.Outbound], error) {
	limit, _, err := page(r)
	if err != nil {
		return list[mailgate.Outbound]{}, err
	}
	state := r.URL.Query().Get("state")
	if state != "" && !contains(mailgate.OutboxStates(), state) {
		return list[mailgate.Outbound]{}, invalid("state", "unknown_value", "state must be pending, failing, sent or dead")
	}
	out, err := mailgate.Outbox(r.Context(), a.DB, state, limit)
	return listOf(out, ""), err
}
