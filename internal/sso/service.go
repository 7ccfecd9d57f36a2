package sso

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/sigap/sigap/internal/audit"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// The audit actions of single sign-on; ActorSSO is the actor of the users
// a sign-in makes or whose role it changes, since the provider's answer,
// not a person at sigap, decided them.
const (
	ActionConfigured = "sso.configured"
	ActionRemoved    = "sso.removed"
	ActorSSO         = "sso"
)

// ErrNotConfigured means single sign-on is off.
var ErrNotConfigured = errors.New("sso: single sign-on is not configured")

// Service keeps the setting and runs sign-ins. Client makes the calls to
// the provider (discovery, its keys, the token endpoint); nil is a client
// with a 10 s timeout.
type Service struct {
	DB    *store.DB
	Clock clock.Clock
	Log   *slog.Logger
	// Key seals the client secret in the database (LoadOrCreateKey).
	Key    []byte
	Client *http.Client
	// LoginTTL is how long a person has at the provider (default 10 min).
	LoginTTL time.Duration

	mu       sync.Mutex
	provider *oidc.Provider
	issuer   string
}

func (s *Service) client() *http.Client {
	if s.Client != nil {
		return s.Client
	}
	return &http.Client{Timeout: 10 * time.Second}
}

func (s *Service) loginTTL() time.Duration {
	if s.LoginTTL > 0 {
		return s.LoginTTL
	}
	return 10 * time.Minute
}

func settingsOf(c store.SSOConfig) Settings {
	m := make(map[string]org.Role, len(c.RoleMap))
	for k, v := range c.RoleMap {
		m[k] = org.Role(v)
	}
	st := Settings{Issuer: c.Issuer, ClientID: c.ClientID, SecretSet: c.SealedSecret != "", RoleClaim: c.RoleClaim,
		RoleMap: m, EmailDomain: c.EmailDomain, Name: c.Name, Scopes: c.Scopes, UpdatedAt: c.UpdatedAt}
	return st
}

// Settings returns the setting without its secret; ErrNotConfigured when off.
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	c, err := s.DB.SSOConfig(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return Settings{}, ErrNotConfigured
	}
	if err != nil {
		return Settings{}, err
	}
	return settingsOf(c), nil
}

// Put stores a new setting, audited in the platform org's record. An empty
// client secret keeps the stored one.
func (s *Service) Put(ctx context.Context, in Settings) (Settings, error) {
	now := clock.NowMilli(s.Clock)
	var out Settings
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		old, err := tx.SSOConfig(ctx)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := in.normalise(old.SealedSecret == ""); err != nil {
			return err
		}
		sealed := old.SealedSecret
		if in.ClientSecret != "" {
			if sealed, err = seal(s.Key, in.ClientSecret); err != nil {
				return err
			}
		}
		c := store.SSOConfig{Issuer: in.Issuer, ClientID: in.ClientID, SealedSecret: sealed, RoleClaim: in.RoleClaim,
			RoleMap: make(map[string]string, len(in.RoleMap)), EmailDomain: in.EmailDomain, Name: in.Name,
			Scopes: in.Scopes, UpdatedAt: now}
		for k, v := range in.RoleMap {
			c.RoleMap[k] = string(v)
		}
		if err := tx.PutSSOConfig(ctx, c); err != nil {
			return err
		}
		platform, err := tx.PlatformOrgID(ctx)
		if err != nil {
			return err
		}
		out = settingsOf(c)
		return tx.Audit(ctx, audit.Entry{At: now, Action: ActionConfigured, Object: "sso", OrgID: platform})
	})
	if err != nil {
		return Settings{}, err
	}
	return out, nil
}

// Remove turns single sign-on off, audited; ErrNotConfigured when it was off.
// Users it made stay, with the sessions they have: disable them to end those.
func (s *Service) Remove(ctx context.Context) error {
	now := clock.NowMilli(s.Clock)
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteSSOConfig(ctx); err != nil {
			return err
		}
		platform, err := tx.PlatformOrgID(ctx)
		if err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Entry{At: now, Action: ActionRemoved, Object: "sso", OrgID: platform})
	})
	if errors.Is(err, store.ErrNotFound) {
		return ErrNotConfigured
	}
	return err
}

// ProviderError means the provider could not be reached or refused the
// exchange; its detail is for the log, not the person.
type ProviderError struct{ Err error }

func (e *ProviderError) Error() string { return "sso: the provider: " + e.Err.Error() }

func (e *ProviderError) Unwrap() error { return e.Err }

// providerFor discovers the provider of issuer, once per issuer: its key set
// is cached with it, fetched again when a token names a key it lacks.
func (s *Service) providerFor(ctx context.Context, issuer string) (*oidc.Provider, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.provider != nil && s.issuer == issuer {
		return s.provider, nil
	}
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, s.client()), issuer)
	if err != nil {
		return nil, &ProviderError{Err: fmt.Errorf("discover %s: %w", issuer, err)}
	}
	s.provider, s.issuer = p, issuer
	return p, nil
}
