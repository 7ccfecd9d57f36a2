package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// SigningKey is a public key an organisation signs its requests with
// (RFC 9421 HTTP Message Signatures), named by the keyid it chose.
type SigningKey struct {
	OrgID     string
	KeyID     string
	Algorithm string // "ed25519"
	PublicKey string // base64 of the 32 raw bytes, as the contract takes it
	CreatedAt time.Time
	RevokedAt *time.Time
}

// Active tells whether requests signed with the key are still taken.
func (k SigningKey) Active() bool { return k.RevokedAt == nil }

// ErrSigningKeyTaken is returned when an organisation already has a signing
// key of the same keyid, revoked or not: a keyid names one key for good, so
// receipts that name it stay unambiguous.
var ErrSigningKeyTaken = fmt.Errorf("%w: the organisation has a signing key with this keyid", ErrConflict)

const signingKeyCols = `org_id, keyid, alg, public_key, created_at, revoked_at`

func scanSigningKey(row rowScanner) (SigningKey, error) {
	var k SigningKey
	var created int64
	var revoked sql.NullInt64
	err := row.Scan(&k.OrgID, &k.KeyID, &k.Algorithm, &k.PublicKey, &created, &revoked)
	k.CreatedAt, k.RevokedAt = fromMS(created), timePtr(revoked)
	return k, err
}

// AddSigningKey stores an organisation's new signing key.
func (t *Tx) AddSigningKey(ctx context.Context, k SigningKey) error {
	return t.insertUnique(ctx, "add signing key", fmt.Errorf("store: signing key %q of %s: %w", k.KeyID, k.OrgID, ErrSigningKeyTaken),
		`INSERT INTO signing_keys (`+signingKeyCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
		k.OrgID, k.KeyID, k.Algorithm, k.PublicKey, ms(k.CreatedAt), msPtr(k.RevokedAt))
}

// SigningKeys lists an organisation's signing keys, revoked ones too, oldest first.
func (db *DB) SigningKeys(ctx context.Context, orgID string) ([]SigningKey, error) {
	return queryAll(ctx, db, "signing keys of "+orgID, scanSigningKey,
		`SELECT `+signingKeyCols+` FROM signing_keys WHERE org_id = ? ORDER BY created_at, keyid`, orgID)
}

// SigningKey returns an organisation's signing key by its keyid, a revoked
// one too (a verifier refuses it: see Active), or ErrNotFound.
func (db *DB) SigningKey(ctx context.Context, orgID, keyID string) (SigningKey, error) {
	return queryOne(ctx, db, fmt.Sprintf("signing key %q of %s", keyID, orgID), scanSigningKey,
		`SELECT `+signingKeyCols+` FROM signing_keys WHERE org_id = ? AND keyid = ?`, orgID, keyID)
}

// RevokeSigningKey stops an organisation's signing key from being taken from
// at on; ErrNotFound if it has no such key that is still active.
func (t *Tx) RevokeSigningKey(ctx context.Context, orgID, keyID string, at time.Time) error {
	return t.execOne(ctx, fmt.Sprintf("revoke signing key %q of %s", keyID, orgID),
		`UPDATE signing_keys SET revoked_at = ? WHERE org_id = ? AND keyid = ? AND revoked_at IS NULL`, ms(at), orgID, keyID)
}

// SetRequireSignatures sets whether every request from the organisation's
// API keys must be signed; ErrNotFound if there is no such organisation.
func (t *Tx) SetRequireSignatures(ctx context.Context, orgID string, require bool) error {
	return t.execOne(ctx, "require signatures of "+orgID, `UPDATE orgs SET require_signatures = ? WHERE id = ?`, require, orgID)
}

// RequireSignatures tells whether the organisation requires signed requests;
// ErrNotFound if there is no such organisation.
func (db *DB) RequireSignatures(ctx context.Context, orgID string) (bool, error) {
	var require bool
	err := db.queryRow(ctx, `SELECT require_signatures FROM orgs WHERE id = ?`, orgID).Scan(&require)
	if err != nil {
		return false, rowErr("require signatures of "+orgID, err)
	}
	return require, nil
}
