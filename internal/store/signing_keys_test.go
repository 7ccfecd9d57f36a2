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

func TestSigningKeys(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		seedOrg(t, db, "org_a", org.KindAuthority)
		seedOrg(t, db, "org_b", org.KindAuthority)
		add := func(k store.SigningKey) error {
			return db.Write(ctx, func(tx *store.Tx) error { return tx.AddSigningKey(ctx, k) })
		}
		k1 := store.SigningKey{OrgID: "org_a", KeyID: "komdigi-2026", Algorithm: "ed25519", PublicKey: "JrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=", CreatedAt: t0}
		k2 := store.SigningKey{OrgID: "org_a", KeyID: "komdigi-2027", Algorithm: "ed25519", PublicKey: "AAAA", CreatedAt: t0.Add(time.Hour)}
		// Another organisation may choose the same keyid: keyids are the organisation's own names.
		kb := store.SigningKey{OrgID: "org_b", KeyID: "komdigi-2026", Algorithm: "ed25519", PublicKey: "BBBB", CreatedAt: t0}
		for _, k := range []store.SigningKey{k2, k1, kb} {
			if err := add(k); err != nil {
				t.Fatalf("add %s/%s: %v", k.OrgID, k.KeyID, err)
			}
		}
		dup := k1
		dup.PublicKey = "CCCC"
		if err := add(dup); !errors.Is(err, store.ErrSigningKeyTaken) || !errors.Is(err, store.ErrConflict) {
			t.Fatalf("second key with one keyid: %v, want ErrSigningKeyTaken", err)
		}
		if err := add(store.SigningKey{OrgID: "org_none", KeyID: "x", Algorithm: "ed25519", PublicKey: "AAAA", CreatedAt: t0}); err == nil {
			t.Error("a key of an organisation that does not exist was stored")
		}

		keys, err := db.SigningKeys(ctx, "org_a")
		if err != nil || len(keys) != 2 || keys[0].KeyID != "komdigi-2026" || keys[1].KeyID != "komdigi-2027" {
			t.Fatalf("SigningKeys = %+v, %v", keys, err)
		}
		if keys, err := db.SigningKeys(ctx, "org_c"); err != nil || len(keys) != 0 {
			t.Errorf("SigningKeys of an organisation without keys = %+v, %v", keys, err)
		}

		got, err := db.SigningKey(ctx, "org_a", "komdigi-2026")
		if err != nil || got.PublicKey != k1.PublicKey || got.Algorithm != "ed25519" || !got.CreatedAt.Equal(t0) || !got.Active() {
			t.Fatalf("SigningKey = %+v, %v", got, err)
		}
		if got, err := db.SigningKey(ctx, "org_b", "komdigi-2026"); err != nil || got.PublicKey != "BBBB" {
			t.Errorf("org_b's key = %+v, %v", got, err)
		}
		if _, err := db.SigningKey(ctx, "org_b", "komdigi-2027"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another organisation's keyid: %v, want ErrNotFound", err)
		}

		revoke := func(orgID, keyID string) error {
			return db.Write(ctx, func(tx *store.Tx) error { return tx.RevokeSigningKey(ctx, orgID, keyID, t0.Add(2*time.Hour)) })
		}
		if err := revoke("org_a", "komdigi-2026"); err != nil {
			t.Fatal(err)
		}
		got, err = db.SigningKey(ctx, "org_a", "komdigi-2026")
		if err != nil || got.Active() || !got.RevokedAt.Equal(t0.Add(2*time.Hour)) {
			t.Fatalf("revoked key = %+v, %v", got, err)
		}
		if err := revoke("org_a", "komdigi-2026"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("revoking twice: %v, want ErrNotFound", err)
		}
		if got, _ := db.SigningKey(ctx, "org_b", "komdigi-2026"); !got.Active() {
			t.Error("revoking org_a's key revoked org_b's of the same keyid")
		}
		if err := add(k1); !errors.Is(err, store.ErrSigningKeyTaken) {
			t.Errorf("a revoked keyid was taken again: %v", err)
		}

		tests := []struct {
			org     string
			set     *bool
			want    bool
			wantErr error
		}{
			{"org_a", nil, false, nil},
			{"org_a", ptr(true), true, nil},
			{"org_b", nil, false, nil},
			{"org_a", ptr(false), false, nil},
			{"org_none", nil, false, store.ErrNotFound},
			{"org_none", ptr(true), false, store.ErrNotFound},
		}
		for _, tt := range tests {
			if tt.set != nil {
				err := db.Write(ctx, func(tx *store.Tx) error { return tx.SetRequireSignatures(ctx, tt.org, *tt.set) })
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("SetRequireSignatures(%s, %v) = %v, want %v", tt.org, *tt.set, err, tt.wantErr)
				}
			}
			got, err := db.RequireSignatures(ctx, tt.org)
			if got != tt.want || !errors.Is(err, tt.wantErr) {
				t.Errorf("RequireSignatures(%s) = %v, %v; want %v, %v", tt.org, got, err, tt.want, tt.wantErr)
			}
		}
	})
}

func ptr[T any](v T) *T { return &v }
