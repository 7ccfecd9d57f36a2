package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/store"
)

func TestPasskeys(t *testing.T) {
	t.Parallel()
	eachWithPlatform(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		write := func(fn func(tx *store.Tx) error) error { return db.Write(ctx, fn) }
		for _, u := range []string{"usr_a", "usr_b"} {
			seedAdmin(t, db, u, u+"@example.org")
		}
		k1 := store.Passkey{ID: "cred1", UserID: "usr_a", Name: "Laptop", Credential: []byte(`{"x":1}`), SignCount: 3, CreatedAt: t0}
		k2 := store.Passkey{ID: "cred2", UserID: "usr_a", Name: "Kunci", Credential: []byte(`{"x":2}`), CreatedAt: t0.Add(time.Minute)}
		if err := write(func(tx *store.Tx) error {
			if err := tx.AddPasskey(ctx, k1); err != nil {
				return err
			}
			return tx.AddPasskey(ctx, k2)
		}); err != nil {
			t.Fatal(err)
		}
		// The same credential ID for another user is refused: a credential belongs to one person.
		dup := k1
		dup.UserID = "usr_b"
		if err := write(func(tx *store.Tx) error { return tx.AddPasskey(ctx, dup) }); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate credential: %v, want ErrConflict", err)
		}
		got, err := db.Passkeys(ctx, "usr_a")
		if err != nil || len(got) != 2 || got[0].ID != "cred1" || got[0].SignCount != 3 || string(got[0].Credential) != `{"x":1}` ||
			!got[0].LastUsedAt.IsZero() || !got[1].CreatedAt.Equal(k2.CreatedAt) {
			t.Fatalf("Passkeys = %+v, %v", got, err)
		}
		if b, err := db.Passkeys(ctx, "usr_b"); err != nil || len(b) != 0 {
			t.Fatalf("usr_b passkeys = %+v, %v", b, err)
		}
		used := t0.Add(time.Hour)
		if err := write(func(tx *store.Tx) error { return tx.UsePasskey(ctx, "cred1", 7, []byte(`{"x":7}`), used) }); err != nil {
			t.Fatal(err)
		}
		got, _ = db.Passkeys(ctx, "usr_a")
		if got[0].SignCount != 7 || !got[0].LastUsedAt.Equal(used) || string(got[0].Credential) != `{"x":7}` {
			t.Fatalf("after use: %+v", got[0])
		}
		if err := write(func(tx *store.Tx) error { return tx.UsePasskey(ctx, "nope", 1, nil, used) }); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("use unknown: %v", err)
		}
		// Another user cannot delete usr_a's passkey by naming it.
		if err := write(func(tx *store.Tx) error { return tx.DeletePasskey(ctx, "usr_b", "cred2") }); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("delete other's passkey: %v", err)
		}
		if err := write(func(tx *store.Tx) error { return tx.DeletePasskey(ctx, "usr_a", "cred2") }); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Passkeys(ctx, "usr_a"); len(got) != 1 {
			t.Fatalf("after delete: %d passkeys", len(got))
		}
	})
}

func TestCeremonies(t *testing.T) {
	t.Parallel()
	eachWithPlatform(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		write := func(fn func(tx *store.Tx) error) error { return db.Write(ctx, fn) }
		seedAdmin(t, db, "usr_a", "a@example.org")
		put := func(c store.Ceremony, now time.Time) {
			t.Helper()
			if err := write(func(tx *store.Tx) error { return tx.PutCeremony(ctx, c, now) }); err != nil {
				t.Fatal(err)
			}
		}
		take := func(hash, kind string, now time.Time) (store.Ceremony, error) {
			var c store.Ceremony
			err := write(func(tx *store.Tx) error {
				var err error
				c, err = tx.TakeCeremony(ctx, hash, kind, now)
				return err
			})
			return c, err
		}
		put(store.Ceremony{SessionHash: "s1", Kind: "login", UserID: "usr_a", Data: []byte("old"), ExpiresAt: t0.Add(5 * time.Minute)}, t0)
		// A second begin replaces the first: only the newest challenge answers.
		put(store.Ceremony{SessionHash: "s1", Kind: "login", UserID: "usr_a", Data: []byte("new"), ExpiresAt: t0.Add(5 * time.Minute)}, t0)
		put(store.Ceremony{SessionHash: "s2", Kind: "login", UserID: "usr_a", Data: []byte("late"), ExpiresAt: t0.Add(time.Minute)}, t0)
		if _, err := take("s1", "register", t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("other kind: %v", err)
		}
		c, err := take("s1", "login", t0.Add(time.Minute))
		if err != nil || string(c.Data) != "new" || c.UserID != "usr_a" {
			t.Fatalf("take = %+v, %v", c, err)
		}
		if _, err := take("s1", "login", t0.Add(time.Minute)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("second take: %v, want ErrNotFound (a challenge answers once)", err)
		}
		if _, err := take("s2", "login", t0.Add(2*time.Minute)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("expired ceremony: %v, want ErrNotFound", err)
		}
	})
}

func TestSecondFactorPolicy(t *testing.T) {
	t.Parallel()
	eachWithPlatform(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		if _, err := db.SecondFactorPolicy(ctx, "org_p"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unset policy: %v, want ErrNotFound", err)
		}
		for _, p := range []string{"passkey_for_admins", "passkey_for_everyone"} {
			mustWrite(ctx, t, db, func(tx *store.Tx) error { return tx.SetSecondFactorPolicy(ctx, "org_p", p, t0) })
			if got, err := db.SecondFactorPolicy(ctx, "org_p"); err != nil || got != p {
				t.Fatalf("policy = %q, %v; want %q", got, err, p)
			}
		}
	})
}
