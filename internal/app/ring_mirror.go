package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/receipt"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/translog"
)

// ringFiles are the key rings `sigap keys rotate` writes (receipts, the log).
// On PostgreSQL the database keeps them for every replica, like the single
// keys before them (shareKeys): the database's ring is the truth and each
// replica's file is its copy, brought up to date every ringMirrorEvery; the
// signers reread their file as often, so a rotation made on one replica
// signs on all within about twice that.
var ringFiles = []string{receipt.RingFile, translog.RingFile}

// ringMirrorEvery is how often a replica copies the database's rings to its files.
const ringMirrorEvery = 2 * time.Second

// ringMirror copies the database's key rings into one data dir.
type ringMirror struct {
	db   *store.DB
	dir  string
	wrap []byte
	clk  clock.Clock
	log  *slog.Logger
}

// sync brings the data dir's rings and the database's in line: a ring only
// the file has (rotated before rings were shared) is stored for every
// replica; a ring the database has is written to the file when it differs.
func (m ringMirror) sync(ctx context.Context) error {
	for _, name := range ringFiles {
		if err := m.syncOne(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

func (m ringMirror) syncOne(ctx context.Context, name string) error {
	path := filepath.Join(m.dir, name)
	local, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("app: %w", err)
	}
	stored, err := m.db.ServiceKey(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		if local == nil {
			return nil // no rotation yet: the single key file signs
		}
		sk, err := sealedKey(m.wrap, name, local, m.clk.Now())
		if err != nil {
			return err
		}
		if err := m.db.Write(ctx, func(tx *store.Tx) error { return tx.AddServiceKey(ctx, sk) }); err != nil {
			return fmt.Errorf("app: %w", err)
		}
		m.log.Info("stored the data dir's key ring for every replica", "ring", name)
		if stored, err = m.db.ServiceKey(ctx, name); err != nil {
			return fmt.Errorf("app: %w", err)
		}
	} else if err != nil {
		return fmt.Errorf("app: %w", err)
	}
	plain, err := openedKey(m.wrap, stored)
	if err != nil {
		return err
	}
	if bytes.Equal(local, plain) {
		return nil
	}
	if err := writeKeyFile(path, plain); err != nil {
		return err
	}
	m.log.Info("took the key ring the database keeps for every replica", "ring", name)
	return nil
}

// run syncs every ringMirrorEvery until ctx ends; a failed sync is logged
// and the signers keep the ring they have.
func (m ringMirror) run(ctx context.Context) {
	clock.Every(ctx, ringMirrorEvery, func() {
		if err := m.sync(ctx); err != nil && ctx.Err() == nil {
			m.log.Warn("key ring sync failed; signing goes on with the ring this replica has", "err", err)
		}
	})
}

// sealedKey is plain as the database keeps it: sealed under wrap when the
// operator gave one.
func sealedKey(wrap []byte, name string, plain []byte, now time.Time) (store.ServiceKey, error) {
	sk := store.ServiceKey{Name: name, Value: plain, CreatedAt: now}
	if wrap != nil {
		v, err := seal(wrap, name, plain)
		if err != nil {
			return store.ServiceKey{}, err
		}
		sk.Value, sk.Sealed = v, true
	}
	return sk, nil
}

// openedKey is a stored key's plain bytes.
func openedKey(wrap []byte, sk store.ServiceKey) ([]byte, error) {
	if !sk.Sealed {
		return sk.Value, nil
	}
	if wrap == nil {
		return nil, fmt.Errorf("app: the database keeps the service's keys sealed: give --key-wrap-file FILE or SIGAP_KEY_WRAP, the key the replicas use")
	}
	return unseal(wrap, sk.Name, sk.Value)
}

// RingPublisher stores a data dir's rings as the ones every replica signs
// with, after `sigap keys rotate` changed them there; the replicas take them
// within ringMirrorEvery. It is for PostgreSQL; on SQLite the data dir's
// files are the rings.
type RingPublisher struct {
	wrap []byte
}

// NewRingPublisher checks that cfg gives the key-wrapping key the database's
// keys are sealed with, if they are.
func NewRingPublisher(ctx context.Context, db *store.DB, cfg config.Config) (RingPublisher, error) {
	wrap, err := wrapKey(cfg)
	if err != nil {
		return RingPublisher{}, err
	}
	stored, err := db.ServiceKey(ctx, "receipt-signing.key")
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return RingPublisher{}, fmt.Errorf("app: %w", err)
	}
	if err == nil && stored.Sealed && wrap == nil {
		return RingPublisher{}, fmt.Errorf("app: the database keeps the service's keys sealed: give --key-wrap-file FILE or SIGAP_KEY_WRAP, the key the replicas use")
	}
	if err == nil && stored.Sealed {
		if _, err := unseal(wrap, stored.Name, stored.Value); err != nil {
			return RingPublisher{}, err
		}
	}
	return RingPublisher{wrap: wrap}, nil
}

// Publish stores dir's rings inside tx.
func (p RingPublisher) Publish(ctx context.Context, tx *store.Tx, dir string, now time.Time) error {
	for _, name := range ringFiles {
		plain, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("app: %w", err)
		}
		sk, err := sealedKey(p.wrap, name, plain, now)
		if err != nil {
			return err
		}
		if err := tx.PutServiceKey(ctx, sk); err != nil {
			return fmt.Errorf("app: %w", err)
		}
	}
	return nil
}
