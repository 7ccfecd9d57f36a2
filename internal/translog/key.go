package translog

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// KeyFile is where the log's note signing key lives inside the data dir.
const KeyFile = "log-signing.key"

// DefaultOrigin names the log when its key is generated at first start; to
// choose another, create the key first with `sigap log keygen --origin`.
const DefaultOrigin = "sigap.local/log"

// Key is the log's signed-note key pair.
type Key struct {
	Signer   note.Signer
	Verifier note.Verifier
	// VerifierKey is the public key string (<origin>+<hash>+<base64>) outsiders verify checkpoints with.
	VerifierKey string

	// ring, when set, is the data dir's key ring this key is the current
	// key of: a log opened with the key follows the ring across rotations.
	ring *Keys
}

// GenerateKey writes a fresh signing key for origin to dir/log-signing.key
// (mode 0600), refusing to overwrite one.
func GenerateKey(dir, origin string) (Key, error) {
	skey, _, err := note.GenerateKey(rand.Reader, origin)
	if err != nil {
		return Key{}, fmt.Errorf("translog: generate key for origin %q: %w (an origin is like example.org/log: no spaces, no +)", origin, err)
	}
	k, err := ParseSignerKey(skey)
	if err != nil {
		return Key{}, fmt.Errorf("translog: origin %q cannot name a log (use one like example.org/log: no spaces, no +)", origin)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Key{}, fmt.Errorf("translog: %w", err)
	}
	path := filepath.Join(dir, KeyFile)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return Key{}, fmt.Errorf("translog: write %s: %w", path, err)
	}
	if _, err := f.WriteString(skey + "\n"); err != nil {
		f.Close()
		return Key{}, fmt.Errorf("translog: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return Key{}, fmt.Errorf("translog: write %s: %w", path, err)
	}
	return k, nil
}

// LoadOrCreateKey reads the log's current key from dir (its key ring, or
// log-signing.key before the first rotation), creating log-signing.key for
// DefaultOrigin on first start.
func LoadOrCreateKey(dir string) (Key, bool, error) {
	k, err := LoadKey(dir)
	if errors.Is(err, os.ErrNotExist) {
		if _, err = GenerateKey(dir, DefaultOrigin); err != nil {
			return Key{}, false, err
		}
		k, err = LoadKey(dir)
		return k, err == nil, err
	}
	return k, false, err
}

// LoadKey reads the log's current key from dir: its key ring, or
// log-signing.key before the first rotation.
func LoadKey(dir string) (Key, error) {
	return keysFromDir(dir)
}

// ParseSignerKey reads a note signer key (PRIVATE+KEY+<origin>+<hash>+<base64>).
func ParseSignerKey(skey string) (Key, error) {
	s, err := note.NewSigner(skey)
	if err != nil {
		return Key{}, fmt.Errorf("not a note signer key: %w", err)
	}
	vkey, err := verifierKey(skey)
	if err != nil {
		return Key{}, err
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return Key{}, fmt.Errorf("not a note signer key: %w", err)
	}
	return Key{Signer: s, Verifier: v, VerifierKey: vkey}, nil
}

// verifierKey derives the public verifier key string from a signer key.
func verifierKey(skey string) (string, error) {
	// PRIVATE+KEY+<name>+<hash>+<base64(0x01 || Ed25519 seed)>
	parts := strings.SplitN(skey, "+", 5)
	if len(parts) != 5 {
		return "", errors.New("not a note signer key")
	}
	b, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(b) != 1+ed25519.SeedSize || b[0] != 1 {
		return "", errors.New("not an Ed25519 note signer key")
	}
	pub := ed25519.NewKeyFromSeed(b[1:]).Public().(ed25519.PublicKey)
	return note.NewEd25519VerifierKey(parts[2], pub)
}
