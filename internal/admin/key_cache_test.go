package admin_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/admin"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

// TestKeyCacheHoldsRevocations checks the cached key look-up against the
// contract: a revoked or rotated-out key is refused at once by the process
// that changed it and within one second by another process (here another
// Service, with its own cache, on the same database); an unknown key is
// never remembered, so a key made elsewhere works at once.
func TestKeyCacheHoldsRevocations(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		clk := clock.NewFixed(time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC))
		here := &admin.Service{DB: db, Clock: clk}
		there := &admin.Service{DB: db, Clock: clk}
		o, err := here.CreateOrg(ctx, "Kominfo", org.KindAuthority, "")
		if err != nil {
			t.Fatal(err)
		}
		state := func(s *admin.Service, secret string) store.KeyState {
			t.Helper()
			ks, err := s.KeyByHash(ctx, org.HashSecret(secret))
			if err != nil {
				t.Fatalf("KeyByHash: %v", err)
			}
			return ks
		}
		// within waits, up to the contract's second, for there to see what want accepts.
		within := func(what string, secret string, want func(store.KeyState) bool) {
			t.Helper()
			for deadline := time.Now().Add(time.Second); !want(state(there, secret)); {
				if time.Now().After(deadline) {
					t.Fatalf("another process still does not see %s after one second", what)
				}
				time.Sleep(10 * time.Millisecond)
			}
		}

		// Unknown, then made elsewhere: works at once, the miss was not remembered.
		k, err := there.CreateKey(ctx, o.ID, org.RoleAuthority)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := here.KeyByHash(ctx, org.HashSecret(k.Key+"x")); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("an unknown key: %v, want ErrNotFound", err)
		}
		if ks := state(here, k.Key); ks.Caller.KeyID != k.ID || ks.Caller.OrgID != o.ID || ks.Caller.Role != org.RoleAuthority || ks.Key.Revoked {
			t.Fatalf("a new key: %+v", ks)
		}

		// Both processes have the key in memory; one revokes it.
		if state(there, k.Key).Key.Revoked {
			t.Fatal("revoked before the revocation")
		}
		if err := here.RevokeKey(ctx, o.ID, k.ID); err != nil {
			t.Fatal(err)
		}
		if !state(here, k.Key).Key.Revoked {
			t.Error("the revoking process still takes the key")
		}
		within("the revocation", k.Key, func(ks store.KeyState) bool { return ks.Key.Revoked })

		// A rotation without overlap ends the old key at once here, and within the second there.
		old, err := here.CreateKey(ctx, o.ID, org.RoleAuthority)
		if err != nil {
			t.Fatal(err)
		}
		if state(here, old.Key).Key.Expired(clk.Now()) || state(there, old.Key).Key.Expired(clk.Now()) {
			t.Fatal("expired before the rotation")
		}
		if _, err := here.RotateKey(ctx, o.ID, old.ID, 0); err != nil {
			t.Fatal(err)
		}
		if !state(here, old.Key).Key.Expired(clk.Now()) {
			t.Error("the rotating process still takes the old key")
		}
		within("the rotation", old.Key, func(ks store.KeyState) bool { return ks.Key.Expired(clk.Now()) })

		// A use is remembered with the key: the next look-up carries it, so the
		// next request does not write it again.
		live, err := here.CreateKey(ctx, o.ID, org.RoleAuthority)
		if err != nil {
			t.Fatal(err)
		}
		if err := here.TouchKey(ctx, state(here, live.Key).Key); err != nil {
			t.Fatal(err)
		}
		if used := state(here, live.Key).Key.LastUsedAt; !used.Equal(clk.Now()) {
			t.Errorf("last use after a touch = %v, want %v", used, clk.Now())
		}
	})
}
