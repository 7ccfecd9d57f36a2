package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/aesgcm"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/dsasor"
	"github.com/sigap/sigap/internal/receipt"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/translog"
)

// wrapKeySize is the length of the operator's key-wrapping key (AES-256).
const wrapKeySize = 32

// sharedKey is one of the service's secret key files, with how its owner
// package makes it on a first start.
type sharedKey struct {
	file   string
	create func(dir string) error
}

// sharedKeys are the secret keys every replica must sign with: the
// receipt-signing key, the log's note key and the DSA puid key. The files
// and their formats stay their packages' own (rotation may change them);
// this list is the one place that says which files the database shares.
func sharedKeys() []sharedKey {
	return []sharedKey{
		{"receipt-signing.key", func(dir string) error { _, _, err := receipt.LoadOrCreate(dir); return err }},
		{translog.KeyFile, func(dir string) error { _, _, err := translog.LoadOrCreateKey(dir); return err }},
		{dsasor.KeyFile, func(dir string) error { _, _, err := dsasor.LoadOrCreateKey(dir); return err }},
	}
}

// wrapKey reads the operator's key-wrapping key from the configuration: nil
// when none is set.
func wrapKey(cfg config.Config) ([]byte, error) {
	text, from := cfg.KeyWrap, "SIGAP_KEY_WRAP"
	if text == "" && cfg.KeyWrapFile != "" {
		b, err := os.ReadFile(cfg.KeyWrapFile)
		if err != nil {
			return nil, fmt.Errorf("app: --key-wrap-file: %w", err)
		}
		text, from = string(b), cfg.KeyWrapFile
	}
	if text == "" {
		return nil, nil
	}
	k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(text))
	if err != nil || len(k) != wrapKeySize {
		return nil, fmt.Errorf("app: %s is not base64 of %d bytes; make a key with: head -c 32 /dev/urandom | base64", from, wrapKeySize)
	}
	return k, nil
}

// seal seals a key file's content for the database; the key's name is the
// additional data, so a sealed key cannot be passed off as another.
func seal(wrap []byte, name string, plain []byte) ([]byte, error) {
	sealed, err := aesgcm.Seal(wrap, plain, []byte(name))
	if err != nil {
		return nil, fmt.Errorf("app: seal %s: %w", name, err)
	}
	return sealed, nil
}

func unseal(wrap []byte, name string, sealed []byte) ([]byte, error) {
	plain, err := aesgcm.Open(wrap, sealed, []byte(name))
	switch {
	case errors.Is(err, aesgcm.ErrTooShort):
		return nil, fmt.Errorf("app: the database's %s is too short to be sealed", name)
	case errors.Is(err, aesgcm.ErrNotOpened):
		return nil, fmt.Errorf("app: the key-wrapping key does not open the database's %s: is it the key this database was started with?", name)
	case err != nil:
		return nil, fmt.Errorf("app: key-wrapping key: %w", err)
	}
	return plain, nil
}

// shareKeys makes the data dir's secret key files the ones the database keeps
// for every replica, before the packages read them from the files as on
// SQLite. The replica that finds a key missing in the database stores its own
// (the data dir's, or one made now); when two race, the database keeps the
// first (INSERT ... ON CONFLICT DO NOTHING) and both read it back. Keys are
// sealed with wrap (AES-256-GCM) where the operator gives one, else stored
// plain with a warning; a plain key is sealed once a wrap key is given.
func shareKeys(ctx context.Context, db *store.DB, dir string, wrap []byte, clk clock.Clock, log *slog.Logger) error {
	if wrap == nil {
		log.Warn("no key-wrapping key: the service's secret keys are stored in PostgreSQL unsealed, readable by whoever reads the database or its dumps; set --key-wrap-file or SIGAP_KEY_WRAP (make one with: head -c 32 /dev/urandom | base64)")
	}
	for _, k := range sharedKeys() {
		if err := shareKey(ctx, db, dir, wrap, clk, log, k); err != nil {
			return err
		}
	}
	return nil
}

func shareKey(ctx context.Context, db *store.DB, dir string, wrap []byte, clk clock.Clock, log *slog.Logger, k sharedKey) error {
	path := filepath.Join(dir, k.file)
	local, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("app: %w", err)
	}
	stored, err := db.ServiceKey(ctx, k.file)
	madeNow := false
	if errors.Is(err, store.ErrNotFound) {
		if local == nil {
			madeNow = true
			if err := k.create(dir); err != nil {
				return err
			}
			if local, err = os.ReadFile(path); err != nil {
				return fmt.Errorf("app: %w", err)
			}
		}
		sk := store.ServiceKey{Name: k.file, Value: local, CreatedAt: clk.Now()}
		if info, err := os.Stat(path); err == nil {
			// The file's time is the key's: a single key's validity starts then.
			sk.CreatedAt = info.ModTime()
		}
		if wrap != nil {
			if sk.Value, err = seal(wrap, k.file, local); err != nil {
				return err
			}
			sk.Sealed = true
		}
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.AddServiceKey(ctx, sk) }); err != nil {
			return fmt.Errorf("app: %w", err)
		}
		// Read back: another replica may have stored its key first.
		if stored, err = db.ServiceKey(ctx, k.file); err != nil {
			return fmt.Errorf("app: %w", err)
		}
	} else if err != nil {
		return fmt.Errorf("app: %w", err)
	}
	plain := stored.Value
	if stored.Sealed {
		if wrap == nil {
			return fmt.Errorf("app: the database keeps the service's keys sealed: start with --key-wrap-file FILE or SIGAP_KEY_WRAP set to the key the other replicas use")
		}
		if plain, err = unseal(wrap, k.file, stored.Value); err != nil {
			return err
		}
	} else if wrap != nil {
		sealed, err := seal(wrap, k.file, plain)
		if err != nil {
			return err
		}
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.SealServiceKey(ctx, k.file, sealed) }); err != nil {
			return fmt.Errorf("app: %w", err)
		}
		log.Info("sealed the stored key with the key-wrapping key", "key", k.file)
	}
	switch {
	case local == nil:
	case bytes.Equal(bytes.TrimSpace(local), bytes.TrimSpace(plain)):
		return keyFileTime(path, stored.CreatedAt)
	case !madeNow:
		return fmt.Errorf("app: %s differs from the key the database keeps for every replica: this data dir belongs to another installation (move the file away to take the database's key)", path)
	}
	// This replica's file is missing, or made just now by a replica that lost the race to store it.
	if err := writeKeyFile(path, plain); err != nil {
		return err
	}
	return keyFileTime(path, stored.CreatedAt)
}

// keyFileTime gives a key file the time the database says the key was made,
// so every replica's copy dates the key alike (a single key file's time is
// when its key began to sign).
func keyFileTime(path string, t time.Time) error {
	if t.IsZero() {
		return nil
	}
	if info, err := os.Stat(path); err == nil && info.ModTime().Truncate(time.Millisecond).Equal(t.Truncate(time.Millisecond)) {
		return nil
	}
	if err := os.Chtimes(path, t, t); err != nil {
		return fmt.Errorf("app: %w", err)
	}
	return nil
}

// writeKeyFile replaces path with b (mode 0600) in one rename.
func writeKeyFile(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".key-*")
	if err != nil {
		return fmt.Errorf("app: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("app: write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("app: write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("app: write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("app: write %s: %w", path, err)
	}
	return nil
}
