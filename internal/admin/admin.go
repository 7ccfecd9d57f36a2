package admin

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/audit"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// Service manages orgs and keys. Every change it makes is an audit entry of
// the transparency log, committed with the change.
type Service struct {
	DB    *store.DB
	Clock clock.Clock
	// KnownRegime reports whether a regime name exists, to check an org's default.
	KnownRegime func(string) bool

	keys keyCache // key_cache.go: API keys read within the last KeyCacheTTL
}

// NewKey is a freshly made key: the secret is shown once and never stored.
type NewKey struct {
	ID        string     `json:"id"`
	Key       string     `json:"key"`
	OrgID     string     `json:"org_id"`
	Role      org.Role   `json:"role"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	Secret    string     `json:"-"`
}

// CreateOrg validates and stores an organisation.
func (s *Service) CreateOrg(ctx context.Context, name string, kind org.Kind, defaultRegime string) (org.Org, error) {
	var errs []notice.FieldError
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 200 || strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 }) {
		errs = append(errs, notice.FieldError{Field: "name", Code: "invalid", Message: "name must be 1 to 200 characters without control characters"})
	}
	if !org.ValidKind(kind) {
		errs = append(errs, notice.FieldError{Field: "kind", Code: "unknown_value", Message: `kind must be one of: authority, flagger, platform`})
	}
	if defaultRegime != "" && s.KnownRegime != nil && !s.KnownRegime(defaultRegime) {
		errs = append(errs, notice.FieldError{Field: "default_regime", Code: "unknown_value", Message: fmt.Sprintf("unknown regime %q", defaultRegime)})
	}
	if len(errs) > 0 {
		return org.Org{}, &notice.ValidationError{Fields: errs}
	}
	now := clock.NowMilli(s.Clock)
	o := org.Org{ID: id.New("org", now), Name: name, Kind: kind, DefaultRegime: defaultRegime, CreatedAt: now}
	if err := s.DB.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateOrg(ctx, o); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Entry{At: now, Action: audit.OrgCreated, Object: o.ID, OrgID: o.ID})
	}); err != nil {
		return org.Org{}, err
	}
	return o, nil
}

// CreateKey makes a key with role for the org that never expires.
func (s *Service) CreateKey(ctx context.Context, orgID string, role org.Role) (NewKey, error) {
	return s.CreateKeyUntil(ctx, orgID, role, time.Time{})
}

// CreateKeyUntil makes a key with role for the org that expires at expiresAt
// (zero: never), which must be in the future.
func (s *Service) CreateKeyUntil(ctx context.Context, orgID string, role org.Role, expiresAt time.Time) (NewKey, error) {
	o, err := s.DB.Org(ctx, orgID)
	if err != nil {
		return NewKey{}, err
	}
	if err := keyRole(o.Kind, role); err != nil {
		return NewKey{}, err
	}
	if !expiresAt.IsZero() && !expiresAt.After(s.Clock.Now()) {
		return NewKey{}, &notice.ValidationError{Fields: []notice.FieldError{{Field: "expires_at", Code: "in_past",
			Message: "expires_at must be in the future"}}}
	}
	var k NewKey
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		k, err = s.insertKey(ctx, tx, o.ID, role, expiresAt)
		return err
	})
	return k, err
}

// insertKey stores a new key and its audit entry in tx.
func (s *Service) insertKey(ctx context.Context, tx *store.Tx, orgID string, role org.Role, expiresAt time.Time) (NewKey, error) {
	now := clock.NowMilli(s.Clock)
	secret, hash := org.NewSecret()
	k := org.Key{ID: id.New("key", now), OrgID: orgID, Role: role, Hash: hash, CreatedAt: now, ExpiresAt: clock.Milli(expiresAt)}
	if err := tx.CreateKey(ctx, k); err != nil {
		return NewKey{}, err
	}
	if err := tx.Audit(ctx, audit.Entry{At: now, Action: audit.KeyCreated, Object: k.ID, OrgID: orgID}); err != nil {
		return NewKey{}, err
	}
	nk := NewKey{ID: k.ID, Key: secret, OrgID: orgID, Role: role, Secret: secret}
	if !k.ExpiresAt.IsZero() {
		nk.ExpiresAt = &k.ExpiresAt
	}
	return nk, nil
}

// Bootstrap creates the platform org and an admin key when the database is
// empty. It returns the new key, or ok=false when the database was set up before.
func (s *Service) Bootstrap(ctx context.Context, platformName string) (key NewKey, ok bool, err error) {
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		n, err := tx.CountOrgs(ctx)
		if err != nil || n > 0 {
			return err
		}
		now := clock.NowMilli(s.Clock)
		o := org.Org{ID: id.New("org", now), Name: platformName, Kind: org.KindPlatform, CreatedAt: now}
		if err := tx.CreateOrg(ctx, o); err != nil {
			return err
		}
		if err := tx.Audit(ctx, audit.Entry{At: now, Actor: audit.System, Action: audit.OrgCreated, Object: o.ID, OrgID: o.ID}); err != nil {
			return err
		}
		key, err = s.insertKey(audit.WithActor(ctx, audit.System), tx, o.ID, org.RoleAdmin, time.Time{})
		ok = err == nil
		return err
	})
	return key, ok, err
}
