package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

func seedOrg(t *testing.T, db *store.DB, id string, kind org.Kind) {
	t.Helper()
	ctx := t.Context()
	mustWrite(ctx, t, db, func(tx *store.Tx) error {
		return tx.CreateOrg(ctx, org.Org{ID: id, Name: "Org " + id, Kind: kind, CreatedAt: t0})
	})
}

// seedAdmin stores an admin of the platform organisation org_p (which
// seedOrg stores) with its ID and e-mail address.
func seedAdmin(t *testing.T, db *store.DB, id, email string) {
	t.Helper()
	ctx := t.Context()
	mustWrite(ctx, t, db, func(tx *store.Tx) error {
		return tx.CreateUser(ctx, org.User{ID: id, OrgID: "org_p", Email: email, Role: org.RoleAdmin, CreatedAt: t0})
	})
}

// eachWithPlatform runs fn once per engine on a fresh database that holds
// the platform organisation org_p, the world of the portal's account tests.
func eachWithPlatform(t *testing.T, fn func(ctx context.Context, t *testing.T, db *store.DB)) {
	t.Helper()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		seedOrg(t, db, "org_p", org.KindPlatform)
		fn(ctx, t, db)
	})
}

func TestUsers(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		seedOrg(t, db, "org_a", org.KindAuthority)
		u := org.User{ID: "usr_1", OrgID: "org_a", Email: "Ana@Example.go.id", Name: "Ana", Role: org.RoleAuthority, CreatedAt: t0}
		mustWrite(ctx, t, db, func(tx *store.Tx) error { return tx.CreateUser(ctx, u) })
		dup := u
		dup.ID, dup.Email = "usr_2", "ana@example.GO.id"
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, dup) }); !errors.Is(err, store.ErrEmailTaken) {
			t.Fatalf("second user with the same address (other case): %v, want ErrEmailTaken", err)
		}
		got, err := db.UserByEmail(ctx, "  ANA@example.go.id ")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != "usr_1" || got.Email != "ana@example.go.id" || got.OrgKind != org.KindAuthority || got.OrgName != "Org org_a" ||
			got.Role != org.RoleAuthority || got.TOTPEnabled || !got.LockedUntil.IsZero() || !got.CreatedAt.Equal(t0) {
			t.Fatalf("user = %+v", got)
		}
		if _, err := db.UserByEmail(ctx, "nobody@example.go.id"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown address: %v", err)
		}
		lock := t0.Add(15 * time.Minute)
		err = db.Write(ctx, func(tx *store.Tx) error {
			if err := tx.SetTOTP(ctx, "usr_1", "SECRET", true, 12345); err != nil {
				return err
			}
			if err := tx.SetLoginState(ctx, "usr_1", 3, lock); err != nil {
				return err
			}
			return tx.SetUserLanguage(ctx, "usr_1", "en")
		})
		if err != nil {
			t.Fatal(err)
		}
		got, _ = db.User(ctx, "usr_1")
		if !got.TOTPEnabled || got.TOTPSecret != "SECRET" || got.TOTPLastStep != 12345 || got.FailedLogins != 3 ||
			!got.LockedUntil.Equal(lock) || got.Language != "en" {
			t.Fatalf("after updates: %+v", got)
		}
		mustWrite(ctx, t, db, func(tx *store.Tx) error { return tx.SetPassword(ctx, "usr_1", "$argon2id$x") })
		got, _ = db.User(ctx, "usr_1")
		if got.PasswordHash != "$argon2id$x" || got.FailedLogins != 0 || !got.LockedUntil.IsZero() {
			t.Fatalf("set password should clear the lockout: %+v", got)
		}
		list, err := db.Users(ctx, "org_a")
		if err != nil || len(list) != 1 {
			t.Fatalf("Users = %v, %v", list, err)
		}
		if n, _ := db.CountUsers(ctx); n != 1 {
			t.Fatalf("CountUsers = %d", n)
		}
	})
}

func TestPasswordTokens(t *testing.T) {
	t.Parallel()
	eachWithPlatform(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		seedAdmin(t, db, "usr_1", "a@example.org")
		err := db.Write(ctx, func(tx *store.Tx) error {
			if err := tx.CreatePasswordToken(ctx, "h1", "usr_1", t0, t0.Add(time.Hour)); err != nil {
				return err
			}
			return tx.CreatePasswordToken(ctx, "h2", "usr_1", t0, t0.Add(time.Hour))
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.PasswordTokenUser(ctx, "h1", t0.Add(2*time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("expired token: %v", err)
		}
		if uid, err := db.PasswordTokenUser(ctx, "h1", t0); err != nil || uid != "usr_1" {
			t.Fatalf("live token: %q %v", uid, err)
		}
		use := func(h string) error {
			return db.Write(ctx, func(tx *store.Tx) error { _, err := tx.UsePasswordToken(ctx, h, t0); return err })
		}
		if err := use("h1"); err != nil {
			t.Fatal(err)
		}
		for _, h := range []string{"h1", "h2", "nope"} {
			if err := use(h); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("token %s after one was used: %v, want ErrNotFound", h, err)
			}
		}
	})
}

func TestKeysListing(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		seedOrg(t, db, "org_a", org.KindAuthority)
		mustWrite(ctx, t, db, func(tx *store.Tx) error {
			return tx.CreateKey(ctx, org.Key{ID: "key_1", OrgID: "org_a", Role: org.RoleAuthority, Hash: "abc", CreatedAt: t0})
		})
		keys, err := db.Keys(ctx, "org_a")
		if err != nil || len(keys) != 1 || keys[0].ID != "key_1" || keys[0].Role != org.RoleAuthority || keys[0].Revoked {
			t.Fatalf("Keys = %+v, %v", keys, err)
		}
		counts, err := db.PortalCounts(ctx)
		if err != nil || counts["api_keys"] != 1 || counts["users"] != 0 {
			t.Fatalf("PortalCounts = %v, %v", counts, err)
		}
	})
}
