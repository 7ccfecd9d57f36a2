package admin

import (
	"testing"
	"time"

	"github.com/sigap/sigap/internal/store"
)

// TestKeyCacheEntries checks what the cache keeps and drops, without a database.
func TestKeyCacheEntries(t *testing.T) {
	t.Parallel()
	ks := func(id string) store.KeyState { return store.KeyState{Key: store.KeyInfo{ID: id}} }
	tests := []struct {
		name    string
		run     func(c *keyCache)
		hash    string
		wantHit bool
		wantID  string
	}{
		{"kept", func(c *keyCache) {
			_, gen, _ := c.get("h")
			c.put("h", gen, time.Now(), ks("k1"))
		}, "h", true, "k1"},
		{"another hash", func(c *keyCache) {
			_, gen, _ := c.get("h")
			c.put("h", gen, time.Now(), ks("k1"))
		}, "g", false, ""},
		{"stale", func(c *keyCache) {
			_, gen, _ := c.get("h")
			c.put("h", gen, time.Now().Add(-KeyCacheTTL), ks("k1"))
		}, "h", false, ""},
		{"forgotten", func(c *keyCache) {
			_, gen, _ := c.get("h")
			c.put("h", gen, time.Now(), ks("k1"))
			c.forget()
		}, "h", false, ""},
		{"read before a change committed", func(c *keyCache) {
			_, gen, _ := c.get("h") // the read starts, the revocation commits, the read ends
			c.forget()
			c.put("h", gen, time.Now(), ks("k1"))
		}, "h", false, ""},
		{"full starts again", func(c *keyCache) {
			for i := range keyCacheMax {
				_, gen, _ := c.get("h")
				c.put(string(rune('a'+i%26))+string(rune(i)), gen, time.Now(), ks("other"))
			}
			_, gen, _ := c.get("h")
			c.put("h", gen, time.Now(), ks("k1"))
		}, "h", true, "k1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var c keyCache
			tc.run(&c)
			got, _, hit := c.get(tc.hash)
			if hit != tc.wantHit || got.Key.ID != tc.wantID {
				t.Errorf("get(%q) = %q, %v; want %q, %v", tc.hash, got.Key.ID, hit, tc.wantID, tc.wantHit)
			}
			if len(c.entries) > keyCacheMax {
				t.Errorf("%d entries, more than %d", len(c.entries), keyCacheMax)
			}
		})
	}
}

// TestKeyCacheTouched checks that a recorded use reaches the cached key, and
// never moves its last use back.
func TestKeyCacheTouched(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC)
	var c keyCache
	_, gen, _ := c.get("h")
	c.put("h", gen, time.Now(), store.KeyState{Key: store.KeyInfo{ID: "k1", LastUsedAt: t0}})
	c.touched("k1", t0.Add(time.Minute))
	c.touched("k1", t0.Add(-time.Minute))
	c.touched("k2", t0.Add(time.Hour))
	if got, _, _ := c.get("h"); !got.Key.LastUsedAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("last use = %v, want %v", got.Key.LastUsedAt, t0.Add(time.Minute))
	}
}
