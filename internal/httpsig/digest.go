package httpsig

import (
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"errors"
	"fmt"
)

// ContentDigest returns the RFC 9530 Content-Digest field value of body
// with the sha-256 algorithm, the one sigap's clients send.
func ContentDigest(body []byte) string {
	sum := sha256.Sum256(body)
	return Dictionary{{Key: "sha-256", Item: &Item{Value: sum[:]}}}.String()
}

// CheckContentDigest checks a Content-Digest field value against body: every
// algorithm sigap knows (sha-256, sha-512) that the field names must match,
// and at least one must be there.
func CheckContentDigest(field string, body []byte) error {
	if field == "" {
		return fmt.Errorf("%w: no Content-Digest field", ErrInvalid)
	}
	var buf [sha256.Size]byte
	if key, want, ok := soleBytes(field, buf[:]); ok && key == "sha-256" {
		if sum := sha256.Sum256(body); subtle.ConstantTimeCompare(sum[:], want) != 1 {
			return fmt.Errorf("%w: Content-Digest %s does not match the body", ErrInvalid, key)
		}
		return nil
	}
	d, err := ParseDictionary(field)
	if err != nil {
		return fmt.Errorf("%w: Content-Digest: %v", ErrInvalid, err)
	}
	// The RFC 9530 algorithms sigap computes and checks are sha-256 and
	// sha-512; others are ignored, as RFC 9530 lets a recipient do.
	known := 0
	for _, m := range d {
		var sum []byte
		switch m.Key {
		case "sha-256":
			s := sha256.Sum256(body)
			sum = s[:]
		case "sha-512":
			s := sha512.Sum512(body)
			sum = s[:]
		default:
			continue
		}
		known++
		want, ok := itemBytes(m)
		if !ok {
			return fmt.Errorf("%w: Content-Digest %s is not a byte sequence", ErrInvalid, m.Key)
		}
		if subtle.ConstantTimeCompare(sum, want) != 1 {
			return fmt.Errorf("%w: Content-Digest %s does not match the body", ErrInvalid, m.Key)
		}
	}
	if known == 0 {
		return fmt.Errorf("%w: Content-Digest names neither sha-256 nor sha-512", ErrInvalid)
	}
	return nil
}

// DigestSHA256 returns the sha-256 member of a Content-Digest field value.
func DigestSHA256(field string) ([]byte, error) {
	d, err := ParseDictionary(field)
	if err != nil {
		return nil, fmt.Errorf("%w: Content-Digest: %v", ErrInvalid, err)
	}
	m, ok := d.Get("sha-256")
	if !ok {
		return nil, errors.New("httpsig: Content-Digest has no sha-256 member")
	}
	b, ok := itemBytes(m)
	if !ok || len(b) != sha256.Size {
		return nil, fmt.Errorf("%w: Content-Digest sha-256 is not 32 bytes", ErrInvalid)
	}
	return b, nil
}

func itemBytes(m Member) ([]byte, bool) {
	if m.Item == nil {
		return nil, false
	}
	b, ok := m.Item.Value.([]byte)
	return b, ok
}
