package receipt

import (
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/keyring"
)

// testClock is a clock the test moves.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// TestRotation signs before, during and after a rotation and checks that
// every receipt verifies with the keys the signer lists.
func TestRotation(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dir := t.TempDir()
	s, _, err := LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	clk := &testClock{t: time.Now().UTC()}
	s.UseClock(clk.Now)
	old := s.KeyID()
	before, err := s.Sign(map[string]any{"notice_id": "ntc_before"})
	if err != nil {
		t.Fatal(err)
	}
	if ks := s.Keys(); len(ks) != 1 || ks[0].Status != keyring.Active || ks[0].NotBefore.IsZero() || !ks[0].NotAfter.IsZero() {
		t.Fatalf("before any rotation: %+v, want one active key since the key file was written", ks)
	}

	rotatedAt := clk.Now()
	rot, err := PrepareRotation(ctx, dir, rotatedAt, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, RingFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("PrepareRotation wrote the ring: %v", err)
	}
	if err := rot.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	next := rot.Next().ID

	tests := []struct {
		after            time.Duration
		signer           string
		oldStatus, newSt keyring.Status
	}{
		{time.Hour, old, keyring.Active, keyring.Announced},
		{24*time.Hour + time.Second, next, keyring.Retired, keyring.Active},
		{1000 * time.Hour, next, keyring.Retired, keyring.Active},
	}
	for _, tt := range tests {
		clk.Set(rotatedAt.Add(tt.after))
		r, err := s.Sign(map[string]any{"notice_id": "ntc_" + tt.after.String()})
		if err != nil || r.KeyID != tt.signer {
			t.Fatalf("+%s: signed by %s (%v), want %s", tt.after, r.KeyID, err, tt.signer)
		}
		ks := s.Keys()
		if len(ks) != 2 || ks[0].KeyID != old || ks[1].KeyID != next || ks[0].Status != tt.oldStatus || ks[1].Status != tt.newSt {
			t.Fatalf("+%s: keys %+v, want %s %s then %s %s", tt.after, ks, old, tt.oldStatus, next, tt.newSt)
		}
		if !ks[0].NotAfter.Equal(ks[1].NotBefore) || ks[1].NotBefore.Sub(rotatedAt) > 24*time.Hour+time.Second {
			t.Errorf("+%s: windows do not chain at the announced time: %+v", tt.after, ks)
		}
		for _, rc := range []Receipt{before, r} {
			if _, err := Verify(rc, ks); err != nil {
				t.Errorf("+%s: receipt by %s does not verify with the listed keys: %v", tt.after, rc.KeyID, err)
			}
		}
		if s.Public().KeyID != tt.signer {
			t.Errorf("+%s: Public is %s, want the signing key %s", tt.after, s.Public().KeyID, tt.signer)
		}
	}
	// The old receipt names the old key: the new key alone does not verify it.
	if _, err := Verify(before, s.Keys()[1:]); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("old receipt with only the new key: %v, want ErrUnknownKey", err)
	}
	// A fresh start reads the ring, not the first key file.
	again, created, err := LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	again.UseClock(clk.Now)
	if created || len(again.Keys()) != 2 || again.KeyID() != next {
		t.Errorf("restart after the swap: %v created=%v keys %+v", err, created, again.Keys())
	}
}

// TestRotationRefuses checks that a rotation over a corrupt key, or during
// another, changes nothing.
func TestRotationRefuses(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	now := time.Now()

	dir := t.TempDir()
	if _, err := PrepareRotation(ctx, dir, now, time.Hour); err == nil {
		t.Error("rotating a data dir without keys was accepted")
	}
	if err := os.WriteFile(filepath.Join(dir, keyFile), []byte("not a key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := PrepareRotation(ctx, dir, now, time.Hour); err == nil {
		t.Error("rotating a corrupt key file was accepted")
	}

	dir = t.TempDir()
	if _, _, err := LoadOrCreate(dir); err != nil {
		t.Fatal(err)
	}
	rot, err := PrepareRotation(ctx, dir, now, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := rot.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := PrepareRotation(ctx, dir, now.Add(time.Minute), time.Hour); !errors.Is(err, keyring.ErrAnnounced) {
		t.Errorf("a second rotation during the announcement: %v, want ErrAnnounced", err)
	}
	// A ring whose key does not match its ID, or does not parse, is refused.
	bad := rot.After
	bad.Keys[1].Secret = bad.Keys[0].Secret
	if err := RingStore(dir).Save(ctx, bad); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadRing(ctx, dir); err == nil {
		t.Error("a ring whose secret is another key's was accepted")
	}
	if _, _, err := LoadOrCreate(dir); err == nil {
		t.Error("LoadOrCreate accepted a bad ring")
	}
}

// BenchmarkSignCanonical measures what the ring adds to signing a receipt:
// the bare Ed25519 signature beside the signer choosing its key by the clock.
func BenchmarkSignCanonical(b *testing.B) {
	s, _, err := LoadOrCreate(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	payload := []byte(`{"notice_id":"ntc_1","subjects":["telegram:message/x/1"]}`)
	_, priv, _ := ed25519.GenerateKey(nil)
	b.Run("bare-ed25519", func(b *testing.B) {
		for b.Loop() {
			ed25519.Sign(priv, payload)
		}
	})
	b.Run("ring-signer", func(b *testing.B) {
		for b.Loop() {
			s.SignCanonical(payload)
		}
	})
}
