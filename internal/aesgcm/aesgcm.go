package aesgcm

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// ErrTooShort means a sealed value is shorter than its nonce: it was never
// sealed, or it was cut.
var ErrTooShort = errors.New("aesgcm: too short to be a sealed value")

// ErrNotOpened means a sealed value does not open: another key sealed it,
// it was sealed as something else, or it was changed.
var ErrNotOpened = errors.New("aesgcm: the value does not open")

// Seal encrypts plain under key (32 bytes) with a fresh random nonce, which
// leads the result. about names what plain is; Open asks for the same, so a
// sealed value cannot be passed off as another.
func Seal(key, plain, about []byte) ([]byte, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("aesgcm: nonce: %w", err)
	}
	return aead.Seal(nonce, nonce, plain, about), nil
}

// Open reverses Seal with the same key and about.
func Open(key, sealed, about []byte) ([]byte, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	n := aead.NonceSize()
	if len(sealed) < n {
		return nil, ErrTooShort
	}
	plain, err := aead.Open(nil, sealed[:n], sealed[n:], about)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotOpened, err)
	}
	return plain, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("aesgcm: key: %w", err)
	}
	return cipher.NewGCM(block)
}
