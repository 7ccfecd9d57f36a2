package sso

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"path/filepath"

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

func gcm(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("sso: sealing key: %w", err)
	}
	return cipher.NewGCM(block)
}

// seal encrypts a client secret with AES-256-GCM under key: base64 of nonce
// and ciphertext.
func seal(key []byte, secret string) (string, error) {
	aead, err := gcm(key)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	_, _ = rand.Read(nonce)
	return base64.StdEncoding.EncodeToString(aead.Seal(nonce, nonce, []byte(secret), secretAAD)), nil
}

// open reverses seal.
func open(key []byte, sealed string) (string, error) {
	aead, err := gcm(key)
	if err != nil {
		return "", err
	}
	b, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil || len(b) < aead.NonceSize() {
		return "", errors.New("sso: the stored client secret is damaged")
	}
	plain, err := aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], secretAAD)
	if err != nil {
		return "", fmt.Errorf("sso: the stored client secret does not open with %s (a data dir without the key it was sealed with?): %w", KeyFile, err)
	}
	return string(plain), nil
}
