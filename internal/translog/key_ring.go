package translog

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/sigap/sigap/internal/keyring"
)

// RingFile is the log's key ring in the data dir, written by the first
// rotation (sigap keys rotate); until then KeyFile is the one key.
const RingFile = "log-signing.keyring"

// reloadEvery is how often the log rereads its ring, so a rotation made by
// `sigap keys rotate` beside a running server takes effect without a restart.
const reloadEvery = 5 * time.Second

// KeyInfo is one key of the log's ring as GET /v1/log/keys lists it.
type KeyInfo struct {
	// KeyID is the key's name and hash as its signature lines name it: <origin>+<hash, 8 hex digits>.
	KeyID       string `json:"key_id"`
	Algorithm   string `json:"algorithm"`
	VerifierKey string `json:"verifier_key"`
	keyring.Validity
}

// Keys is the log's key ring: the key that signs checkpoints now, the one
// announced to follow it (which signs beside it until it takes over), and
// retired keys whose checkpoints still verify.
type Keys struct {
	store keyring.Store // nil: a fixed ring

	mu     sync.Mutex
	ring   keyring.Ring
	parsed map[string]Key
	loaded time.Time
}

// keyID names a note key by its name and hash, as its signature lines do.
func keyID(v note.Verifier) string { return fmt.Sprintf("%s+%08x", v.Name(), v.KeyHash()) }

// fixedKeys is a ring of the one key k, never reloaded.
func fixedKeys(k Key) *Keys {
	id := keyID(k.Verifier)
	return &Keys{ring: keyring.Ring{Keys: []keyring.Key{{ID: id}}}, parsed: map[string]Key{id: k}}
}

// RingStore is the store of dir's log key ring.
func RingStore(dir string) keyring.Store {
	return keyring.File{Path: filepath.Join(dir, RingFile)}
}

// legacyStore reads the single key file when no ring is stored.
type legacyStore struct {
	keyring.Store
	legacyFile string
}

func (l legacyStore) Load(ctx context.Context) (keyring.Ring, error) {
	r, err := l.Store.Load(ctx)
	if errors.Is(err, keyring.ErrNoRing) {
		r, err = keyring.Legacy(l.legacyFile, func(s string) (string, error) {
			k, err := ParseSignerKey(s)
			if err != nil {
				return "", fmt.Errorf("translog: %s: %w (restore it from backup: published checkpoints name its key)", l.legacyFile, err)
			}
			return keyID(k.Verifier), nil
		})
		if err != nil {
			return keyring.Ring{}, fmt.Errorf("translog: read the log key: %w", err)
		}
	}
	return r, err
}

// LoadKeys reads dir's log key ring (without one, the single key file),
// checking every key in it.
func LoadKeys(ctx context.Context, dir string) (*Keys, error) {
	k := &Keys{store: legacyStore{RingStore(dir), filepath.Join(dir, KeyFile)}}
	if err := k.Reload(ctx, time.Now()); err != nil {
		return nil, err
	}
	return k, nil
}

// Reload rereads the ring. A ring that does not load leaves the keys as they
// were, and the error says why.
func (k *Keys) Reload(ctx context.Context, now time.Time) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.reload(ctx, now)
}

func (k *Keys) reload(ctx context.Context, now time.Time) error {
	k.loaded = now
	if k.store == nil {
		return nil
	}
	r, err := k.store.Load(ctx)
	if err != nil {
		return err
	}
	parsed, err := parseRing(r)
	if err != nil {
		return err
	}
	k.ring, k.parsed = r, parsed
	return nil
}

// refresh rereads the ring when it is older than reloadEvery.
func (k *Keys) refresh(ctx context.Context, now time.Time) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.store == nil || now.Sub(k.loaded) < reloadEvery {
		return nil
	}
	return k.reload(ctx, now)
}

func parseRing(r keyring.Ring) (map[string]Key, error) {
	parsed := make(map[string]Key, len(r.Keys))
	var name string
	for i, rk := range r.Keys {
		k, err := ParseSignerKey(rk.Secret)
		if err != nil {
			return nil, fmt.Errorf("translog: log key %s: %w (restore the ring from backup)", rk.ID, err)
		}
		if id := keyID(k.Verifier); id != rk.ID {
			return nil, fmt.Errorf("translog: the ring names key %s but its secret is key %s", rk.ID, id)
		}
		if i == 0 {
			name = k.Verifier.Name()
		} else if k.Verifier.Name() != name {
			// A checkpoint's origin is its key's name: a key of another name would start another log.
			return nil, fmt.Errorf("translog: the ring's keys name two logs, %q and %q", name, k.Verifier.Name())
		}
		parsed[rk.ID] = k
	}
	return parsed, nil
}

// Current is the key that signs at now.
func (k *Keys) Current(now time.Time) Key {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.parsed[k.ring.Current(now).ID]
}

// Signing is the keys that sign a checkpoint at now: the current one and,
// during an announcement, the announced one.
func (k *Keys) Signing(now time.Time) []Key {
	k.mu.Lock()
	defer k.mu.Unlock()
	var out []Key
	for _, rk := range k.ring.Signing(now) {
		out = append(out, k.parsed[rk.ID])
	}
	return out
}

// Verifiers is every key of the ring as a note verifier: a checkpoint signed
// by any of them verifies.
func (k *Keys) Verifiers() []note.Verifier {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := make([]note.Verifier, 0, len(k.ring.Keys))
	for _, rk := range k.ring.Keys {
		out = append(out, k.parsed[rk.ID].Verifier)
	}
	return out
}

// List is every key of the ring, oldest first, with its validity at now.
func (k *Keys) List(now time.Time) []KeyInfo {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := make([]KeyInfo, 0, len(k.ring.Keys))
	for i, rk := range k.ring.Keys {
		out = append(out, KeyInfo{KeyID: rk.ID, Algorithm: "ed25519", VerifierKey: k.parsed[rk.ID].VerifierKey,
			Validity: k.ring.Validity(i, now)})
	}
	return out
}

// PrepareRotation works out the rotation of dir's log keys: a new key for the
// same origin, announced (signing checkpoints beside the current key) for
// announce from now, then the only signer while the current one retires.
// Nothing is written until the caller commits it.
func PrepareRotation(ctx context.Context, dir string, now time.Time, announce time.Duration) (keyring.Rotation, error) {
	keys, err := LoadKeys(ctx, dir)
	if err != nil {
		return keyring.Rotation{}, err
	}
	before := keys.ring
	origin := keys.Current(now).Verifier.Name()
	skey, _, err := note.GenerateKey(rand.Reader, origin)
	if err != nil {
		return keyring.Rotation{}, fmt.Errorf("translog: generate key for origin %q: %w", origin, err)
	}
	k, err := ParseSignerKey(skey)
	if err != nil {
		return keyring.Rotation{}, fmt.Errorf("translog: %w", err)
	}
	after, err := before.Rotate(keyring.Key{ID: keyID(k.Verifier), Secret: skey}, now, announce)
	if err != nil {
		return keyring.Rotation{}, fmt.Errorf("translog: %w", err)
	}
	return keyring.Rotation{Store: RingStore(dir), Before: before, After: after}, nil
}

// keysFromDir loads dir's ring, attached to the returned current key so the
// log opened with it follows the ring.
func keysFromDir(dir string) (Key, error) {
	keys, err := LoadKeys(context.Background(), dir)
	if err != nil {
		return Key{}, err
	}
	k := keys.Current(time.Now())
	k.ring = keys
	return k, nil
}
