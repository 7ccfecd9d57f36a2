package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/audit"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

func TestKeyStateAndTouch(t *testing.T) {
	t.Parallel()
	eachWithAuthority(t, func(ctx context.Context, t *testing.T, db *store.DB, o org.Org) {
		secret, hash := org.NewSecret()
		k := org.Key{ID: id.New("key", t0), OrgID: o.ID, Role: org.RoleAuditor, Hash: hash, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
		mustWrite(ctx, t, db, func(tx *store.Tx) error { return tx.CreateKey(ctx, k) })
		ks, err := db.KeyByHash(ctx, org.HashSecret(secret))
		if err != nil || ks.Caller.KeyID != k.ID || ks.Caller.OrgKind != org.KindAuthority || !ks.Key.ExpiresAt.Equal(k.ExpiresAt) ||
			!ks.Key.LastUsedAt.IsZero() || ks.Key.Revoked {
			t.Fatalf("KeyByHash = %+v, %v", ks, err)
		}
		if ks.Key.Expired(t0.Add(59*time.Minute)) || !ks.Key.Expired(t0.Add(time.Hour)) {
			t.Error("Expired is wrong on one side of expires_at")
		}
		// A touch writes only when the last one is older than notBefore.
		mustWrite(ctx, t, db, func(tx *store.Tx) error { return tx.TouchKey(ctx, k.ID, t0, t0.Add(-time.Minute)) })
		mustWrite(ctx, t, db, func(tx *store.Tx) error {
			return tx.TouchKey(ctx, k.ID, t0.Add(30*time.Second), t0.Add(-30*time.Second))
		})
		ks, _ = db.KeyByHash(ctx, org.HashSecret(secret))
		if !ks.Key.LastUsedAt.Equal(t0) {
			t.Errorf("last used %v, want the first touch %v", ks.Key.LastUsedAt, t0)
		}
		mustWrite(ctx, t, db, func(tx *store.Tx) error { return tx.TouchKey(ctx, k.ID, t0.Add(2*time.Minute), t0.Add(time.Minute)) })
		ks, _ = db.KeyByHash(ctx, org.HashSecret(secret))
		if !ks.Key.LastUsedAt.Equal(t0.Add(2 * time.Minute)) {
			t.Errorf("last used %v, want %v", ks.Key.LastUsedAt, t0.Add(2*time.Minute))
		}
		// Revoked keys are still found, marked; their first revocation time stays.
		mustWrite(ctx, t, db, func(tx *store.Tx) error { return tx.RevokeKey(ctx, k.ID, t0.Add(3*time.Minute)) })
		mustWrite(ctx, t, db, func(tx *store.Tx) error { return tx.RevokeKey(ctx, k.ID, t0.Add(4*time.Minute)) })
		ks, err = db.KeyByHash(ctx, org.HashSecret(secret))
		if err != nil || !ks.Key.Revoked || !ks.Key.RevokedAt.Equal(t0.Add(3*time.Minute)) {
			t.Errorf("after revocation: %+v, %v", ks.Key, err)
		}
		if _, err := db.KeyByHash(ctx, org.HashSecret("sgp_wrong")); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown key: %v", err)
		}
		err = db.Write(ctx, func(tx *store.Tx) error { _, err := tx.Key(ctx, "org_other", k.ID); return err })
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a key under another org: %v, want ErrNotFound", err)
		}
	})
}

func TestAuditItems(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		for i, orgID := range []string{"org_a", "org_b", "org_a", "", "org_a"} {
			en := audit.Entry{At: t0.Add(time.Duration(i) * time.Minute), Action: audit.KeyCreated, Object: "key_" + string(rune('0'+i)), OrgID: orgID}
			actx := audit.WithActor(ctx, "key_admin")
			if err := db.Write(actx, func(tx *store.Tx) error { return tx.Audit(actx, en) }); err != nil {
				t.Fatal(err)
			}
		}
		all, err := db.AuditItems(ctx, store.AuditQuery{Limit: 10})
		if err != nil || len(all) != 5 || all[0].Object != "key_4" || all[4].Object != "key_0" || all[0].Actor != "key_admin" {
			t.Fatalf("all = %+v, %v", all, err)
		}
		for i := 1; i < len(all); i++ {
			if all[i].LogIndex >= all[i-1].LogIndex {
				t.Errorf("not newest first: %+v", all)
			}
		}
		tests := []struct {
			name string
			q    store.AuditQuery
			want []string
		}{
			{"one org", store.AuditQuery{OrgID: "org_a", Limit: 10}, []string{"key_4", "key_2", "key_0"}},
			{"from", store.AuditQuery{From: t0.Add(3 * time.Minute), Limit: 10}, []string{"key_4", "key_3"}},
			{"to", store.AuditQuery{To: t0.Add(time.Minute), Limit: 10}, []string{"key_0"}},
			{"page", store.AuditQuery{Before: all[1].LogIndex, Limit: 2}, []string{"key_2", "key_1"}},
			{"limit", store.AuditQuery{Limit: 1}, []string{"key_4"}},
			{"text in the object, any case", store.AuditQuery{Text: "KEY_3", Limit: 10}, []string{"key_3"}},
			{"text in the actor", store.AuditQuery{Text: "admin", OrgID: "org_b", Limit: 10}, []string{"key_1"}},
			{"percent is no wildcard", store.AuditQuery{Text: "key%3", Limit: 10}, nil},
			{"underscore is no wildcard", store.AuditQuery{Text: "keyx3", Limit: 10}, nil},
			{"an actor named", store.AuditQuery{Text: "Dewi", Actors: []string{"key_admin"}, Limit: 10}, []string{"key_4", "key_3", "key_2", "key_1", "key_0"}},
			{"text matching nothing", store.AuditQuery{Text: "'; DROP TABLE events; --", Limit: 10}, nil},
		}
		for _, tt := range tests {
			got, err := db.AuditItems(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var objs []string
			for _, it := range got {
				objs = append(objs, it.Object)
			}
			if !slices.Equal(objs, tt.want) {
				t.Errorf("%s: %v, want %v", tt.name, objs, tt.want)
			}
		}
		if obj, err := db.LastAuditObject(ctx, audit.KeyCreated); err != nil || obj != "key_4" {
			t.Errorf("LastAuditObject = %q, %v", obj, err)
		}
		if _, err := db.LastAuditObject(ctx, audit.KeyRevoked); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("LastAuditObject of an action never taken: %v", err)
		}
	})
}
