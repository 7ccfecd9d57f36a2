package client_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/client"
	"github.com/sigap/sigap/internal/httpsig"
)

// TestSigning sends each kind of body the client takes, signed, to a server
// that verifies the signature over the body it received.
func TestSigning(t *testing.T) {
	t.Parallel()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize))
	pub := priv.Public().(ed25519.PublicKey)
	lookup := func(keyid string) (ed25519.PublicKey, error) {
		if keyid == "komdigi-2026" {
			return pub, nil
		}
		return nil, httpsig.ErrUnknownKey
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		res, err := httpsig.VerifyRequest(r, body, "", lookup, httpsig.Options{})
		if err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"status": 401, "title": "Unauthorized", "detail": "`+strings.ReplaceAll(err.Error(), `"`, `'`)+`"}`)
			return
		}
		if len(body) == 0 {
			body = []byte("null")
		}
		io.WriteString(w, `{"keyid": "`+res.KeyID+`", "idempotency_key": "`+res.Fields["idempotency-key"]+`", "body": `+string(body)+`}`)
	}))
	t.Cleanup(srv.Close)
	signed := client.New(srv.URL, "sgp_test")
	signed.Sign = &httpsig.Key{KeyID: "komdigi-2026", Private: priv}
	signed.Now = func() time.Time { return time.Now().Add(-time.Minute) }
	tests := []struct {
		name     string
		cl       *client.Client
		method   string
		body     any
		header   http.Header
		wantBody string
		wantErr  string
	}{
		{"bytes", signed, "POST", []byte(`{"a":1}`), nil, `{"a":1}`, ""},
		{"reader", signed, "POST", strings.NewReader(`{"b":2}`), nil, `{"b":2}`, ""},
		{"value", signed, "PATCH", map[string]bool{"require_signatures": true}, nil, `{"require_signatures":true}`, ""},
		{"no body", signed, "GET", nil, nil, `null`, ""},
		{"idempotency key", signed, "POST", []byte(`{"c":3}`), http.Header{"Idempotency-Key": {"SP-1"}}, `{"c":3}`, ""},
		{"unsigned", client.New(srv.URL, "sgp_test"), "POST", []byte(`{}`), nil, "", "request not signed"},
		{"bad key", &client.Client{BaseURL: srv.URL, HTTP: srv.Client(), Sign: &httpsig.Key{KeyID: "k", Private: priv[:10]}}, "POST", []byte(`{}`), nil, "", "not an Ed25519 private key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out struct {
				KeyID string          `json:"keyid"`
				Idem  string          `json:"idempotency_key"`
				Body  json.RawMessage `json:"body"`
			}
			_, err := tt.cl.Do(t.Context(), tt.method, "/v1/things?x=1", tt.body, tt.header, &out)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Do: %v, want an error saying %q", err, tt.wantErr)
				}
				return
			}
			var ce *client.Error
			if errors.As(err, &ce) || err != nil {
				t.Fatalf("Do: %v", err)
			}
			if out.KeyID != "komdigi-2026" || string(out.Body) != tt.wantBody || out.Idem != tt.header.Get("Idempotency-Key") {
				t.Errorf("server saw key %q, signed idempotency key %q, body %s", out.KeyID, out.Idem, out.Body)
			}
		})
	}
}
