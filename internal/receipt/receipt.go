package receipt

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sigap/sigap/internal/keyring"
)

// Algorithm is the only signature algorithm sigap uses for receipts.
const Algorithm = "ed25519"

// ErrBadSignature means a receipt does not verify with the key it names.
var ErrBadSignature = errors.New("receipt: signature does not verify")

// ErrUnknownKey means a receipt names a key the verifier does not have.
var ErrUnknownKey = errors.New("receipt: unknown signing key")

// Receipt is what the contract returns: the signed bytes and their signature.
type Receipt struct {
	KeyID     string `json:"key_id"`
	Algorithm string `json:"algorithm"`
	Payload   string `json:"payload"`
	Signature string `json:"signature"`
}

// PublicKey is one entry of GET /v1/keys: the key and when it signs. The
// validity fields are empty for a key given without its ring (NewSigner).
type PublicKey struct {
	KeyID     string `json:"key_id"`
	Algorithm string `json:"algorithm"`
	PublicKey string `json:"public_key"`
	keyring.Validity
}

// KeyID names a public key by the first 8 bytes of its SHA-256, so a receipt
// says which key to check it with.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return "ed25519-" + hex.EncodeToString(sum[:8])
}

// Verify checks r against the given public keys and returns the signed payload.
// It also checks the payload is canonical, so the bytes cannot be re-encoded
// into a different document with the same meaning.
func Verify(r Receipt, keys []PublicKey) (map[string]any, error) {
	if r.Algorithm != Algorithm {
		return nil, fmt.Errorf("receipt: algorithm %q is not %q", r.Algorithm, Algorithm)
	}
	var pub ed25519.PublicKey
	for _, k := range keys {
		if k.KeyID == r.KeyID {
			b, err := base64.StdEncoding.DecodeString(k.PublicKey)
			if err != nil || len(b) != ed25519.PublicKeySize {
				return nil, fmt.Errorf("receipt: public key %s is not 32 base64 bytes", k.KeyID)
			}
			pub = b
		}
	}
	if pub == nil {
		return nil, fmt.Errorf("%w %q", ErrUnknownKey, r.KeyID)
	}
	payload, err := base64.StdEncoding.DecodeString(r.Payload)
	if err != nil {
		return nil, fmt.Errorf("receipt: payload is not base64: %w", err)
	}
	sig, err := base64.StdEncoding.DecodeString(r.Signature)
	if err != nil {
		return nil, fmt.Errorf("receipt: signature is not base64: %w", err)
	}
	if !ed25519.Verify(pub, payload, sig) {
		return nil, ErrBadSignature
	}
	canon, err := Canonicalize(payload)
	if err != nil || string(canon) != string(payload) {
		return nil, errors.New("receipt: payload is signed but not RFC 8785 canonical JSON")
	}
	var m map[string]any
	if err := json.Unmarshal(payload, &m); err != nil {
		return nil, fmt.Errorf("receipt: payload: %w", err)
	}
	return m, nil
}
