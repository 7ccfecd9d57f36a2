package webhook_test

import (
	"errors"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/webhook"
)

// The Standard Webhooks reference vector (also svix's).
const (
	vecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vecID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vecBody   = `{"test": 2432232314}`
	vecSig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestSignMatchesTheSpecificationVector(t *testing.T) {
	t.Parallel()
	got, err := webhook.Sign(vecSecret, vecID, time.Unix(1614265330, 0), []byte(vecBody))
	if err != nil || got != vecSig {
		t.Fatalf("Sign = %q, %v; want %q", got, err, vecSig)
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	ts := time.Unix(1614265330, 0)
	h := http.Header{}
	if err := webhook.Headers(h, vecSecret, vecID, ts, []byte(vecBody)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		secret string
		body   string
		now    time.Time
		want   error
	}{
		{"good", vecSecret, vecBody, ts, nil},
		{"tampered body", vecSecret, vecBody + " ", ts, webhook.ErrBadSignature},
		{"other secret", webhook.NewSecret(), vecBody, ts, webhook.ErrBadSignature},
		{"too old", vecSecret, vecBody, ts.Add(10 * time.Minute), webhook.ErrBadSignature},
		{"bad secret", "nope", vecBody, ts, webhook.ErrBadSecret},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := webhook.Verify(tc.secret, h, []byte(tc.body), tc.now, 5*time.Minute)
			if !errors.Is(err, tc.want) && !(tc.want == nil && err == nil) {
				t.Fatalf("Verify = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestForbiddenDestinations(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]bool{
		"127.0.0.1": true, "::1": true, "10.1.2.3": true, "172.16.0.1": true, "192.168.1.1": true, "169.254.169.254": true,
		"fe80::1": true, "fd00::1": true, "100.64.0.1": true, "0.0.0.0": true, "::ffff:127.0.0.1": true,
		"8.8.8.8": false, "2001:4860:4860::8888": false, "149.154.167.99": false,
	} {
		if got := webhook.Forbidden(netip.MustParseAddr(addr)); got != want {
			t.Errorf("Forbidden(%s) = %v, want %v", addr, got, want)
		}
	}
}

func TestClientRefusesLoopbackUnlessAllowed(t *testing.T) {
	t.Parallel()
	c := webhook.NewClient(webhook.Config{Timeout: 2 * time.Second})
	_, err := c.Get("http://127.0.0.1:1/")
	if !errors.Is(err, webhook.ErrPrivateDestination) {
		t.Fatalf("GET loopback: %v, want ErrPrivateDestination", err)
	}
}

func FuzzVerify(f *testing.F) {
	f.Add(vecID, "1614265330", vecSig, vecBody)
	f.Fuzz(func(t *testing.T, id, ts, sig, body string) {
		h := http.Header{}
		h.Set("webhook-id", id)
		h.Set("webhook-timestamp", ts)
		h.Set("webhook-signature", sig)
		_ = webhook.Verify(vecSecret, h, []byte(body), time.Unix(1614265330, 0), 5*time.Minute)
	})
}
