package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/sigap/sigap/internal/org"
)

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// nullMS stores a time that may be unset (zero) as NULL.
func nullMS(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return ms(t)
}

// timeOrZero reads a time that may be NULL; NULL is the zero time.
func timeOrZero(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMS(v.Int64)
}

// CreateOrg stores a new organisation.
func (t *Tx) CreateOrg(ctx context.Context, o org.Org) error {
	return t.run(ctx, "create org", `INSERT INTO orgs (id, name, kind, default_regime, created_at) VALUES (?, ?, ?, ?, ?)`,
		o.ID, o.Name, string(o.Kind), o.DefaultRegime, ms(o.CreatedAt))
}

// CreateKey stores a key's hash (never the key).
func (t *Tx) CreateKey(ctx context.Context, k org.Key) error {
	return t.run(ctx, "create key", `INSERT INTO api_keys (id, org_id, role, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
		k.ID, k.OrgID, string(k.Role), k.Hash, ms(k.CreatedAt), nullMS(k.ExpiresAt))
}

// CountOrgs tells how many organisations exist (zero means a fresh database).
func (t *Tx) CountOrgs(ctx context.Context) (int, error) {
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM orgs`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count orgs: %w", err)
	}
	return n, nil
}

const orgCols = `id, name, kind, default_regime, created_at, require_signatures`

func scanOrg(row rowScanner) (org.Org, error) {
	var o org.Org
	var kind string
	var created int64
	err := row.Scan(&o.ID, &o.Name, &kind, &o.DefaultRegime, &created, &o.RequireSignatures)
	o.Kind, o.CreatedAt = org.Kind(kind), fromMS(created)
	return o, err
}

// Org returns one organisation.
func (db *DB) Org(ctx context.Context, id string) (org.Org, error) {
	return queryOne(ctx, db, "org "+id, scanOrg, `SELECT `+orgCols+` FROM orgs WHERE id = ?`, id)
}

// Orgs lists organisations in creation order.
func (db *DB) Orgs(ctx context.Context) ([]org.Org, error) {
	return queryAll(ctx, db, "orgs", scanOrg, `SELECT `+orgCols+` FROM orgs ORDER BY id`)
}

// CallerByKeyHash finds who holds an API key, by the key's hash.
func (db *DB) CallerByKeyHash(ctx context.Context, hash string) (org.Caller, error) {
	var c org.Caller
	var role, kind string
	err := db.queryRow(ctx, `SELECT k.id, k.org_id, k.role, o.kind, o.default_regime FROM api_keys k JOIN orgs o ON o.id = k.org_id
		WHERE k.hash = ? AND k.revoked_at IS NULL`, hash).Scan(&c.KeyID, &c.OrgID, &role, &kind, &c.DefaultRegime)
	if err != nil {
		return org.Caller{}, rowErr("key", err)
	}
	c.Role, c.OrgKind = org.Role(role), org.Kind(kind)
	return c, nil
}
