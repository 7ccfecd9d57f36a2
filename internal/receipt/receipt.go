package receipt

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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

// PublicKey is one entry of GET /v1/keys.
type PublicKey struct {
	KeyID     string `json:"key_id"`
	Algorithm string `json:"algorithm"`
	PublicKey string `json:"public_key"`
}

// Signer signs receipts with one Ed25519 key.
type Signer struct {
	keyID string
	priv  ed25519.PrivateKey
}

// NewSigner wraps a private key.
func NewSigner(priv ed25519.PrivateKey) *Signer {
	pub := priv.Public().(ed25519.PublicKey)
	return &Signer{keyID: KeyID(pub), priv: priv}
}

// KeyID names a public key by the first 8 bytes of its SHA-256, so a receipt
// says which key to check it with.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return "ed25519-" + hex.EncodeToString(sum[:8])
}

// keyFile is where the signing key lives inside the data directory.
const keyFile = "receipt-signing.key"

// LoadOrCreate reads the signing key from dir, creating it (mode 0600) on first start.
func LoadOrCreate(dir string) (s *Signer, created bool, err error) {
	path := filepath.Join(dir, keyFile)
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		seed, derr := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data)))
		if derr != nil || len(seed) != ed25519.SeedSize {
			return nil, false, fmt.Errorf("receipt: %s is not a base64 Ed25519 seed; restore it from backup (receipts already issued name its key)", path)
		}
		return NewSigner(ed25519.NewKeyFromSeed(seed)), false, nil
	case errors.Is(err, os.ErrNotExist):
		_, priv, gerr := ed25519.GenerateKey(rand.Reader)
		if gerr != nil {
			return nil, false, fmt.Errorf("receipt: generate key: %w", gerr)
		}
		enc := base64.StdEncoding.EncodeToString(priv.Seed()) + "\n"
		if werr := os.WriteFile(path, []byte(enc), 0o600); werr != nil {
			return nil, false, fmt.Errorf("receipt: write %s: %w", path, werr)
		}
		return NewSigner(priv), true, nil
	default:
		return nil, false, fmt.Errorf("receipt: read %s: %w", path, err)
	}
}

// KeyID returns the signer's key ID.
func (s *Signer) KeyID() string { return s.keyID }

// Public returns the signer's public key in the /v1/keys shape.
func (s *Signer) Public() PublicKey {
	return PublicKey{KeyID: s.keyID, Algorithm: Algorithm,
		PublicKey: base64.StdEncoding.EncodeToString(s.priv.Public().(ed25519.PublicKey))}
}

// Sign canonicalises payload (any JSON-encodable value) and signs the bytes.
func (s *Signer) Sign(payload any) (Receipt, error) {
	b, err := Marshal(payload)
	if err != nil {
		return Receipt{}, err
	}
	return s.SignCanonical(b), nil
}

// SignCanonical signs bytes that are already canonical JSON.
func (s *Signer) SignCanonical(b []byte) Receipt {
	return Receipt{KeyID: s.keyID, Algorithm: Algorithm,
		Payload:   base64.StdEncoding.EncodeToString(b),
		Signature: base64.StdEncoding.EncodeToString(ed25519.Sign(s.priv, b))}
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
