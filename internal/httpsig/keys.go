package httpsig

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"sync"

	"github.com/sigap/sigap/internal/edverify"
)

// maxKeyIDLen bounds a keyid: it is a name, and every signed request carries it.
const maxKeyIDLen = 128

// CheckKeyID refuses a keyid a Signature-Input could not carry as an
// RFC 8941 string (printable ASCII), or an empty or overlong one.
func CheckKeyID(keyid string) error {
	if keyid == "" {
		return errors.New("httpsig: keyid is empty")
	}
	if len(keyid) > maxKeyIDLen {
		return fmt.Errorf("httpsig: keyid is longer than %d characters", maxKeyIDLen)
	}
	for i := 0; i < len(keyid); i++ {
		if c := keyid[i]; c < 0x20 || c > 0x7e {
			return fmt.Errorf("httpsig: keyid holds byte 0x%02x: only printable ASCII fits in a signature's parameters", c)
		}
	}
	return nil
}

// ParsePublicKey reads a public key in the contract's form: algorithm
// "ed25519" and base64 of the 32 raw bytes.
func ParsePublicKey(alg, b64 string) (ed25519.PublicKey, error) {
	if alg != Algorithm {
		return nil, fmt.Errorf("httpsig: algorithm %q is not %q", alg, Algorithm)
	}
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, errors.New("httpsig: public_key is not base64 of 32 bytes")
	}
	return b, nil
}

// Code is the contract's problem code for an error of Verify:
// signature_required, signature_expired or signature_invalid, or "" for
// an error that is the server's own (a failed key lookup). A server answers
// signature_required only when the organisation requires signatures, and
// takes an unsigned request otherwise.
func Code(err error) string {
	switch {
	case errors.Is(err, ErrUnsigned):
		return "signature_required"
	case errors.Is(err, ErrExpired):
		return "signature_expired"
	case errors.Is(err, ErrInvalid):
		return "signature_invalid"
	}
	return ""
}

// maxPrepared bounds the keys a Keys holds (each table is 480 KiB): a
// service has a few signing keys an authority, and a key lookup only returns
// registered ones.
const maxPrepared = 64

// Keys holds public keys prepared for verifying (edverify), so that a key
// is decoded and tabled once, not on every request it signs. The zero value
// is ready; it is safe for concurrent use.
type Keys struct {
	mu   sync.Mutex
	keys map[[ed25519.PublicKeySize]byte]*edverify.PublicKey
}

// verify checks sig of msg by pub, with pub's prepared form when c is not nil.
func (c *Keys) verify(pub ed25519.PublicKey, msg, sig []byte) bool {
	if c == nil {
		return ed25519.Verify(pub, msg, sig)
	}
	k, err := c.prepared(pub)
	if err != nil {
		return false
	}
	return k.Verify(msg, sig)
}

func (c *Keys) prepared(pub ed25519.PublicKey) (*edverify.PublicKey, error) {
	id := [ed25519.PublicKeySize]byte(pub)
	c.mu.Lock()
	defer c.mu.Unlock()
	if k, ok := c.keys[id]; ok {
		return k, nil
	}
	k, err := edverify.NewPublicKey(pub)
	if err != nil {
		return nil, err
	}
	if c.keys == nil || len(c.keys) >= maxPrepared {
		c.keys = map[[ed25519.PublicKeySize]byte]*edverify.PublicKey{} // start again rather than grow without end
	}
	c.keys[id] = k
	return k, nil
}
