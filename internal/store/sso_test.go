package store_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

func TestSSOConfig(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		if _, err := db.SSOConfig(ctx); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("SSOConfig before any: %v, want ErrNotFound", err)
		}
		c := store.SSOConfig{Issuer: "https://login.example.com", ClientID: "sigap", SealedSecret: "sealed", RoleClaim: "groups",
			RoleMap: map[string]string{"a": "admin", "r": "reviewer"}, Name: "Login", Scopes: []string{"email", "groups"}, UpdatedAt: t0}
		for _, issuer := range []string{"https://login.example.com", "https://other.example.com"} {
			c.Issuer = issuer
			mustWrite(ctx, t, db, func(tx *store.Tx) error { return tx.PutSSOConfig(ctx, c) })
			got, err := db.SSOConfig(ctx)
			if err != nil || got.Issuer != issuer || !maps.Equal(got.RoleMap, c.RoleMap) || !slices.Equal(got.Scopes, c.Scopes) ||
				got.Name != "Login" || got.SealedSecret != "sealed" || !got.UpdatedAt.Equal(t0) {
				t.Fatalf("SSOConfig = %+v, %v", got, err)
			}
		}
		mustWrite(ctx, t, db, func(tx *store.Tx) error { return tx.DeleteSSOConfig(ctx) })
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.DeleteSSOConfig(ctx) }); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("deleting it twice: %v, want ErrNotFound", err)
		}
	})
}

func TestSSOLoginsAreSpentOnce(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		for _, l := range []store.SSOLogin{
			{StateHash: "live", Nonce: "n", Verifier: "v", RedirectURI: "http://x/cb", CreatedAt: t0, ExpiresAt: t0.Add(10 * time.Minute)},
			{StateHash: "old", Nonce: "n", Verifier: "v", RedirectURI: "http://x/cb", CreatedAt: t0, ExpiresAt: t0.Add(time.Minute)},
		} {
			mustWrite(ctx, t, db, func(tx *store.Tx) error { return tx.CreateSSOLogin(ctx, l) })
		}
		take := func(hash string, at time.Time) (store.SSOLogin, error) {
			var l store.SSOLogin
			err := db.Write(ctx, func(tx *store.Tx) error {
				var err error
				l, err = tx.TakeSSOLogin(ctx, hash, at)
				return err
			})
			return l, err
		}
		now := t0.Add(2 * time.Minute)
		for _, tc := range []struct {
			name, hash string
			ok         bool
		}{
			{"live", "live", true},
			{"spent", "live", false},
			{"expired", "old", false},
			{"unknown", "none", false},
		} {
			l, err := take(tc.hash, now)
			if tc.ok && (err != nil || l.Nonce != "n" || l.Verifier != "v" || l.RedirectURI != "http://x/cb") {
				t.Errorf("%s: %+v, %v", tc.name, l, err)
			}
			if !tc.ok && !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s: %v, want ErrNotFound", tc.name, err)
			}
		}
		// The next sign-in that starts clears the expired one away.
		next := store.SSOLogin{StateHash: "next", Nonce: "n", Verifier: "v", RedirectURI: "http://x/cb", CreatedAt: now, ExpiresAt: now.Add(time.Minute)}
		mustWrite(ctx, t, db, func(tx *store.Tx) error { return tx.CreateSSOLogin(ctx, next) })
		if c, err := db.SSOCounts(ctx); err != nil || c["sso_logins"] != 1 {
			t.Fatalf("logins left: %v, %v; want only the new one", c, err)
		}
	})
}

func TestSSOIdentities(t *testing.T) {
	t.Parallel()
	eachWithPlatform(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		seedAdmin(t, db, "usr_1", "A@example.org")
		mustWrite(ctx, t, db, func(tx *store.Tx) error { return tx.LinkSSOIdentity(ctx, "https://idp", "sub-1", "usr_1", t0) })
		err := db.Write(ctx, func(tx *store.Tx) error {
			if uid, err := tx.SSOIdentityUser(ctx, "https://idp", "sub-1"); err != nil || uid != "usr_1" {
				t.Errorf("SSOIdentityUser = %q, %v", uid, err)
			}
			if _, err := tx.SSOIdentityUser(ctx, "https://other", "sub-1"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("another issuer's subject: %v, want ErrNotFound", err)
			}
			if linked, err := tx.SSOUserLinked(ctx, "https://idp", "usr_1"); err != nil || !linked {
				t.Errorf("SSOUserLinked = %v, %v", linked, err)
			}
			if uid, err := tx.UserIDByEmail(ctx, " a@EXAMPLE.org"); err != nil || uid != "usr_1" {
				t.Errorf("UserIDByEmail = %q, %v", uid, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
