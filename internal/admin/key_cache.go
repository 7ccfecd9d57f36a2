package admin

import (
	"context"
	"sync"
	"time"

	"github.com/sigap/sigap/internal/store"
)

// KeyCacheTTL is how long a key's row is taken from memory. The contract
// refuses a revoked key on every replica within one second; a quarter of
// that leaves room for the request in flight, while a busy key costs four
// reads a second instead of one a request (on PostgreSQL a round trip and
// backend CPU each). In the process that revokes or rotates, the cache is
// dropped as the change commits, so there the change holds at once.
const KeyCacheTTL = 250 * time.Millisecond

// keyCacheMax bounds the cache; a full cache starts again empty, which costs
// one read per key and keeps a flood of distinct keys from growing memory.
const keyCacheMax = 4096

// keyCache remembers recently read keys by hash. Unknown keys are never
// remembered: a key made on another replica works there at once, and a
// stream of made-up keys cannot fill memory.
type keyCache struct {
	mu sync.Mutex
	// gen counts invalidations; a read started before one is not kept, so a
	// row read before a revocation committed cannot outlive it.
	gen     uint64
	entries map[string]*cachedKey
}

type cachedKey struct {
	loaded time.Time // monotonic: a test's frozen clock must not freeze the cache
	state  store.KeyState
}

// get returns a fresh entry, and the generation a read made now belongs to.
func (c *keyCache) get(hash string) (store.KeyState, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if !ok || time.Since(e.loaded) >= KeyCacheTTL {
		return store.KeyState{}, c.gen, false
	}
	return e.state, c.gen, true
}

// put keeps a key read in generation gen, unless the cache was dropped since.
func (c *keyCache) put(hash string, gen uint64, loaded time.Time, ks store.KeyState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.entries == nil || len(c.entries) >= keyCacheMax {
		c.entries = map[string]*cachedKey{}
	}
	c.entries[hash] = &cachedKey{loaded: loaded, state: ks}
}

// forget drops every entry; called once a change to a key has committed.
func (c *keyCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.entries)
}

// touched records in memory that a key's last use was written at at, so the
// requests of the next TTL do not write it again.
func (c *keyCache) touched(keyID string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.entries {
		if e.state.Key.ID == keyID && e.state.Key.LastUsedAt.Before(at) {
			e.state.Key.LastUsedAt = at
		}
	}
}

// KeyByHash finds a key by its hash, revoked and expired ones too (the caller
// tells them apart), from memory when read within KeyCacheTTL.
func (s *Service) KeyByHash(ctx context.Context, hash string) (store.KeyState, error) {
	ks, gen, ok := s.keys.get(hash)
	if ok {
		return ks, nil
	}
	loaded := time.Now()
	ks, err := s.DB.KeyByHash(ctx, hash)
	if err != nil {
		return store.KeyState{}, err
	}
	s.keys.put(hash, gen, loaded, ks)
	return ks, nil
}
