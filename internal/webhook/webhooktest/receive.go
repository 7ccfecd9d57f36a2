package webhooktest

import (
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/sigap/sigap/internal/webhook"
)

// Delivery is one webhook delivery whose signature verified.
type Delivery struct {
	ID   string // the webhook-id header, the same on every retry of one event
	Type string
	Data map[string]any
}

// Verified reads the delivery r carries and checks its signature with
// secret, allowing five minutes of clock skew. One that does not verify is
// answered 401 and ok is false; the caller answers one that does.
func Verified(w http.ResponseWriter, r *http.Request, secret string) (d Delivery, ok bool) {
	body, _ := io.ReadAll(r.Body)
	if err := webhook.Verify(secret, r.Header, body, time.Now(), 5*time.Minute); err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return Delivery{}, false
	}
	_ = json.Unmarshal(body, &d)
	d.ID = r.Header.Get("webhook-id")
	return d, true
}
