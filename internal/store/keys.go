package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/sigap/sigap/internal/org"
)

// KeyInfo describes an API key without its secret. Zero times are unset:
// a key that never expires, was never used or is not revoked.
type KeyInfo struct {
	ID         string
	OrgID      string
	Role       org.Role
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time
	Revoked    bool
}

// Expired reports whether the key has expired by now.
func (k KeyInfo) Expired(now time.Time) bool {
	return !k.ExpiresAt.IsZero() && !now.Before(k.ExpiresAt)
}

const keyCols = `id, org_id, role, created_at, expires_at, last_used_at, revoked_at`

func scanKey(row rowScanner) (KeyInfo, error) {
	var k KeyInfo
	var role string
	var created int64
	var expires, used, revoked sql.NullInt64
	err := row.Scan(&k.ID, &k.OrgID, &role, &created, &expires, &used, &revoked)
	k.Role, k.CreatedAt = org.Role(role), fromMS(created)
	k.ExpiresAt, k.LastUsedAt, k.RevokedAt, k.Revoked = timeOrZero(expires), timeOrZero(used), timeOrZero(revoked), revoked.Valid
	return k, err
}

// Keys lists an org's API keys (never their secrets), oldest first.
func (db *DB) Keys(ctx context.Context, orgID string) ([]KeyInfo, error) {
	return queryAll(ctx, db, "keys", scanKey, `SELECT `+keyCols+` FROM api_keys WHERE org_id = ? ORDER BY id`, orgID)
}

// Key returns one of an org's keys, read inside the write transaction; a key
// of another org is ErrNotFound.
func (t *Tx) Key(ctx context.Context, orgID, keyID string) (KeyInfo, error) {
	return queryOne(ctx, t, "key "+keyID, scanKey, `SELECT `+keyCols+` FROM api_keys WHERE id = ? AND org_id = ?`, keyID, orgID)
}

// RevokeKey marks a key revoked at at; a key revoked before keeps its time.
func (t *Tx) RevokeKey(ctx context.Context, keyID string, at time.Time) error {
	return t.run(ctx, fmt.Sprintf("revoke key %s", keyID), `UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, ms(at), keyID)
}

// SetKeyExpiry sets when a key stops working.
func (t *Tx) SetKeyExpiry(ctx context.Context, keyID string, at time.Time) error {
	return t.run(ctx, fmt.Sprintf("key expiry %s", keyID), `UPDATE api_keys SET expires_at = ? WHERE id = ?`, nullMS(at), keyID)
}

// TouchKey records that a key was used at at, unless it was recorded since
// notBefore: concurrent requests of one key then write once.
func (t *Tx) TouchKey(ctx context.Context, keyID string, at, notBefore time.Time) error {
	return t.run(ctx, fmt.Sprintf("touch key %s", keyID), `UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)`,
		ms(at), keyID, ms(notBefore))
}

// KeyState is an API key as the check of a request needs it: who holds it,
// and whether it still opens the API.
type KeyState struct {
	Caller org.Caller
	Key    KeyInfo
}

// KeyByHash finds a key by its hash, revoked and expired ones too: the caller
// tells them apart from unknown keys. It reads the database every time, so a
// revocation holds on every replica from its commit on.
func (db *DB) KeyByHash(ctx context.Context, hash string) (KeyState, error) {
	var ks KeyState
	var kind string
	var role string
	var created int64
	var expires, used, revoked sql.NullInt64
	err := db.queryRow(ctx, `SELECT k.id, k.org_id, k.role, k.created_at, k.expires_at, k.last_used_at, k.revoked_at, o.kind, o.default_regime
		FROM api_keys k JOIN orgs o ON o.id = k.org_id WHERE k.hash = ?`, hash).
		Scan(&ks.Key.ID, &ks.Key.OrgID, &role, &created, &expires, &used, &revoked, &kind, &ks.Caller.DefaultRegime)
	if err != nil {
		return KeyState{}, rowErr("key", err)
	}
	k := &ks.Key
	k.Role, k.CreatedAt = org.Role(role), fromMS(created)
	k.ExpiresAt, k.LastUsedAt, k.RevokedAt, k.Revoked = timeOrZero(expires), timeOrZero(used), timeOrZero(revoked), revoked.Valid
	ks.Caller.KeyID, ks.Caller.OrgID, ks.Caller.Role, ks.Caller.OrgKind = k.ID, k.OrgID, k.Role, org.Kind(kind)
	return ks, nil
}
