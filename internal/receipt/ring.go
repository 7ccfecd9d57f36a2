package receipt

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/sigap/sigap/internal/keyring"
)

// keyFile is the single signing key of a data dir from before key rings; it
// stays as the ring's first key.
const keyFile = "receipt-signing.key"

// RingFile is the receipt key ring in the data dir, written by the first
// rotation (sigap keys rotate); until then keyFile is the one key.
const RingFile = "receipt-signing.keyring"

// reloadEvery is how often a signer rereads its ring, so a rotation made by
// `sigap keys rotate` beside a running server takes effect without a restart.
const reloadEvery = 5 * time.Second

// Signer signs receipts with the current key of a key ring and lists every
// key of the ring, so receipts signed before a rotation keep verifying.
type Signer struct {
	store keyring.Store // nil: a fixed ring
	now   func() time.Time

	mu     sync.Mutex
	ring   keyring.Ring
	privs  map[string]ed25519.PrivateKey
	loaded time.Time
}

// NewSigner wraps one private key: a ring of one key, never reloaded.
func NewSigner(priv ed25519.PrivateKey) *Signer {
	id := KeyID(priv.Public().(ed25519.PublicKey))
	return &Signer{now: time.Now,
		ring:  keyring.Ring{Keys: []keyring.Key{{ID: id, Secret: base64.StdEncoding.EncodeToString(priv.Seed())}}},
		privs: map[string]ed25519.PrivateKey{id: priv}}
}

// RingStore is the store of dir's receipt key ring.
func RingStore(dir string) keyring.Store {
	return keyring.File{Path: filepath.Join(dir, RingFile)}
}

// LoadOrCreate reads the receipt keys from dir, creating the first key (mode
// 0600) on first start. The signer follows the ring's file as rotations change it.
func LoadOrCreate(dir string) (s *Signer, created bool, err error) {
	ctx := context.Background()
	store := RingStore(dir)
	if _, err := store.Load(ctx); errors.Is(err, keyring.ErrNoRing) {
		created, err = createKeyFile(filepath.Join(dir, keyFile))
		if err != nil {
			return nil, false, err
		}
	}
	s, err = OpenSigner(ctx, store, filepath.Join(dir, keyFile), time.Now)
	if err != nil {
		return nil, false, err
	}
	return s, created, nil
}

// OpenSigner reads the ring from store (without one, the single key in
// legacyFile) and returns a signer on it that tells time by now.
func OpenSigner(ctx context.Context, store keyring.Store, legacyFile string, now func() time.Time) (*Signer, error) {
	s := &Signer{store: legacyStore{store, legacyFile}, now: now}
	if err := s.Reload(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// legacyStore reads the single key file when no ring is stored.
type legacyStore struct {
	keyring.Store
	legacyFile string
}

func (l legacyStore) Load(ctx context.Context) (keyring.Ring, error) {
	r, err := l.Store.Load(ctx)
	if errors.Is(err, keyring.ErrNoRing) && l.legacyFile != "" {
		r, err = keyring.Legacy(l.legacyFile, parseSecretID)
		if errors.Is(err, os.ErrNotExist) {
			return keyring.Ring{}, fmt.Errorf("receipt: no receipt key in %s: has sigap started once there? %w", filepath.Dir(l.legacyFile), err)
		}
	}
	return r, err
}

// LoadRing reads dir's receipt key ring, checking every key in it.
func LoadRing(ctx context.Context, dir string) (keyring.Ring, error) {
	r, err := legacyStore{RingStore(dir), filepath.Join(dir, keyFile)}.Load(ctx)
	if err != nil {
		return keyring.Ring{}, err
	}
	if _, err := parseRing(r); err != nil {
		return keyring.Ring{}, err
	}
	return r, nil
}

// PrepareRotation works out the rotation of dir's receipt keys: a new key,
// announced for announce from now, then signing while the current one retires.
// Nothing is written until the caller commits it.
func PrepareRotation(ctx context.Context, dir string, now time.Time, announce time.Duration) (keyring.Rotation, error) {
	before, err := LoadRing(ctx, dir)
	if err != nil {
		return keyring.Rotation{}, err
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return keyring.Rotation{}, fmt.Errorf("receipt: generate key: %w", err)
	}
	next := keyring.Key{ID: KeyID(priv.Public().(ed25519.PublicKey)), Secret: base64.StdEncoding.EncodeToString(priv.Seed())}
	after, err := before.Rotate(next, now, announce)
	if err != nil {
		return keyring.Rotation{}, fmt.Errorf("receipt: %w", err)
	}
	return keyring.Rotation{Store: RingStore(dir), Before: before, After: after}, nil
}

// UseClock makes the signer choose its key by now instead of the system
// clock, so the key follows the service's clock (tests move it).
func (s *Signer) UseClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// Reload rereads the ring. A ring that does not load leaves the signer on
// the one it had, and the error says why.
func (s *Signer) Reload(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reload(ctx)
}

func (s *Signer) reload(ctx context.Context) error {
	s.loaded = s.now()
	if s.store == nil {
		return nil
	}
	r, err := s.store.Load(ctx)
	if err != nil {
		return err
	}
	privs, err := parseRing(r)
	if err != nil {
		return err
	}
	s.ring, s.privs = r, privs
	return nil
}

// current is the ring as of now, reread when it is older than reloadEvery.
func (s *Signer) current() (keyring.Ring, map[string]ed25519.PrivateKey, time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.store != nil && now.Sub(s.loaded) >= reloadEvery {
		// Sign has no context of its own; the read is of a small local file.
		_ = s.reload(context.Background())
	}
	return s.ring, s.privs, now
}

func parseRing(r keyring.Ring) (map[string]ed25519.PrivateKey, error) {
	privs := make(map[string]ed25519.PrivateKey, len(r.Keys))
	for _, k := range r.Keys {
		priv, err := parseSecret(k.Secret)
		if err != nil {
			return nil, fmt.Errorf("receipt: key %s: %w", k.ID, err)
		}
		if id := KeyID(priv.Public().(ed25519.PublicKey)); id != k.ID {
			return nil, fmt.Errorf("receipt: the ring names key %s but its secret is key %s", k.ID, id)
		}
		privs[k.ID] = priv
	}
	return privs, nil
}

func parseSecret(secret string) (ed25519.PrivateKey, error) {
	seed, err := base64.StdEncoding.DecodeString(secret)
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, errors.New("not a base64 Ed25519 seed; restore it from backup (receipts already issued name its key)")
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

func parseSecretID(secret string) (string, error) {
	priv, err := parseSecret(secret)
	if err != nil {
		return "", fmt.Errorf("receipt: %w", err)
	}
	return KeyID(priv.Public().(ed25519.PublicKey)), nil
}

// createKeyFile writes a fresh key to path unless it exists.
func createKeyFile(path string) (bool, error) {
	if _, err := os.Stat(path); err == nil {
		return false, nil
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return false, fmt.Errorf("receipt: generate key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return false, fmt.Errorf("receipt: write %s: %w", path, err)
	}
	if _, err := f.WriteString(base64.StdEncoding.EncodeToString(priv.Seed()) + "\n"); err != nil {
		f.Close()
		return false, fmt.Errorf("receipt: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return false, fmt.Errorf("receipt: write %s: %w", path, err)
	}
	return true, nil
}

// KeyID returns the ID of the key that signs now.
func (s *Signer) KeyID() string {
	r, _, now := s.current()
	return r.Current(now).ID
}

// Public returns the key that signs now in the /v1/keys shape.
func (s *Signer) Public() PublicKey {
	r, privs, now := s.current()
	cur := r.Current(now)
	for i, k := range r.Keys {
		if k.ID == cur.ID {
			return publicKey(r, i, privs, now)
		}
	}
	return publicKey(r, 0, privs, now)
}

// Keys lists every key of the ring, oldest first, with its validity.
func (s *Signer) Keys() []PublicKey {
	r, privs, now := s.current()
	out := make([]PublicKey, len(r.Keys))
	for i := range r.Keys {
		out[i] = publicKey(r, i, privs, now)
	}
	return out
}

func publicKey(r keyring.Ring, i int, privs map[string]ed25519.PrivateKey, now time.Time) PublicKey {
	k := r.Keys[i]
	return PublicKey{KeyID: k.ID, Algorithm: Algorithm,
		PublicKey: base64.StdEncoding.EncodeToString(privs[k.ID].Public().(ed25519.PublicKey)),
		Validity:  r.Validity(i, now)}
}

// Sign canonicalises payload (any JSON-encodable value) and signs the bytes.
func (s *Signer) Sign(payload any) (Receipt, error) {
	b, err := Marshal(payload)
	if err != nil {
		return Receipt{}, err
	}
	return s.SignCanonical(b), nil
}

// SignCanonical signs bytes that are already canonical JSON, with the key
// that signs now.
func (s *Signer) SignCanonical(b []byte) Receipt {
	r, privs, now := s.current()
	k := r.Current(now)
	return Receipt{KeyID: k.ID, Algorithm: Algorithm,
		Payload:   base64.StdEncoding.EncodeToString(b),
		Signature: base64.StdEncoding.EncodeToString(ed25519.Sign(privs[k.ID], b))}
}
