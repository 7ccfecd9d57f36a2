package dsasor

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// KeyFile is the file in the data directory that holds the puid key.
const KeyFile = "dsa-puid.key"

// KeySize is the length of the puid key in bytes.
const KeySize = 32

// LoadOrCreateKey reads the puid key from dir, or makes one on the first
// start. The key must outlive every export: a new key gives every decision a
// new puid, and the database would take re-exported statements as new ones.
func LoadOrCreateKey(dir string) (key []byte, created bool, err error) {
	path := filepath.Join(dir, KeyFile)
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		key, derr := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data)))
		if derr != nil || len(key) != KeySize {
			return nil, false, fmt.Errorf("dsasor: %s is not a base64 key of %d bytes; restore it from backup (puids already sent depend on it)", path, KeySize)
		}
		return key, false, nil
	case errors.Is(err, os.ErrNotExist):
		key = make([]byte, KeySize)
		if _, err := rand.Read(key); err != nil {
			return nil, false, fmt.Errorf("dsasor: generate key: %w", err)
		}
		if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(key)+"\n"), 0o600); err != nil {
			return nil, false, fmt.Errorf("dsasor: write %s: %w", path, err)
		}
		return key, true, nil
	default:
		return nil, false, fmt.Errorf("dsasor: read %s: %w", path, err)
	}
}
