package keyring

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Store keeps a ring where every process that signs with it finds it. Load
// answers ErrNoRing when none is stored; Save replaces the ring whole.
type Store interface {
	Load(ctx context.Context) (Ring, error)
	Save(ctx context.Context, r Ring) error
}

// File is a Store in one JSON file (mode 0600: it holds private keys),
// replaced by rename so a reader sees the old ring or the new, never half.
type File struct {
	Path string
}

// fileFormat is the file's version, so a later sigap can tell its layouts apart.
const fileFormat = 1

type fileRing struct {
	Format int   `json:"format"`
	Keys   []Key `json:"keys"`
}

// Load reads and validates the ring.
func (f File) Load(ctx context.Context) (Ring, error) {
	b, err := os.ReadFile(f.Path)
	if errors.Is(err, os.ErrNotExist) {
		return Ring{}, ErrNoRing
	}
	if err != nil {
		return Ring{}, fmt.Errorf("keyring: %w", err)
	}
	var fr fileRing
	if err := json.Unmarshal(b, &fr); err != nil {
		return Ring{}, fmt.Errorf("keyring: %s is not a key ring: %w (restore it from backup)", f.Path, err)
	}
	if fr.Format != fileFormat {
		return Ring{}, fmt.Errorf("keyring: %s has format %d; this sigap reads format %d", f.Path, fr.Format, fileFormat)
	}
	r := Ring{Keys: fr.Keys}
	if err := r.Validate(); err != nil {
		return Ring{}, fmt.Errorf("%s: %w (restore it from backup)", f.Path, err)
	}
	return r, nil
}

// Save writes the ring to a temporary file beside Path and renames it into place.
func (f File) Save(ctx context.Context, r Ring) error {
	if err := r.Validate(); err != nil {
		return err
	}
	b, err := json.MarshalIndent(fileRing{Format: fileFormat, Keys: r.Keys}, "", "  ")
	if err != nil {
		return fmt.Errorf("keyring: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(f.Path), "."+filepath.Base(f.Path)+".*")
	if err != nil {
		return fmt.Errorf("keyring: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("keyring: %w", err)
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("keyring: write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("keyring: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("keyring: %w", err)
	}
	if err := os.Rename(tmp.Name(), f.Path); err != nil {
		return fmt.Errorf("keyring: %w", err)
	}
	return nil
}

// Legacy is the ring of one key read from path, a single key file from before
// rings: it has signed since the file was written. parse checks the file's
// text and names the key.
func Legacy(path string, parse func(secret string) (id string, err error)) (Ring, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Ring{}, fmt.Errorf("keyring: %w", err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return Ring{}, fmt.Errorf("keyring: %w", err)
	}
	secret := strings.TrimSpace(string(b))
	id, err := parse(secret)
	if err != nil {
		return Ring{}, err
	}
	return Ring{Keys: []Key{{ID: id, Secret: secret, NotBefore: info.ModTime().UTC().Truncate(time.Second)}}}, nil
}

// Rotation is a rotation worked out but not saved yet, so a caller can save
// it inside its own transaction and undo it when that fails.
type Rotation struct {
	Store         Store
	Before, After Ring
}

// Next is the key the rotation adds.
func (r Rotation) Next() Key { return r.After.Keys[len(r.After.Keys)-1] }

// Retiring is the key the rotation retires.
func (r Rotation) Retiring() Key { return r.After.Keys[len(r.After.Keys)-2] }

// Commit saves the ring after the rotation.
func (r Rotation) Commit(ctx context.Context) error { return r.Store.Save(ctx, r.After) }

// Undo saves the ring as it was before.
func (r Rotation) Undo(ctx context.Context) error { return r.Store.Save(ctx, r.Before) }
