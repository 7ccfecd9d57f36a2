package httpsig

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Algorithm is the only signature algorithm sigap takes (RFC 9421 "ed25519").
const Algorithm = "ed25519"

// DefaultLabel is the signature label the contract names.
const DefaultLabel = "sig1"

// DefaultComponents are what a sigap signature covers, and at least what a
// verifier requires: the method, the full target URI and the body's digest.
var DefaultComponents = []string{"@method", "@target-uri", "content-digest"}

// Key signs requests for one registered key.
type Key struct {
	KeyID      string
	Private    ed25519.PrivateKey
	Label      string   // "" is DefaultLabel
	Components []string // nil is DefaultComponents
}

// Sign adds Content-Digest, Signature-Input and Signature fields to m.Header,
// signing m and body with k at the given time (whole seconds).
func Sign(m Message, body []byte, k Key, created time.Time) error {
	if len(k.Private) != ed25519.PrivateKeySize {
		return errors.New("httpsig: sign: not an Ed25519 private key")
	}
	if err := CheckKeyID(k.KeyID); err != nil {
		return fmt.Errorf("httpsig: sign: %w", err)
	}
	label, names := k.Label, k.Components
	if label == "" {
		label = DefaultLabel
	}
	if names == nil {
		names = DefaultComponents
	}
	m.Header.Set("Content-Digest", ContentDigest(body))
	in := SignatureInput{Label: label, Params: Params{
		{Key: "created", Value: created.Unix()},
		{Key: "keyid", Value: k.KeyID},
		{Key: "alg", Value: Algorithm},
	}}
	for _, n := range names {
		in.Components = append(in.Components, Component{Name: n})
	}
	list := in.List()
	base, err := Base(m, in.Components, list.String())
	if err != nil {
		return fmt.Errorf("httpsig: sign: %w", err)
	}
	sig := ed25519.Sign(k.Private, base)
	m.Header.Set("Signature-Input", in.String())
	m.Header.Set("Signature", label+"=:"+base64.StdEncoding.EncodeToString(sig)+":")
	return nil
}

// SignRequest signs a request a client is about to send, whose body is body.
func SignRequest(r *http.Request, body []byte, k Key, created time.Time) error {
	return Sign(clientMessage(r), body, k, created)
}
