package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/org"
)

// ErrEmailTaken is returned when a user with the same e-mail address exists.
var ErrEmailTaken = fmt.Errorf("%w: a user with this e-mail address exists", ErrConflict)

const userCols = `u.id, u.org_id, o.kind, o.name, u.email, u.name, u.role, u.password_hash, u.totp_secret, u.totp_enabled,
	u.totp_last_step, u.failed_logins, u.locked_until, u.language, u.created_at, u.disabled_at`

const userFrom = ` FROM users u JOIN orgs o ON o.id = u.org_id`

func scanUser(row rowScanner) (org.User, error) {
	var u org.User
	var kind, role string
	var locked, created int64
	var disabled sql.NullInt64
	err := row.Scan(&u.ID, &u.OrgID, &kind, &u.OrgName, &u.Email, &u.Name, &role, &u.PasswordHash, &u.TOTPSecret,
		&u.TOTPEnabled, &u.TOTPLastStep, &u.FailedLogins, &locked, &u.Language, &created, &disabled)
	u.OrgKind, u.Role, u.CreatedAt, u.Disabled = org.Kind(kind), org.Role(role), fromMS(created), disabled.Valid
	if disabled.Valid {
		u.DisabledAt = fromMS(disabled.Int64)
	}
	if locked > 0 {
		u.LockedUntil = fromMS(locked)
	}
	return u, err
}

func userErr(what string, err error) error { return rowErr("user "+what, err) }

// CreateUser stores a new user; e-mail addresses are unique, compared in lower case.
func (t *Tx) CreateUser(ctx context.Context, u org.User) error {
	if err := t.refuseTaken(ctx, "create user", ErrEmailTaken,
		`SELECT COUNT(*) FROM users WHERE email = ?`, strings.ToLower(u.Email)); err != nil {
		return err
	}
	return t.run(ctx, "create user", `INSERT INTO users (id, org_id, email, name, role, password_hash, totp_secret, totp_enabled,
		totp_last_step, failed_logins, locked_until, language, created_at) VALUES (?, ?, ?, ?, ?, '', '', ?, 0, 0, 0, ?, ?)`,
		u.ID, u.OrgID, strings.ToLower(u.Email), u.Name, string(u.Role), false, u.Language, ms(u.CreatedAt))
}

// User returns one user by ID, read inside the write transaction.
func (t *Tx) User(ctx context.Context, id string) (org.User, error) { return user(ctx, t, id) }

// User returns one user by ID.
func (db *DB) User(ctx context.Context, id string) (org.User, error) { return user(ctx, db, id) }

func user(ctx context.Context, qr querier, id string) (org.User, error) {
	u, err := scanUser(qr.queryRow(ctx, `SELECT `+userCols+userFrom+` WHERE u.id = ?`, id))
	if err != nil {
		return org.User{}, userErr(id, err)
	}
	return u, nil
}

// UserByEmail returns the user with this e-mail address (any letter case).
func (db *DB) UserByEmail(ctx context.Context, email string) (org.User, error) {
	u, err := scanUser(db.queryRow(ctx, `SELECT `+userCols+userFrom+` WHERE u.email = ?`, strings.ToLower(strings.TrimSpace(email))))
	if err != nil {
		return org.User{}, userErr("by e-mail", err)
	}
	return u, nil
}

// Users lists an org's users, oldest first; orgID "" lists every user.
func (db *DB) Users(ctx context.Context, orgID string) ([]org.User, error) {
	q := `SELECT ` + userCols + userFrom
	var args []any
	if orgID != "" {
		q += ` WHERE u.org_id = ?`
		args = append(args, orgID)
	}
	return queryAll(ctx, db, "users", scanUser, q+` ORDER BY u.id`, args...)
}

// CountUsers tells how many users exist.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count users: %w", err)
	}
	return n, nil
}

// SetLoginState records failed sign-in attempts and a lockout (zero time: none).
func (t *Tx) SetLoginState(ctx context.Context, userID string, failed int, lockedUntil time.Time) error {
	var lock int64
	if !lockedUntil.IsZero() {
		lock = ms(lockedUntil)
	}
	return t.run(ctx, "login state", `UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?`, failed, lock, userID)
}

// SetPassword stores a new password hash and clears failures and lockout.
func (t *Tx) SetPassword(ctx context.Context, userID, hash string) error {
	return t.run(ctx, "set password", `UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = 0 WHERE id = ?`, hash, userID)
}

// SetDisabled disables a user from at, or enables them again (zero at).
func (t *Tx) SetDisabled(ctx context.Context, userID string, at time.Time) error {
	return t.run(ctx, "disable user", `UPDATE users SET disabled_at = ? WHERE id = ?`, nullMS(at), userID)
}

// SetUserRole changes a user's role.
func (t *Tx) SetUserRole(ctx context.Context, userID string, role org.Role) error {
	return t.run(ctx, "user role", `UPDATE users SET role = ? WHERE id = ?`, string(role), userID)
}

// SetTOTP stores the TOTP secret, whether it is confirmed, and the last accepted time step.
func (t *Tx) SetTOTP(ctx context.Context, userID, secret string, enabled bool, lastStep int64) error {
	return t.run(ctx, "set totp", `UPDATE users SET totp_secret = ?, totp_enabled = ?, totp_last_step = ? WHERE id = ?`,
		secret, enabled, lastStep, userID)
}

// SetUserLanguage stores the user's language setting ("" follows the browser).
func (t *Tx) SetUserLanguage(ctx context.Context, userID, lang string) error {
	return t.run(ctx, "set language", `UPDATE users SET language = ? WHERE id = ?`, lang, userID)
}

// CreatePasswordToken stores the hash of a one-time set-password link.
func (t *Tx) CreatePasswordToken(ctx context.Context, hash, userID string, created, expires time.Time) error {
	return t.run(ctx, "password token", `INSERT INTO password_tokens (hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		hash, userID, ms(created), ms(expires))
}

// PasswordTokenUser returns the user a live (unused, unexpired) set-password token belongs to.
func (db *DB) PasswordTokenUser(ctx context.Context, hash string, now time.Time) (string, error) {
	return passwordTokenUser(ctx, db, hash, now)
}

func passwordTokenUser(ctx context.Context, qr querier, hash string, now time.Time) (string, error) {
	return queryOne(ctx, qr, "user password token", scanString,
		`SELECT user_id FROM password_tokens WHERE hash = ? AND used_at IS NULL AND expires_at > ?`, hash, ms(now))
}

// UsePasswordToken marks a live token used and returns its user; a used or
// expired token is ErrNotFound. Every other live token of the user is spent too.
func (t *Tx) UsePasswordToken(ctx context.Context, hash string, now time.Time) (string, error) {
	uid, err := passwordTokenUser(ctx, t, hash, now)
	if err != nil {
		return "", err
	}
	if _, err := t.exec(ctx, `UPDATE password_tokens SET used_at = ? WHERE user_id = ? AND used_at IS NULL`, ms(now), uid); err != nil {
		return "", fmt.Errorf("store: use password token: %w", err)
	}
	return uid, nil
}

// PortalCounts counts the portal's rows, for tests that check a refused request stored nothing.
func (db *DB) PortalCounts(ctx context.Context) (map[string]int, error) {
	out, err := db.Counts(ctx)
	if err != nil {
		return nil, err
	}
	for _, table := range []string{"users", "password_tokens", "sessions"} {
		var n int
		if err := db.queryRow(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
			return nil, fmt.Errorf("store: count %s: %w", table, err)
		}
		out[table] = n
	}
	return out, nil
}
