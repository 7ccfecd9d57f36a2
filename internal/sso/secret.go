package sso

import (
	"encoding/base64"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/sigap/sigap/internal/aesgcm"
	"github.com/sigap/sigap/internal/keyfile"
)

// KeyFile is the file in the data dir holding the key that seals the
// client secret in the database. Like the other *.key files it is the same
// on every replica and goes into every backup: without it a stored client
// secret cannot be read, and the platform's admin has to give it again.
const KeyFile = "sso-secret.key"

// secretAAD binds a sealed value to what it is, so another sealed value of
// the same key cannot stand in for a client secret.
var secretAAD = []byte("sigap sso client secret v1")

// LoadOrCreateKey reads the sealing key from dir, making one on first use;
// created tells whether it was made now.
func LoadOrCreateKey(dir string) (key []byte, created bool, err error) {
	key, created, err = keyfile.LoadOrCreate(filepath.Join(dir, KeyFile), 32)
	if err != nil {
		return nil, false, fmt.Errorf("sso: %w", err)
	}
	return key, created, nil
}

// seal encrypts a client secret with AES-256-GCM under key: base64 of nonce
// and ciphertext.
func seal(key []byte, secret string) (string, error) {
	sealed, err := aesgcm.Seal(key, []byte(secret), secretAAD)
	if err != nil {
		return "", fmt.Errorf("sso: %w", err)
	}
	return base64.StdEncoding.EncodeToString(sealed), nil
}

// open reverses seal.
func open(key []byte, sealed string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil {
		return "", errors.New("sso: the stored client secret is damaged")
	}
	plain, err := aesgcm.Open(key, b, secretAAD)
	switch {
	case errors.Is(err, aesgcm.ErrTooShort):
		return "", errors.New("sso: the stored client secret is damaged")
	case errors.Is(err, aesgcm.ErrNotOpened):
		return "", fmt.Errorf("sso: the stored client secret does not open with %s (a data dir without the key it was sealed with?): %w", KeyFile, err)
	case err != nil:
		return "", fmt.Errorf("sso: sealing key: %w", err)
	}
	return string(plain), nil
}
