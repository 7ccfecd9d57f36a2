package account

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/sigap/sigap/internal/audit"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// Session stages a second-factor policy adds.
const (
	// StagePasskey: the password was right and the org's policy wants a passkey.
	StagePasskey = "passkey"
	// StagePasskeyEnrol: the policy wants a passkey and the person has none yet.
	StagePasskeyEnrol = "passkey_enrol"
)

// The second-factor policies an org can have.
const (
	// PolicyTOTPOrPasskey lets either factor through; the default.
	PolicyTOTPOrPasskey = "totp_or_passkey"
	// PolicyPasskeyForAdmins makes admins use a passkey.
	PolicyPasskeyForAdmins = "passkey_for_admins"
	// PolicyPasskeyForEveryone makes every user use a passkey.
	PolicyPasskeyForEveryone = "passkey_for_everyone"
)

// The audit actions of passkeys and the second-factor policy.
const (
	AuditPasskeyAdded          = "user.passkey_added"
	AuditPasskeyRemoved        = "user.passkey_removed"
	AuditPasskeyCounterRefused = "user.passkey_counter_refused"
	AuditAuthPolicyChanged     = "org.auth_policy_changed"
)

// Passkey errors a person can cause.
var (
	// ErrBadPasskey covers an assertion or attestation that does not verify:
	// a wrong or used challenge, another user's credential, a wrong origin.
	ErrBadPasskey = errors.New("account: the passkey could not be verified")
	// ErrPasskeyReplayed is an assertion whose signature counter did not move
	// past the stored one: a replay or a cloned authenticator.
	ErrPasskeyReplayed = errors.New("account: the passkey's signature counter went backwards or stood still")
	// ErrNoPasskey is a passkey sign-in by someone without one.
	ErrNoPasskey = errors.New("account: no passkey is registered")
	// ErrLastPasskey refuses removing the only passkey of someone who must use one.
	ErrLastPasskey = errors.New("account: the policy requires a passkey and this is the last one")
	// ErrNoRelyingParty means no public URL is configured and the request's
	// host is not localhost, so there is no safe RP ID to bind a passkey to.
	ErrNoRelyingParty = errors.New("account: passkeys need --public-origin (or a localhost address)")
	// ErrBadPolicy is a second-factor policy that is not one of the three.
	ErrBadPolicy = errors.New("account: unknown second-factor policy")
)

// ceremonyTTL bounds how long a begun ceremony can be finished.
const ceremonyTTL = 5 * time.Minute

// MaxPasskeyName bounds a passkey's name, in characters.
const MaxPasskeyName = 100

// RelyingParty is the site passkeys are bound to: the RP ID (a host name)
// and the origin the browser reports.
type RelyingParty struct {
	ID     string
	Origin string
}

// RelyingPartyFor returns the relying party: the public origin's when one is
// configured, else the request's own for a localhost address only, since a
// Host header elsewhere is whatever the client says and passkeys bound to it
// would not survive a move to the real name. IP addresses are not valid RP
// IDs, so 127.0.0.1 is refused too: use http://localhost:PORT.
func RelyingPartyFor(publicOrigin, host string, tls bool) (RelyingParty, error) {
	if publicOrigin != "" {
		u, err := url.Parse(publicOrigin)
		if err != nil || u.Hostname() == "" || (u.Scheme != "https" && u.Scheme != "http") {
			return RelyingParty{}, fmt.Errorf("account: --public-origin %q: %w", publicOrigin, ErrNoRelyingParty)
		}
		return RelyingParty{ID: strings.ToLower(u.Hostname()), Origin: u.Scheme + "://" + strings.ToLower(u.Host)}, nil
	}
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	name = strings.ToLower(name)
	if name != "localhost" && !strings.HasSuffix(name, ".localhost") {
		return RelyingParty{}, ErrNoRelyingParty
	}
	scheme := "http"
	if tls {
		scheme = "https"
	}
	return RelyingParty{ID: name, Origin: scheme + "://" + strings.ToLower(host)}, nil
}

func (rp RelyingParty) webauthn() (*webauthn.WebAuthn, error) {
	w, err := webauthn.New(&webauthn.Config{RPID: rp.ID, RPDisplayName: "sigap", RPOrigins: []string{rp.Origin}})
	if err != nil {
		return nil, fmt.Errorf("account: webauthn: %w", err)
	}
	return w, nil
}

// passkeyUser is a user as the WebAuthn library sees them.
type passkeyUser struct {
	u     org.User
	creds []webauthn.Credential
}

func (p passkeyUser) WebAuthnID() []byte                         { return []byte(p.u.ID) }
func (p passkeyUser) WebAuthnName() string                       { return p.u.Email }
func (p passkeyUser) WebAuthnCredentials() []webauthn.Credential { return p.creds }
func (p passkeyUser) WebAuthnDisplayName() string {
	if p.u.Name != "" {
		return p.u.Name
	}
	return p.u.Email
}

// CredentialID is the stored form of a WebAuthn credential ID.
func CredentialID(raw []byte) string { return base64.RawURLEncoding.EncodeToString(raw) }

func loadPasskeyUser(ctx context.Context, tx *store.Tx, userID string) (passkeyUser, []store.Passkey, error) {
	u, err := tx.User(ctx, userID)
	if err != nil {
		return passkeyUser{}, nil, err
	}
	keys, err := tx.Passkeys(ctx, userID)
	if err != nil {
		return passkeyUser{}, nil, err
	}
	pu := passkeyUser{u: u}
	for _, k := range keys {
		var c webauthn.Credential
		if err := json.Unmarshal(k.Credential, &c); err != nil {
			return passkeyUser{}, nil, fmt.Errorf("account: passkey %s: %w", k.ID, err)
		}
		pu.creds = append(pu.creds, c)
	}
	return pu, keys, nil
}

func (s *Service) putCeremony(ctx context.Context, tx *store.Tx, token, kind, userID string, sd *webauthn.SessionData, now time.Time) error {
	data, err := json.Marshal(sd)
	if err != nil {
		return fmt.Errorf("account: ceremony: %w", err)
	}
	return tx.PutCeremony(ctx, store.Ceremony{SessionHash: HashToken(token), Kind: kind, UserID: userID, Data: data,
		ExpiresAt: now.Add(ceremonyTTL)}, now)
}

// takeCeremony spends the session's ceremony of kind; one begun for another
// user, expired or already spent is ErrBadPasskey.
func takeCeremony(ctx context.Context, tx *store.Tx, token, kind, userID string, now time.Time) (webauthn.SessionData, error) {
	c, err := tx.TakeCeremony(ctx, HashToken(token), kind, now)
	if errors.Is(err, store.ErrNotFound) {
		return webauthn.SessionData{}, ErrBadPasskey
	}
	if err != nil {
		return webauthn.SessionData{}, err
	}
	if c.UserID != userID {
		return webauthn.SessionData{}, ErrBadPasskey
	}
	var sd webauthn.SessionData
	if err := json.Unmarshal(c.Data, &sd); err != nil {
		return webauthn.SessionData{}, fmt.Errorf("account: ceremony: %w", err)
	}
	return sd, nil
}

// BeginPasskeyRegistration starts adding a passkey for the user of the
// session token and returns the options for navigator.credentials.create.
func (s *Service) BeginPasskeyRegistration(ctx context.Context, rp RelyingParty, userID, token string) (json.RawMessage, error) {
	return s.beginCeremony(ctx, rp, userID, token, "register", "registration", func(w *webauthn.WebAuthn, pu passkeyUser) (any, *webauthn.SessionData, error) {
		var excl []protocol.CredentialDescriptor
		for _, c := range pu.creds {
			excl = append(excl, c.Descriptor())
		}
		opts, sd, err := w.BeginRegistration(pu,
			webauthn.WithExclusions(excl),
			webauthn.WithResidentKeyRequirement(protocol.ResidentKeyRequirementPreferred),
			webauthn.WithConveyancePreference(protocol.PreferNoAttestation))
		if err != nil {
			return nil, nil, fmt.Errorf("account: begin registration: %w", err)
		}
		return opts, sd, nil
	})
}

// beginCeremony starts a WebAuthn ceremony of kind (named step in errors)
// for userID in one write: begin makes the browser's options from the user
// and their passkeys, and the session data it returns is kept under the
// session token until the ceremony is finished.
func (s *Service) beginCeremony(ctx context.Context, rp RelyingParty, userID, token, kind, step string,
	begin func(w *webauthn.WebAuthn, pu passkeyUser) (any, *webauthn.SessionData, error),
) (json.RawMessage, error) {
	w, err := rp.webauthn()
	if err != nil {
		return nil, err
	}
	now := clock.NowMilli(s.Clock)
	var out json.RawMessage
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		pu, _, err := loadPasskeyUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		opts, sd, err := begin(w, pu)
		if err != nil {
			return err
		}
		if out, err = json.Marshal(opts); err != nil {
			return fmt.Errorf("account: begin %s: %w", step, err)
		}
		return s.putCeremony(ctx, tx, token, kind, userID, sd, now)
	})
	return out, err
}

// FinishPasskeyRegistration verifies the browser's answer to the session's
// registration ceremony and stores the passkey under name.
func (s *Service) FinishPasskeyRegistration(ctx context.Context, rp RelyingParty, userID, token, name string, response []byte) (store.Passkey, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > MaxPasskeyName || strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return store.Passkey{}, fieldErr("name", "invalid", fmt.Sprintf("name must be 1 to %d characters without control characters", MaxPasskeyName))
	}
	w, err := rp.webauthn()
	if err != nil {
		return store.Passkey{}, err
	}
	parsed, perr := protocol.ParseCredentialCreationResponseBytes(response)
	now := clock.NowMilli(s.Clock)
	var k store.Passkey
	var bad bool
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		sd, err := takeCeremony(ctx, tx, token, "register", userID, now)
		if err != nil {
			return err
		}
		if perr != nil {
			bad = true
			return nil
		}
		pu, _, err := loadPasskeyUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		cred, err := w.CreateCredential(pu, sd, parsed)
		if err != nil {
			bad = true
			return nil
		}
		data, err := json.Marshal(cred)
		if err != nil {
			return fmt.Errorf("account: passkey: %w", err)
		}
		k = store.Passkey{ID: CredentialID(cred.ID), UserID: userID, Name: name, Credential: data,
			SignCount: cred.Authenticator.SignCount, CreatedAt: now}
		if err := tx.AddPasskey(ctx, k); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Entry{At: now, Actor: userID, Action: AuditPasskeyAdded, Object: userID, OrgID: pu.u.OrgID})
	})
	if bad || errors.Is(err, store.ErrConflict) {
		return store.Passkey{}, ErrBadPasskey
	}
	return k, err
}

// Passkeys lists a user's passkeys, oldest first.
func (s *Service) Passkeys(ctx context.Context, userID string) ([]store.Passkey, error) {
	return s.DB.Passkeys(ctx, userID)
}

// RemovePasskey deletes one of the user's passkeys; another's is
// ErrNotFound, and the last one of someone the policy makes use a passkey is
// ErrLastPasskey (they would be locked out at their next sign-in).
func (s *Service) RemovePasskey(ctx context.Context, userID, id string) error {
	now := clock.NowMilli(s.Clock)
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		u, err := tx.User(ctx, userID)
		if err != nil {
			return err
		}
		keys, err := tx.Passkeys(ctx, userID)
		if err != nil {
			return err
		}
		pol, err := policyIn(ctx, tx, u.OrgID)
		if err != nil {
			return err
		}
		if len(keys) == 1 && keys[0].ID == id && MustUsePasskey(pol, u.Role) {
			return ErrLastPasskey
		}
		if err := tx.DeletePasskey(ctx, userID, id); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Entry{At: now, Actor: userID, Action: AuditPasskeyRemoved, Object: userID, OrgID: u.OrgID})
	})
}

// BeginPasskeyLogin starts the second step of a sign-in with one of the
// user's passkeys and returns the options for navigator.credentials.get.
func (s *Service) BeginPasskeyLogin(ctx context.Context, rp RelyingParty, userID, token string) (json.RawMessage, error) {
	return s.beginCeremony(ctx, rp, userID, token, "login", "login", func(w *webauthn.WebAuthn, pu passkeyUser) (any, *webauthn.SessionData, error) {
		if len(pu.creds) == 0 {
			return nil, nil, ErrNoPasskey
		}
		opts, sd, err := w.BeginLogin(pu)
		if err != nil {
			return nil, nil, fmt.Errorf("account: begin login: %w", err)
		}
		return opts, sd, nil
	})
}

// FinishPasskeyLogin verifies the browser's assertion for the session's
// login ceremony. An assertion by a credential that is not the user's, for
// a spent or unknown challenge, or one that does not verify is
// ErrBadPasskey; one whose signature counter did not advance is
// ErrPasskeyReplayed and is audited. Either counts as a failed sign-in and
// changes nothing else. On success the counter and last use are stored.
func (s *Service) FinishPasskeyLogin(ctx context.Context, rp RelyingParty, userID, token string, response []byte, ip string) error {
	now := clock.NowMilli(s.Clock)
	if s.ipBlocked(ip, now) {
		return ErrThrottled
	}
	w, err := rp.webauthn()
	if err != nil {
		return err
	}
	parsed, perr := protocol.ParseCredentialRequestResponseBytes(response)
	var fail error
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		sd, err := takeCeremony(ctx, tx, token, "login", userID, now)
		if errors.Is(err, ErrBadPasskey) || (err == nil && perr != nil) {
			fail = ErrBadPasskey
			return nil
		}
		if err != nil {
			return err
		}
		pu, _, err := loadPasskeyUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		if now.Before(pu.u.LockedUntil) {
			return &LockedError{Until: pu.u.LockedUntil}
		}
		cred, err := w.ValidateLogin(pu, sd, parsed)
		if err != nil {
			fail = ErrBadPasskey
			return nil
		}
		id := CredentialID(cred.ID)
		if cred.Authenticator.CloneWarning {
			fail = ErrPasskeyReplayed
			return tx.Audit(ctx, audit.Entry{At: now, Actor: userID, Action: AuditPasskeyCounterRefused, Object: userID, OrgID: pu.u.OrgID})
		}
		data, err := json.Marshal(cred)
		if err != nil {
			return fmt.Errorf("account: passkey: %w", err)
		}
		if err := tx.UsePasskey(ctx, id, cred.Authenticator.SignCount, data, now); err != nil {
			return err
		}
		return tx.SetLoginState(ctx, userID, 0, time.Time{})
	})
	if err != nil {
		return err
	}
	if fail != nil {
		if err := s.recordFailure(ctx, userID, ip, now); err != nil {
			return err
		}
		return fail
	}
	return nil
}

// ValidPolicy reports whether p is one of the second-factor policies.
func ValidPolicy(p string) bool {
	return p == PolicyTOTPOrPasskey || p == PolicyPasskeyForAdmins || p == PolicyPasskeyForEveryone
}

// MustUsePasskey reports whether a user of role under policy must sign in with a passkey.
func MustUsePasskey(policy string, role org.Role) bool {
	return policy == PolicyPasskeyForEveryone || (policy == PolicyPasskeyForAdmins && role == org.RoleAdmin)
}

func policyIn(ctx context.Context, tx *store.Tx, orgID string) (string, error) {
	p, err := tx.SecondFactorPolicy(ctx, orgID)
	if errors.Is(err, store.ErrNotFound) {
		return PolicyTOTPOrPasskey, nil
	}
	return p, err
}

// SecondFactorPolicy returns an org's second-factor policy (the default when it never set one).
func (s *Service) SecondFactorPolicy(ctx context.Context, orgID string) (string, error) {
	p, err := s.DB.SecondFactorPolicy(ctx, orgID)
	if errors.Is(err, store.ErrNotFound) {
		return PolicyTOTPOrPasskey, nil
	}
	return p, err
}

// SetSecondFactorPolicy sets an org's second-factor policy, audited. It
// holds from each user's next sign-in; setting the policy in force changes
// nothing and writes no entry. An unknown org is ErrNotFound.
func (s *Service) SetSecondFactorPolicy(ctx context.Context, orgID, policy string) error {
	if !ValidPolicy(policy) {
		return fieldErr("second_factor", "unknown_value", "second_factor must be one of: totp_or_passkey, passkey_for_admins, passkey_for_everyone")
	}
	if _, err := s.DB.Org(ctx, orgID); err != nil {
		return err
	}
	now := clock.NowMilli(s.Clock)
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		cur, err := policyIn(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if cur == policy {
			return nil
		}
		if err := tx.SetSecondFactorPolicy(ctx, orgID, policy, now); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Entry{At: now, Action: AuditAuthPolicyChanged, Object: orgID, OrgID: orgID})
	})
}

// SecondFactorStage is where a session goes once the password is right,
// under the user's org's policy: a passkey where the policy demands one and
// the person has one; the TOTP step where they have none but have TOTP (the
// code first, then enrolment: a password alone must not be enough to bind
// an attacker's passkey to an account that had a second factor); passkey
// enrolment where they have neither; else the second step when the person
// has TOTP or a passkey; else TOTP enrolment for the roles that need a
// second factor.
func (s *Service) SecondFactorStage(ctx context.Context, u org.User) (string, error) {
	pol, err := s.SecondFactorPolicy(ctx, u.OrgID)
	if err != nil {
		return "", err
	}
	keys, err := s.DB.Passkeys(ctx, u.ID)
	if err != nil {
		return "", err
	}
	switch {
	case MustUsePasskey(pol, u.Role) && len(keys) > 0:
		return StagePasskey, nil
	case MustUsePasskey(pol, u.Role) && u.TOTPEnabled:
		return StageTOTP, nil
	case MustUsePasskey(pol, u.Role):
		return StagePasskeyEnrol, nil
	case len(keys) > 0:
		return StageTOTP, nil
	}
	return StageAfterPassword(u), nil
}

// StageAfterTOTP is where a session goes once the TOTP code is right:
// passkey enrolment where the policy demands a passkey and the person has
// none yet, else signed in.
func (s *Service) StageAfterTOTP(ctx context.Context, u org.User) (string, error) {
	pol, err := s.SecondFactorPolicy(ctx, u.OrgID)
	if err != nil {
		return "", err
	}
	if !MustUsePasskey(pol, u.Role) {
		return StageFull, nil
	}
	keys, err := s.DB.Passkeys(ctx, u.ID)
	if err != nil {
		return "", err
	}
	if len(keys) == 0 {
		return StagePasskeyEnrol, nil
	}
	// Someone who has a passkey and must use one signs in with it, not a code.
	return StagePasskey, nil
}
