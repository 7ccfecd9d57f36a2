package webhooktest_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/webhook"
	"github.com/sigap/sigap/internal/webhook/webhooktest"
)

// body is a delivery as sigap sends it.
const body = `{"type":"action.requested","data":{"action_id":"act_1"}}`

// TestVerified hands on a delivery signed with the receiver's secret, with
// its id, type and data, and answers 401 to one signed with another.
func TestVerified(t *testing.T) {
	t.Parallel()
	secret := webhook.NewSecret()
	for _, tt := range []struct {
		name   string
		signer string
		ok     bool
	}{
		{"signed with the secret", secret, true},
		{"signed with another", webhook.NewSecret(), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest("POST", "/hook", strings.NewReader(body))
			if err := webhook.Headers(r.Header, tt.signer, "msg_1", time.Now(), []byte(body)); err != nil {
				t.Fatal(err)
			}
			w := httptest.NewRecorder()
			d, ok := webhooktest.Verified(w, r, secret)
			if ok != tt.ok {
				t.Fatalf("Verified = %v, want %v", ok, tt.ok)
			}
			if !ok {
				if w.Code != 401 {
					t.Errorf("a forged delivery got %d, want 401", w.Code)
				}
				return
			}
			if d.ID != "msg_1" || d.Type != "action.requested" || d.Data["action_id"] != "act_1" {
				t.Errorf("Verified gave %+v", d)
			}
		})
	}
}
