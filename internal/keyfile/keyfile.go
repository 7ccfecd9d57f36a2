package keyfile

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"
)

// ErrMalformed is a key file that does not hold the base64 of a key of the
// size asked for. Its caller may say what restoring it from backup saves.
var ErrMalformed = errors.New("keyfile: malformed key file")

// LoadOrCreate reads the key of size bytes kept at path, or, when there is
// no such file, makes one and writes it there (base64, mode 0600); created
// tells which.
func LoadOrCreate(path string, size int) (key []byte, created bool, err error) {
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data)))
		if err != nil || len(key) != size {
			return nil, false, fmt.Errorf("%w: %s is not the base64 of a %d-byte key", ErrMalformed, path, size)
		}
		return key, false, nil
	case errors.Is(err, os.ErrNotExist):
		key = make([]byte, size)
		if _, err := rand.Read(key); err != nil {
			return nil, false, fmt.Errorf("keyfile: generate %s: %w", path, err)
		}
		if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(key)+"\n"), 0o600); err != nil {
			return nil, false, fmt.Errorf("keyfile: write %s: %w", path, err)
		}
		return key, true, nil
	default:
		return nil, false, fmt.Errorf("keyfile: read %s: %w", path, err)
	}
}
