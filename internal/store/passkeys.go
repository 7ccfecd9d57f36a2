package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Passkey is one WebAuthn credential of a user. Credential is the WebAuthn
// library's record of it as JSON; the store keeps it opaque.
type Passkey struct {
	// ID is the credential ID, base64url without padding.
	ID         string
	UserID     string
	Name       string
	Credential []byte
	SignCount  uint32
	CreatedAt  time.Time
	// LastUsedAt is zero until the passkey first signs someone in.
	LastUsedAt time.Time
}

// Ceremony is the server's half of a WebAuthn registration or login under
// way: the challenge and what it was issued for, as JSON.
type Ceremony struct {
	SessionHash string
	Kind        string
	UserID      string
	Data        []byte
	ExpiresAt   time.Time
}

const passkeyCols = `id, user_id, name, credential, sign_count, created_at, last_used_at`

func scanPasskey(row interface{ Scan(...any) error }) (Passkey, error) {
	var k Passkey
	var cred string
	var count, created int64
	var used sql.NullInt64
	if err := row.Scan(&k.ID, &k.UserID, &k.Name, &cred, &count, &created, &used); err != nil {
		return Passkey{}, err
	}
	k.Credential, k.SignCount, k.CreatedAt = []byte(cred), uint32(count), fromMS(created)
	if used.Valid {
		k.LastUsedAt = fromMS(used.Int64)
	}
	return k, nil
}

// AddPasskey stores a new passkey; a credential ID already stored (for this
// user or another) is ErrConflict.
func (t *Tx) AddPasskey(ctx context.Context, k Passkey) error {
	if err := t.refuseTaken(ctx, "add passkey", fmt.Errorf("store: add passkey: credential already registered: %w", ErrConflict),
		`SELECT COUNT(*) FROM passkeys WHERE id = ?`, k.ID); err != nil {
		return err
	}
	return t.run(ctx, "add passkey", `INSERT INTO passkeys (`+passkeyCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		k.ID, k.UserID, k.Name, string(k.Credential), int64(k.SignCount), ms(k.CreatedAt), nullMS(k.LastUsedAt))
}

// Passkeys lists a user's passkeys, oldest first, read inside the write transaction.
func (t *Tx) Passkeys(ctx context.Context, userID string) ([]Passkey, error) {
	return passkeys(ctx, t, userID)
}

// Passkeys lists a user's passkeys, oldest first.
func (db *DB) Passkeys(ctx context.Context, userID string) ([]Passkey, error) {
	return passkeys(ctx, db, userID)
}

func passkeys(ctx context.Context, qr querier, userID string) ([]Passkey, error) {
	return queryAll(ctx, qr, "passkeys", scanPasskey, `SELECT `+passkeyCols+` FROM passkeys WHERE user_id = ? ORDER BY created_at, id`, userID)
}

// UsePasskey records a sign-in with a passkey: its new counter, its updated
// record and when. An unknown passkey is ErrNotFound.
func (t *Tx) UsePasskey(ctx context.Context, id string, signCount uint32, credential []byte, at time.Time) error {
	n, err := t.changed(ctx, "use passkey", `UPDATE passkeys SET sign_count = ?, credential = ?, last_used_at = ? WHERE id = ?`,
		int64(signCount), string(credential), ms(at), id)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("store: use passkey %s: %w", id, ErrNotFound)
	}
	return nil
}

// DeletePasskey removes a passkey of a user; one that is not theirs is ErrNotFound.
func (t *Tx) DeletePasskey(ctx context.Context, userID, id string) error {
	n, err := t.changed(ctx, "delete passkey", `DELETE FROM passkeys WHERE id = ? AND user_id = ?`, id, userID)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("store: delete passkey %s: %w", id, ErrNotFound)
	}
	return nil
}

// PutCeremony stores a ceremony, replacing one of the same kind for the same
// session, and drops every ceremony that has expired by c's start.
func (t *Tx) PutCeremony(ctx context.Context, c Ceremony, now time.Time) error {
	if _, err := t.exec(ctx, `DELETE FROM webauthn_ceremonies WHERE expires_at <= ? OR (session_hash = ? AND kind = ?)`,
		ms(now), c.SessionHash, c.Kind); err != nil {
		return fmt.Errorf("store: put ceremony: %w", err)
	}
	return t.run(ctx, "put ceremony", `INSERT INTO webauthn_ceremonies (session_hash, kind, user_id, data, expires_at) VALUES (?, ?, ?, ?, ?)`,
		c.SessionHash, c.Kind, c.UserID, string(c.Data), ms(c.ExpiresAt))
}

// TakeCeremony returns a session's ceremony of kind and deletes it, so a
// challenge answers once; none, or one expired by now, is ErrNotFound.
func (t *Tx) TakeCeremony(ctx context.Context, sessionHash, kind string, now time.Time) (Ceremony, error) {
	c := Ceremony{SessionHash: sessionHash, Kind: kind}
	var data string
	var exp int64
	err := t.queryRow(ctx, `SELECT user_id, data, expires_at FROM webauthn_ceremonies WHERE session_hash = ? AND kind = ?`,
		sessionHash, kind).Scan(&c.UserID, &data, &exp)
	if err != nil {
		return Ceremony{}, rowErr("ceremony", err)
	}
	if _, err := t.exec(ctx, `DELETE FROM webauthn_ceremonies WHERE session_hash = ? AND kind = ?`, sessionHash, kind); err != nil {
		return Ceremony{}, fmt.Errorf("store: ceremony: %w", err)
	}
	c.Data, c.ExpiresAt = []byte(data), fromMS(exp)
	if !now.Before(c.ExpiresAt) {
		return Ceremony{}, fmt.Errorf("store: ceremony expired: %w", ErrNotFound)
	}
	return c, nil
}

// SetSecondFactorPolicy stores an org's second-factor policy.
func (t *Tx) SetSecondFactorPolicy(ctx context.Context, orgID, policy string, at time.Time) error {
	if _, err := t.exec(ctx, `DELETE FROM org_auth_policies WHERE org_id = ?`, orgID); err != nil {
		return fmt.Errorf("store: set second-factor policy: %w", err)
	}
	return t.run(ctx, "set second-factor policy", `INSERT INTO org_auth_policies (org_id, second_factor, updated_at) VALUES (?, ?, ?)`,
		orgID, policy, ms(at))
}

// SecondFactorPolicy returns an org's stored second-factor policy, or
// ErrNotFound when it never set one (the caller knows the default).
func (db *DB) SecondFactorPolicy(ctx context.Context, orgID string) (string, error) {
	return secondFactorPolicy(ctx, db, orgID)
}

// SecondFactorPolicy is DB.SecondFactorPolicy inside the write transaction.
func (t *Tx) SecondFactorPolicy(ctx context.Context, orgID string) (string, error) {
	return secondFactorPolicy(ctx, t, orgID)
}

func secondFactorPolicy(ctx context.Context, qr querier, orgID string) (string, error) {
	return queryOne(ctx, qr, "second-factor policy of "+orgID, scanString, `SELECT second_factor FROM org_auth_policies WHERE org_id = ?`, orgID)
}

// CountCeremonies counts the WebAuthn ceremonies under way, expired ones too
// (the next begin clears those).
func (db *DB) CountCeremonies(ctx context.Context) (int, error) {
	var n int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM webauthn_ceremonies`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count ceremonies: %w", err)
	}
	return n, nil
}

// DeleteUserPasskeys removes every passkey of a user (an admin's reset of
// their second factor: a lost or stolen device).
func (t *Tx) DeleteUserPasskeys(ctx context.Context, userID string) error {
	return t.run(ctx, "delete passkeys", `DELETE FROM passkeys WHERE user_id = ?`, userID)
}
