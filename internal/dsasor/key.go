package dsasor

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/sigap/sigap/internal/keyfile"
)

// KeyFile is the file in the data directory that holds the puid key.
const KeyFile = "dsa-puid.key"

// KeySize is the length of the puid key in bytes.
const KeySize = 32

// LoadOrCreateKey reads the puid key from dir, or makes one on the first
// start. The key must outlive every export: a new key gives every decision a
// new puid, and the database would take re-exported statements as new ones.
func LoadOrCreateKey(dir string) (key []byte, created bool, err error) {
	key, created, err = keyfile.LoadOrCreate(filepath.Join(dir, KeyFile), KeySize)
	if errors.Is(err, keyfile.ErrMalformed) {
		err = fmt.Errorf("%w; restore it from backup (puids already sent depend on it)", err)
	}
	if err != nil {
		return nil, false, fmt.Errorf("dsasor: %w", err)
	}
	return key, created, nil
}
