package sso

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/sigap/sigap/internal/audit"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// The refusals of a sign-in. Each leaves everything as it was: no user is
// made or changed, no session starts.
var (
	// ErrBadState: the callback's state is unknown, used, expired or not this browser's.
	ErrBadState = errors.New("sso: unknown, used or expired sign-in")
	// ErrWrongIssuer, ErrWrongAudience, ErrExpired, ErrBadToken: the ID token
	// is not one sigap may accept.
	ErrWrongIssuer   = errors.New("sso: the ID token comes from another issuer")
	ErrWrongAudience = errors.New("sso: the ID token is for another client")
	ErrExpired       = errors.New("sso: the ID token has expired")
	ErrBadToken      = errors.New("sso: the ID token is invalid")
	// ErrNoEmail: the token carries no verified e-mail address (of the allowed domain).
	ErrNoEmail = errors.New("sso: the ID token has no verified e-mail address sigap accepts")
	// ErrUnmappedRole: none of the role claim's values maps to a platform role.
	ErrUnmappedRole = errors.New("sso: no platform role is mapped to the person's role claim")
	// ErrDisabled: the user is disabled at sigap.
	ErrDisabled = errors.New("sso: the user is disabled")
	// ErrNotPlatformUser: the e-mail address or subject belongs to a user
	// single sign-on may not sign in (another org's, or linked to another
	// account of the provider).
	ErrNotPlatformUser = errors.New("sso: the account is not the platform's to sign in by single sign-on")
)

func random() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func hashState(state string) string {
	sum := sha256.Sum256([]byte(state))
	return hex.EncodeToString(sum[:])
}

func (s *Service) oauth2Config(p *oidc.Provider, st Settings, secret, redirectURI string) *oauth2.Config {
	return &oauth2.Config{ClientID: st.ClientID, ClientSecret: secret, Endpoint: p.Endpoint(),
		RedirectURL: redirectURI, Scopes: st.scopes()}
}

// Begin starts a sign-in that comes back to redirectURI: it returns the
// provider's URL to send the browser to and the state the browser must
// bring back. The nonce and PKCE verifier stay in the database.
func (s *Service) Begin(ctx context.Context, redirectURI string) (authURL, state string, err error) {
	st, err := s.Settings(ctx)
	if err != nil {
		return "", "", err
	}
	p, err := s.providerFor(ctx, st.Issuer)
	if err != nil {
		return "", "", err
	}
	now := clock.NowMilli(s.Clock)
	state, nonce, verifier := random(), random(), oauth2.GenerateVerifier()
	l := store.SSOLogin{StateHash: hashState(state), Nonce: nonce, Verifier: verifier, RedirectURI: redirectURI,
		CreatedAt: now, ExpiresAt: now.Add(s.loginTTL())}
	if err := s.DB.Write(ctx, func(tx *store.Tx) error { return tx.CreateSSOLogin(ctx, l) }); err != nil {
		return "", "", err
	}
	// The secret is not needed to build the URL.
	authURL = s.oauth2Config(p, st, "", redirectURI).AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier))
	return authURL, state, nil
}

// Cancel spends a sign-in's state when the provider answered with an error
// instead of a code.
func (s *Service) Cancel(ctx context.Context, state string) error {
	now := clock.NowMilli(s.Clock)
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.TakeSSOLogin(ctx, hashState(state), now)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return ErrBadState
	}
	return err
}

// Identity is what a verified ID token says about the person.
type Identity struct {
	Issuer, Subject, Email, Name string
	Role                         org.Role
}

// Finish completes a sign-in from the provider's callback: it spends the
// state, exchanges the code (with the PKCE verifier), verifies the ID token
// (signature, issuer, audience, expiry, nonce), maps the role claim, and
// makes the user on their first sign-in or brings their role up to date.
func (s *Service) Finish(ctx context.Context, state, code string) (org.User, error) {
	now := clock.NowMilli(s.Clock)
	var l store.SSOLogin
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		var err error
		l, err = tx.TakeSSOLogin(ctx, hashState(state), now)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return org.User{}, ErrBadState
	}
	if err != nil {
		return org.User{}, err
	}
	c, err := s.DB.SSOConfig(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return org.User{}, ErrNotConfigured
	}
	if err != nil {
		return org.User{}, err
	}
	st := settingsOf(c)
	secret, err := open(s.Key, c.SealedSecret)
	if err != nil {
		return org.User{}, err
	}
	p, err := s.providerFor(ctx, st.Issuer)
	if err != nil {
		return org.User{}, err
	}
	cctx := oidc.ClientContext(ctx, s.client())
	tok, err := s.oauth2Config(p, st, secret, l.RedirectURI).Exchange(cctx, code, oauth2.VerifierOption(l.Verifier))
	if err != nil {
		return org.User{}, &ProviderError{Err: fmt.Errorf("exchange the code: %w", err)}
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return org.User{}, fmt.Errorf("%w: the provider sent no ID token", ErrBadToken)
	}
	who, err := s.verify(cctx, p, st, tok, raw, l.Nonce)
	if err != nil {
		return org.User{}, err
	}
	return s.provision(ctx, who)
}

// personClaims are the claims sigap reads about the person.
type personClaims struct {
	Email         string `json:"email"`
	EmailVerified *bool  `json:"email_verified"`
	Name          string `json:"name"`
}

// verify checks an ID token and reads the person from it. A provider that
// keeps the e-mail address or the role claim out of its ID tokens (some do
// unless told otherwise) is asked for them at its userinfo endpoint with the
// access token, for the same subject.
func (s *Service) verify(ctx context.Context, p *oidc.Provider, st Settings, tok *oauth2.Token, raw, nonce string) (Identity, error) {
	v := p.Verifier(&oidc.Config{ClientID: st.ClientID, Now: s.Clock.Now})
	t, err := v.Verify(ctx, raw)
	if err != nil {
		return Identity{}, classify(err, raw, st)
	}
	if t.Nonce != nonce {
		return Identity{}, fmt.Errorf("%w: its nonce is not this sign-in's", ErrBadToken)
	}
	var c personClaims
	var all map[string]json.RawMessage
	if err := t.Claims(&c); err != nil {
		return Identity{}, fmt.Errorf("%w: %w", ErrBadToken, err)
	}
	if err := t.Claims(&all); err != nil {
		return Identity{}, fmt.Errorf("%w: %w", ErrBadToken, err)
	}
	if _, ok := all[st.RoleClaim]; (!ok || c.Email == "") && p.UserInfoEndpoint() != "" {
		ui, err := p.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			return Identity{}, &ProviderError{Err: fmt.Errorf("userinfo: %w", err)}
		}
		if ui.Subject != t.Subject {
			return Identity{}, fmt.Errorf("%w: the userinfo answer is about another subject", ErrBadToken)
		}
		var uc personClaims
		var uall map[string]json.RawMessage
		if err := ui.Claims(&uc); err != nil {
			return Identity{}, &ProviderError{Err: fmt.Errorf("userinfo: %w", err)}
		}
		if err := ui.Claims(&uall); err != nil {
			return Identity{}, &ProviderError{Err: fmt.Errorf("userinfo: %w", err)}
		}
		if c.Email == "" {
			c.Email, c.EmailVerified = uc.Email, uc.EmailVerified
		}
		if c.Name == "" {
			c.Name = uc.Name
		}
		if _, ok := all[st.RoleClaim]; !ok {
			all[st.RoleClaim] = uall[st.RoleClaim]
		}
	}
	email := strings.ToLower(strings.TrimSpace(c.Email))
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 ||
		(c.EmailVerified != nil && !*c.EmailVerified) {
		return Identity{}, ErrNoEmail
	}
	if st.EmailDomain != "" && !strings.HasSuffix(email, "@"+st.EmailDomain) {
		return Identity{}, fmt.Errorf("%w: not of %s", ErrNoEmail, st.EmailDomain)
	}
	role, ok := st.roleFor(claimValues(all[st.RoleClaim]))
	if !ok {
		return Identity{}, ErrUnmappedRole
	}
	name := strings.TrimSpace(c.Name)
	if !plainText(name, 200) {
		name = ""
	}
	return Identity{Issuer: st.Issuer, Subject: t.Subject, Email: email, Name: name, Role: role}, nil
}

// claimValues reads a role claim that is one string or a list of them.
func claimValues(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil {
		return many
	}
	return nil
}

// classify names why go-oidc refused a token. It reads the payload without
// checking it only to choose the message: the token is refused either way.
func classify(err error, raw string, st Settings) error {
	var exp *oidc.TokenExpiredError
	if errors.As(err, &exp) {
		return fmt.Errorf("%w at %s", ErrExpired, exp.Expiry.UTC().Format("2006-01-02 15:04:05Z"))
	}
	var claims struct {
		Issuer   string          `json:"iss"`
		Audience json.RawMessage `json:"aud"`
	}
	if parts := strings.Split(raw, "."); len(parts) == 3 {
		if b, derr := base64.RawURLEncoding.DecodeString(parts[1]); derr == nil && json.Unmarshal(b, &claims) == nil {
			switch {
			case claims.Issuer != st.Issuer:
				return fmt.Errorf("%w: %q", ErrWrongIssuer, truncate(claims.Issuer))
			case !slices.Contains(claimValues(claims.Audience), st.ClientID):
				return fmt.Errorf("%w: %s", ErrWrongAudience, truncate(string(claims.Audience)))
			}
		}
	}
	return fmt.Errorf("%w: %w", ErrBadToken, err)
}

func truncate(v string) string {
	if len(v) <= 200 {
		return v
	}
	for i := 200; i > 0; i-- {
		if utf8.RuneStart(v[i]) {
			return v[:i] + "…"
		}
	}
	return ""
}

// provision makes or updates the user a verified identity names, in one
// transaction: a refusal inside it changes nothing.
func (s *Service) provision(ctx context.Context, who Identity) (org.User, error) {
	now := clock.NowMilli(s.Clock)
	var u org.User
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		uid, err := tx.SSOIdentityUser(ctx, who.Issuer, who.Subject)
		switch {
		case errors.Is(err, store.ErrNotFound):
			uid, err = tx.UserIDByEmail(ctx, who.Email)
			if errors.Is(err, store.ErrNotFound) {
				u, err = s.create(ctx, tx, who, now)
				return err
			}
			if err != nil {
				return err
			}
			// A user another subject of this provider already signs in as
			// is not taken over by a second account with the same address.
			if linked, err := tx.SSOUserLinked(ctx, who.Issuer, uid); err != nil {
				return err
			} else if linked {
				return ErrNotPlatformUser
			}
			if u, err = s.update(ctx, tx, uid, who, now); err != nil {
				return err
			}
			return tx.LinkSSOIdentity(ctx, who.Issuer, who.Subject, uid, now)
		case err != nil:
			return err
		}
		u, err = s.update(ctx, tx, uid, who, now)
		return err
	})
	if err != nil {
		return org.User{}, err
	}
	return u, nil
}

// create makes a platform user on their first sign-in (just in time).
func (s *Service) create(ctx context.Context, tx *store.Tx, who Identity, now time.Time) (org.User, error) {
	platform, err := tx.PlatformOrgID(ctx)
	if err != nil {
		return org.User{}, err
	}
	u := org.User{ID: id.New("usr", now), OrgID: platform, OrgKind: org.KindPlatform, Email: who.Email,
		Name: who.Name, Role: who.Role, CreatedAt: now}
	if err := tx.CreateUser(ctx, u); err != nil {
		return org.User{}, err
	}
	if err := tx.LinkSSOIdentity(ctx, who.Issuer, who.Subject, u.ID, now); err != nil {
		return org.User{}, err
	}
	if err := tx.Audit(ctx, audit.Entry{At: now, Actor: ActorSSO, Action: audit.UserCreated, Object: u.ID, OrgID: u.OrgID}); err != nil {
		return org.User{}, err
	}
	return tx.User(ctx, u.ID)
}

// update checks an existing user may sign in and gives them the role the
// provider's claim maps to.
func (s *Service) update(ctx context.Context, tx *store.Tx, uid string, who Identity, now time.Time) (org.User, error) {
	u, err := tx.User(ctx, uid)
	if err != nil {
		return org.User{}, err
	}
	switch {
	case u.OrgKind != org.KindPlatform:
		return org.User{}, ErrNotPlatformUser
	case u.Disabled:
		return org.User{}, ErrDisabled
	}
	if u.Role != who.Role {
		if err := tx.SetUserRole(ctx, uid, who.Role); err != nil {
			return org.User{}, err
		}
		if err := tx.Audit(ctx, audit.Entry{At: now, Actor: ActorSSO, Action: audit.UserRoleChanged, Object: uid, OrgID: u.OrgID}); err != nil {
			return org.User{}, err
		}
		u.Role = who.Role
	}
	return u, nil
}
