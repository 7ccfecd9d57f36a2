package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// SecretPrefix starts every signing secret.
const SecretPrefix = "whsec_"

// NewSecret returns a fresh signing secret: whsec_ and 32 random bytes in base64.
func NewSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return SecretPrefix + base64.StdEncoding.EncodeToString(b[:])
}

// ErrBadSecret is returned for a secret that is not whsec_<base64>.
var ErrBadSecret = errors.New("webhook: secret is not whsec_<base64>")

func secretKey(secret string) ([]byte, error) {
	raw, ok := strings.CutPrefix(secret, SecretPrefix)
	if !ok {
		return nil, ErrBadSecret
	}
	k, err := base64.StdEncoding.DecodeString(raw)
	if err != nil || len(k) == 0 {
		return nil, ErrBadSecret
	}
	return k, nil
}

// Sign returns the webhook-signature value for a message: "v1," and the
// base64 HMAC-SHA256 of "id.timestamp.body" keyed by the secret's decoded part.
func Sign(secret, msgID string, ts time.Time, body []byte) (string, error) {
	k, err := secretKey(secret)
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, k)
	m.Write([]byte(msgID + "." + strconv.FormatInt(ts.Unix(), 10) + "."))
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil)), nil
}

// Headers sets the three Standard Webhooks headers on h.
func Headers(h http.Header, secret, msgID string, ts time.Time, body []byte) error {
	sig, err := Sign(secret, msgID, ts, body)
	if err != nil {
		return err
	}
	h.Set("webhook-id", msgID)
	h.Set("webhook-timestamp", strconv.FormatInt(ts.Unix(), 10))
	h.Set("webhook-signature", sig)
	return nil
}

// ErrBadSignature is returned when no signature in the header matches.
var ErrBadSignature = errors.New("webhook: no matching signature")

// Verify checks a received message as a receiver would: the timestamp within
// tolerance of now and one of the space-separated v1 signatures matching.
func Verify(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	msgID, tsText, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if msgID == "" || tsText == "" || sigs == "" {
		return fmt.Errorf("webhook: missing headers: %w", ErrBadSignature)
	}
	sec, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return fmt.Errorf("webhook: timestamp %q: %w", tsText, ErrBadSignature)
	}
	ts := time.Unix(sec, 0)
	if d := now.Sub(ts); d > tolerance || d < -tolerance {
		return fmt.Errorf("webhook: timestamp outside tolerance: %w", ErrBadSignature)
	}
	want, err := Sign(secret, msgID, ts, body)
	if err != nil {
		return err
	}
	for _, s := range strings.Fields(sigs) {
		if subtle.ConstantTimeCompare([]byte(s), []byte(want)) == 1 {
			return nil
		}
	}
	return ErrBadSignature
}
