package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"
)

// SSOConfig is the platform's single sign-on setting as stored. SealedSecret
// is the client secret sealed by the sso package; the store never sees it
// in the clear.
type SSOConfig struct {
	Issuer       string
	ClientID     string
	SealedSecret string
	RoleClaim    string
	// RoleMap maps a value of the role claim to a platform role.
	RoleMap     map[string]string
	EmailDomain string
	// Name is the provider's name on the sign-in button; Scopes are asked for beside openid.
	Name      string
	Scopes    []string
	UpdatedAt time.Time
}

func ssoErr(what string, err error) error { return rowErr("sso "+what, err) }

// PutSSOConfig stores the single sign-on setting, replacing the one before.
func (t *Tx) PutSSOConfig(ctx context.Context, c SSOConfig) error {
	m, err := json.Marshal(c.RoleMap)
	if err != nil {
		return ssoErr("config", err)
	}
	scopes, err := json.Marshal(c.Scopes)
	if err != nil {
		return ssoErr("config", err)
	}
	return t.run(ctx, "sso config", `INSERT INTO sso_config (id, issuer, client_id, client_secret_sealed, role_claim, role_map,
		email_domain, name, scopes, updated_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET issuer = excluded.issuer, client_id = excluded.client_id,
		client_secret_sealed = excluded.client_secret_sealed, role_claim = excluded.role_claim,
		role_map = excluded.role_map, email_domain = excluded.email_domain, name = excluded.name,
		scopes = excluded.scopes, updated_at = excluded.updated_at`,
		c.Issuer, c.ClientID, c.SealedSecret, c.RoleClaim, string(m), c.EmailDomain, c.Name, string(scopes), ms(c.UpdatedAt))
}

// DeleteSSOConfig turns single sign-on off; ErrNotFound when it was off.
// Sign-ins on their way through the provider are dropped with it.
func (t *Tx) DeleteSSOConfig(ctx context.Context) error {
	res, err := t.exec(ctx, `DELETE FROM sso_config WHERE id = 1`)
	if err != nil {
		return ssoErr("config", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return ssoErr("config", err)
	} else if n == 0 {
		return ssoErr("config", sql.ErrNoRows)
	}
	return t.run(ctx, "sso config", `DELETE FROM sso_logins`)
}

const ssoConfigQuery = `SELECT issuer, client_id, client_secret_sealed, role_claim, role_map, email_domain, name, scopes,
	updated_at FROM sso_config WHERE id = 1`

func scanSSOConfig(row *sql.Row) (SSOConfig, error) {
	var c SSOConfig
	var m, scopes string
	var at int64
	if err := row.Scan(&c.Issuer, &c.ClientID, &c.SealedSecret, &c.RoleClaim, &m, &c.EmailDomain, &c.Name, &scopes, &at); err != nil {
		return SSOConfig{}, ssoErr("config", err)
	}
	if err := json.Unmarshal([]byte(m), &c.RoleMap); err != nil {
		return SSOConfig{}, ssoErr("config role map", err)
	}
	if err := json.Unmarshal([]byte(scopes), &c.Scopes); err != nil {
		return SSOConfig{}, ssoErr("config scopes", err)
	}
	c.UpdatedAt = fromMS(at)
	return c, nil
}

// SSOConfig returns the single sign-on setting; ErrNotFound when it is off.
func (db *DB) SSOConfig(ctx context.Context) (SSOConfig, error) {
	return scanSSOConfig(db.queryRow(ctx, ssoConfigQuery))
}

// SSOConfig returns the single sign-on setting inside the write transaction.
func (t *Tx) SSOConfig(ctx context.Context) (SSOConfig, error) {
	return scanSSOConfig(t.queryRow(ctx, ssoConfigQuery))
}

// SSOLogin is a sign-in on its way through the provider. Only the hash of
// its state is stored: the state itself travels in the browser.
type SSOLogin struct {
	StateHash   string
	Nonce       string
	Verifier    string
	RedirectURI string
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

// CreateSSOLogin stores a sign-in that is starting and drops those past
// their end, so abandoned ones do not pile up.
func (t *Tx) CreateSSOLogin(ctx context.Context, l SSOLogin) error {
	if _, err := t.exec(ctx, `DELETE FROM sso_logins WHERE expires_at <= ?`, ms(l.CreatedAt)); err != nil {
		return ssoErr("login", err)
	}
	return t.run(ctx, "sso login", `INSERT INTO sso_logins (state_hash, nonce, verifier, redirect_uri, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`, l.StateHash, l.Nonce, l.Verifier, l.RedirectURI, ms(l.CreatedAt), ms(l.ExpiresAt))
}

// TakeSSOLogin removes a sign-in and returns it: each state is good once.
// One past its end is ErrNotFound; the next CreateSSOLogin clears it away.
func (t *Tx) TakeSSOLogin(ctx context.Context, stateHash string, now time.Time) (SSOLogin, error) {
	var l SSOLogin
	var created, expires int64
	err := t.queryRow(ctx, `SELECT state_hash, nonce, verifier, redirect_uri, created_at, expires_at FROM sso_logins
		WHERE state_hash = ? AND expires_at > ?`, stateHash, ms(now)).Scan(&l.StateHash, &l.Nonce, &l.Verifier, &l.RedirectURI, &created, &expires)
	if err != nil {
		return SSOLogin{}, ssoErr("login", err)
	}
	if _, err := t.exec(ctx, `DELETE FROM sso_logins WHERE state_hash = ?`, stateHash); err != nil {
		return SSOLogin{}, ssoErr("login", err)
	}
	l.CreatedAt, l.ExpiresAt = fromMS(created), fromMS(expires)
	return l, nil
}

// SSOIdentityUser returns the user an issuer's subject was linked to, or ErrNotFound.
func (t *Tx) SSOIdentityUser(ctx context.Context, issuer, subject string) (string, error) {
	var uid string
	err := t.queryRow(ctx, `SELECT user_id FROM sso_identities WHERE issuer = ? AND subject = ?`, issuer, subject).Scan(&uid)
	if err != nil {
		return "", ssoErr("identity", err)
	}
	return uid, nil
}

// SSOUserLinked reports whether a user is linked to any subject of issuer.
func (t *Tx) SSOUserLinked(ctx context.Context, issuer, userID string) (bool, error) {
	return exists(ctx, t, "sso identity", `SELECT COUNT(*) FROM sso_identities WHERE issuer = ? AND user_id = ?`, issuer, userID)
}

// LinkSSOIdentity records that an issuer's subject is a user.
func (t *Tx) LinkSSOIdentity(ctx context.Context, issuer, subject, userID string, at time.Time) error {
	return t.run(ctx, "sso identity", `INSERT INTO sso_identities (issuer, subject, user_id, created_at) VALUES (?, ?, ?, ?)`,
		issuer, subject, userID, ms(at))
}

// UserIDByEmail returns the ID of the user with this e-mail address (any
// letter case) inside the write transaction, or ErrNotFound.
func (t *Tx) UserIDByEmail(ctx context.Context, email string) (string, error) {
	var id string
	err := t.queryRow(ctx, `SELECT id FROM users WHERE email = ?`, strings.ToLower(strings.TrimSpace(email))).Scan(&id)
	if err != nil {
		return "", userErr("by e-mail", err)
	}
	return id, nil
}

// SSOCounts counts the single sign-on rows, for tests that check a refused
// sign-in stored nothing.
func (db *DB) SSOCounts(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	for _, table := range []string{"sso_config", "sso_logins", "sso_identities"} {
		var n int
		if err := db.queryRow(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
			return nil, ssoErr("count "+table, err)
		}
		out[table] = n
	}
	return out, nil
}
