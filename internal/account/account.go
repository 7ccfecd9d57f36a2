package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/audit"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// The errors a person can cause; the portal turns each into a clear message.
var (
	// ErrBadCredentials covers an unknown e-mail and a wrong password alike, so
	// the answer does not tell which addresses have accounts.
	ErrBadCredentials = errors.New("account: wrong e-mail address or password")
	ErrLocked         = errors.New("account: locked after repeated failed sign-ins")
	ErrThrottled      = errors.New("account: too many failed sign-ins from this address")
	ErrBadCode        = errors.New("account: wrong, expired or already used code")
	ErrNoSession      = errors.New("account: no such session")
	ErrSessionExpired = errors.New("account: session expired")
	ErrBadLink        = errors.New("account: the set-password link is unknown, used or expired")
	ErrWeakPassword   = errors.New("account: the password does not meet the rules")
	ErrMismatch       = errors.New("account: the two passwords differ")
	ErrDisabled       = errors.New("account: the user is disabled")
)

// Session stages: what a session may do.
const (
	// StageTOTP: the password was right; the second factor is still due.
	StageTOTP = "totp"
	// StageEnrol: the password was right, the role needs TOTP and none is set up yet.
	StageEnrol = "enrol"
	// StageFull: signed in.
	StageFull = "full"
)

// Password length limits.
const (
	MinPassword = 12
	MaxPassword = 256
)

// Service manages users and sessions. Its zero durations take the defaults.
type Service struct {
	DB     *store.DB
	Clock  clock.Clock
	Params Params
	// IdleTimeout ends a session nobody used for this long (default 30 min).
	IdleTimeout time.Duration
	// MaxAge ends any session this long after sign-in (default 12 h, one shift and a margin).
	MaxAge time.Duration
	// MaxFailures in a row lock the account for LockFor (defaults 5 and 15 min).
	MaxFailures int
	LockFor     time.Duration
	// MaxIPFailures failures from one address within LockFor refuse it too (default 20).
	MaxIPFailures int
	// LinkTTL is how long a set-password link lives (default 72 h).
	LinkTTL time.Duration

	mu      sync.Mutex
	ipFails map[string][]time.Time
	dummy   string
}

func (s *Service) params() Params {
	if s.Params.Time == 0 {
		return DefaultParams
	}
	return s.Params
}

func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

func (s *Service) idle() time.Duration   { return or(s.IdleTimeout, 30*time.Minute) }
func (s *Service) maxAge() time.Duration { return or(s.MaxAge, 12*time.Hour) }
func (s *Service) lockFor() time.Duration {
	return or(s.LockFor, 15*time.Minute)
}

// IdleTimeoutOrDefault is the idle timeout in force.
func (s *Service) IdleTimeoutOrDefault() time.Duration { return s.idle() }

// TOTPRequired reports whether a role must use a second factor: those who can
// order removals, decide on content or change who may do so.
func TOTPRequired(r org.Role) bool {
	return r == org.RoleAdmin || r == org.RoleAuthority || r == org.RoleReviewer
}

// Link is a one-time set-password link's secret part and its end.
type Link struct {
	Token     string
	ExpiresAt time.Time
}

// URL is the link under base (the portal's address, such as http://127.0.0.1:8080).
func (l Link) URL(base string) string {
	return strings.TrimRight(base, "/") + "/set-password/" + l.Token
}

func newToken() (token, hash string) {
	var b [32]byte
	_, _ = rand.Read(b[:])
	token = base64.RawURLEncoding.EncodeToString(b[:])
	return token, HashToken(token)
}

// HashToken is the stored form of a session or link token: they carry 256
// random bits, so a plain SHA-256 is enough.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func fieldErr(field, code, msg string) error {
	return &notice.ValidationError{Fields: []notice.FieldError{{Field: field, Code: code, Message: msg}}}
}

// CreateUser adds a person to an org with a role and returns their one-time set-password link.
func (s *Service) CreateUser(ctx context.Context, orgID, email, name string, role org.Role) (org.User, Link, error) {
	var errs []notice.FieldError
	email = strings.ToLower(strings.TrimSpace(email))
	name = strings.TrimSpace(name)
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 {
		errs = append(errs, notice.FieldError{Field: "email", Code: "invalid", Message: "email must be an e-mail address such as name@example.go.id"})
	}
	if utf8.RuneCountInString(name) > 200 || strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		errs = append(errs, notice.FieldError{Field: "name", Code: "invalid", Message: "name must be at most 200 characters without control characters"})
	}
	if !org.ValidRole(role) {
		errs = append(errs, notice.FieldError{Field: "role", Code: "unknown_value", Message: "role must be one of: admin, reviewer, authority, flagger, auditor"})
	}
	o, err := s.DB.Org(ctx, orgID)
	if err != nil {
		return org.User{}, Link{}, err
	}
	if org.ValidRole(role) {
		if err := org.RoleFits(o.Kind, role); err != nil {
			errs = append(errs, notice.FieldError{Field: "role", Code: "role_mismatch", Message: err.Error()})
		}
	}
	if len(errs) > 0 {
		return org.User{}, Link{}, &notice.ValidationError{Fields: errs}
	}
	now := clock.NowMilli(s.Clock)
	u := org.User{ID: id.New("usr", now), OrgID: o.ID, OrgKind: o.Kind, OrgName: o.Name, Email: email, Name: name, Role: role, CreatedAt: now}
	token, hash := newToken()
	link := Link{Token: token, ExpiresAt: now.Add(or(s.LinkTTL, 72*time.Hour))}
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		if err := tx.Audit(ctx, audit.Entry{At: now, Action: audit.UserCreated, Object: u.ID, OrgID: u.OrgID}); err != nil {
			return err
		}
		return tx.CreatePasswordToken(ctx, hash, u.ID, now, link.ExpiresAt)
	})
	if errors.Is(err, store.ErrEmailTaken) {
		return org.User{}, Link{}, fieldErr("email", "taken", "a user with this e-mail address exists; use `sigap user reset` to give them a new link")
	}
	if err != nil {
		return org.User{}, Link{}, err
	}
	return u, link, nil
}

// ResetLink gives a user a new set-password link, ends their sessions and,
// with resetTOTP, makes them enrol a new authenticator (a lost phone). The
// old password stops working at once: a reset is what an admin does when it
// may be known to someone else, so it must not wait for the link's use.
func (s *Service) ResetLink(ctx context.Context, userID string, resetTOTP bool) (Link, error) {
	return s.ResetUser(ctx, "", userID, resetTOTP)
}

// ResetUser is ResetLink for a user of orgID ("": any org); a user of
// another org is ErrNotFound.
func (s *Service) ResetUser(ctx context.Context, orgID, userID string, resetTOTP bool) (Link, error) {
	now := clock.NowMilli(s.Clock)
	token, hash := newToken()
	link := Link{Token: token, ExpiresAt: now.Add(or(s.LinkTTL, 72*time.Hour))}
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		u, err := userIn(ctx, tx, orgID, userID)
		if err != nil {
			return err
		}
		if resetTOTP {
			if err := tx.SetTOTP(ctx, userID, "", false, 0); err != nil {
				return err
			}
			if err := tx.DeleteUserPasskeys(ctx, userID); err != nil {
				return err
			}
			if err := tx.Audit(ctx, audit.Entry{At: now, Action: audit.UserTOTPReset, Object: userID, OrgID: u.OrgID}); err != nil {
				return err
			}
		}
		if err := tx.SetPassword(ctx, userID, ""); err != nil {
			return err
		}
		if err := tx.DeleteUserSessions(ctx, userID); err != nil {
			return err
		}
		if err := tx.Audit(ctx, audit.Entry{At: now, Action: audit.UserPasswordReset, Object: userID, OrgID: u.OrgID}); err != nil {
			return err
		}
		return tx.CreatePasswordToken(ctx, hash, userID, now, link.ExpiresAt)
	})
	return link, err
}

// LinkUser returns whose live set-password link token is.
func (s *Service) LinkUser(ctx context.Context, token string) (org.User, error) {
	uid, err := s.DB.PasswordTokenUser(ctx, HashToken(token), clock.NowMilli(s.Clock))
	if errors.Is(err, store.ErrNotFound) {
		return org.User{}, ErrBadLink
	}
	if err != nil {
		return org.User{}, err
	}
	return s.DB.User(ctx, uid)
}

// CheckPasswordRules returns ErrWeakPassword or ErrMismatch when a new password cannot be used.
func CheckPasswordRules(password, again, email string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case password != again:
		return ErrMismatch
	case n < MinPassword || n > MaxPassword:
		return fmt.Errorf("%w: %d to %d characters", ErrWeakPassword, MinPassword, MaxPassword)
	case strings.EqualFold(strings.TrimSpace(password), email):
		return fmt.Errorf("%w: not the e-mail address", ErrWeakPassword)
	}
	return nil
}

// SetPassword spends a set-password link and sets the user's password; the
// user's sessions end and any lockout is lifted.
func (s *Service) SetPassword(ctx context.Context, token, password, again string) (org.User, error) {
	u, err := s.LinkUser(ctx, token)
	if err != nil {
		return org.User{}, err
	}
	if err := CheckPasswordRules(password, again, u.Email); err != nil {
		return org.User{}, err
	}
	hash := HashPassword(password, s.params())
	now := clock.NowMilli(s.Clock)
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		uid, err := tx.UsePasswordToken(ctx, HashToken(token), now)
		if err != nil {
			return err
		}
		if uid != u.ID {
			return ErrBadLink
		}
		if err := tx.SetPassword(ctx, uid, hash); err != nil {
			return err
		}
		// The person sets their own password: they are the actor, whoever's request carried the link.
		if err := tx.Audit(ctx, audit.Entry{At: now, Actor: uid, Action: audit.UserPasswordSet, Object: uid, OrgID: u.OrgID}); err != nil {
			return err
		}
		return tx.DeleteUserSessions(ctx, uid)
	})
	if errors.Is(err, store.ErrNotFound) {
		return org.User{}, ErrBadLink
	}
	return u, err
}

func (s *Service) dummyHash() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dummy == "" {
		s.dummy = HashPassword("not a password anyone has", s.params())
	}
	return s.dummy
}

// ipBlocked reports whether an address has failed too often lately.
func (s *Service) ipBlocked(ip string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	fails := s.recentLocked(ip, now)
	return len(fails) >= or(s.MaxIPFailures, 20)
}

func (s *Service) recentLocked(ip string, now time.Time) []time.Time {
	fails := s.ipFails[ip]
	cut := 0
	for cut < len(fails) && now.Sub(fails[cut]) > s.lockFor() {
		cut++
	}
	fails = fails[cut:]
	if len(fails) == 0 {
		delete(s.ipFails, ip)
	} else {
		s.ipFails[ip] = fails
	}
	return fails
}

func (s *Service) ipFailed(ip string, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ipFails == nil {
		s.ipFails = map[string][]time.Time{}
	}
	// Bound the table so a flood of addresses cannot grow it without end.
	if len(s.ipFails) > 100_000 {
		clear(s.ipFails)
	}
	s.ipFails[ip] = append(s.recentLocked(ip, now), now)
}

// recordFailure counts a failed password or code against the user, locking
// the account when the failures reach the limit.
func (s *Service) recordFailure(ctx context.Context, userID, ip string, now time.Time) error {
	s.ipFailed(ip, now)
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		u, err := tx.User(ctx, userID)
		if err != nil {
			return err
		}
		failed, until := u.FailedLogins+1, time.Time{}
		if failed >= or(s.MaxFailures, 5) {
			failed, until = 0, now.Add(s.lockFor())
		}
		return tx.SetLoginState(ctx, userID, failed, until)
	})
}

// LockedError says until when an account is locked.
type LockedError struct{ Until time.Time }

func (e *LockedError) Error() string {
	return ErrLocked.Error() + " until " + e.Until.Format(time.RFC3339)
}

// Unwrap lets callers test errors.Is(err, ErrLocked).
func (e *LockedError) Unwrap() error { return ErrLocked }

// Login checks an e-mail address and password from ip. It returns the user,
// or ErrBadCredentials, a *LockedError, or ErrThrottled; nothing but the
// failure count changes on a failure.
func (s *Service) Login(ctx context.Context, email, password, ip string) (org.User, error) {
	now := clock.NowMilli(s.Clock)
	if s.ipBlocked(ip, now) {
		return org.User{}, ErrThrottled
	}
	u, err := s.DB.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (u.PasswordHash == "" || u.Disabled)) {
		// Spend the same work as a real check, so timing does not tell which addresses exist.
		_, _ = CheckPassword(s.dummyHash(), password)
		s.ipFailed(ip, now)
		return org.User{}, ErrBadCredentials
	}
	if err != nil {
		return org.User{}, err
	}
	if now.Before(u.LockedUntil) {
		return org.User{}, &LockedError{Until: u.LockedUntil}
	}
	if len(password) > 4*MaxPassword {
		password = password[:4*MaxPassword]
	}
	ok, err := CheckPassword(u.PasswordHash, password)
	if err != nil {
		return org.User{}, err
	}
	if !ok {
		if err := s.recordFailure(ctx, u.ID, ip, now); err != nil {
			return org.User{}, err
		}
		return org.User{}, ErrBadCredentials
	}
	return u, nil
}

// CheckTOTP accepts a code once: the time step it belongs to is remembered,
// so the same code (or an older one) is refused afterwards. A wrong code
// counts as a failed sign-in.
func (s *Service) CheckTOTP(ctx context.Context, userID, code, ip string) error {
	return s.useTOTP(ctx, userID, code, ip, true)
}

// useTOTP spends a code shown from ip (see spendTOTP), unless ip is
// throttled. A wrong code counts against ip, and at a sign-in against the
// user too.
func (s *Service) useTOTP(ctx context.Context, userID, code, ip string, signIn bool) error {
	now := clock.NowMilli(s.Clock)
	if s.ipBlocked(ip, now) {
		return ErrThrottled
	}
	matched, err := s.spendTOTP(ctx, userID, code, now, signIn)
	switch {
	case err != nil:
		return err
	case matched:
		return nil
	case signIn:
		if err := s.recordFailure(ctx, userID, ip, now); err != nil {
			return err
		}
	default:
		s.ipFailed(ip, now)
	}
	return ErrBadCode
}

// spendTOTP matches code against the user's TOTP secret in one write and, on
// a match, stores the code's time step with the second factor on. For a
// sign-in the second factor must be on already, a locked account is refused
// and a match clears the failed sign-ins; otherwise it must be awaiting
// confirmation. It reports whether the code matched.
func (s *Service) spendTOTP(ctx context.Context, userID, code string, now time.Time, signIn bool) (bool, error) {
	var matched bool
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		matched = false
		u, err := tx.User(ctx, userID)
		if err != nil {
			return err
		}
		if signIn && now.Before(u.LockedUntil) {
			return &LockedError{Until: u.LockedUntil}
		}
		if u.TOTPEnabled != signIn || u.TOTPSecret == "" {
			return nil
		}
		step := matchTOTP(u.TOTPSecret, code, now, u.TOTPLastStep)
		if step == 0 {
			return nil
		}
		matched = true
		if err := tx.SetTOTP(ctx, userID, u.TOTPSecret, true, step); err != nil || !signIn {
			return err
		}
		return tx.SetLoginState(ctx, userID, 0, time.Time{})
	})
	return matched, err
}

// PendingTOTP returns the user's TOTP secret awaiting confirmation, making one if needed.
func (s *Service) PendingTOTP(ctx context.Context, userID string) (string, error) {
	var secret string
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		u, err := tx.User(ctx, userID)
		if err != nil {
			return err
		}
		if u.TOTPEnabled {
			return errors.New("account: TOTP is already set up")
		}
		if u.TOTPSecret != "" {
			secret = u.TOTPSecret
			return nil
		}
		secret = NewTOTPSecret()
		return tx.SetTOTP(ctx, userID, secret, false, 0)
	})
	return secret, err
}

// ConfirmTOTP turns on the second factor once the person shows a code from their app.
func (s *Service) ConfirmTOTP(ctx context.Context, userID, code, ip string) error {
	return s.useTOTP(ctx, userID, code, ip, false)
}

// StageAfterPassword is where a session goes once the password is right.
func StageAfterPassword(u org.User) string {
	switch {
	case u.TOTPEnabled:
		return StageTOTP
	case TOTPRequired(u.Role):
		return StageEnrol
	}
	return StageFull
}

// NewSession starts a session at stage and returns the cookie's token. Every
// stage change gets a new session (and token), so a token seen before sign-in
// is worth nothing after it.
func (s *Service) NewSession(ctx context.Context, userID, stage, previousToken string) (string, error) {
	now := clock.NowMilli(s.Clock)
	token, hash := newToken()
	sess := store.Session{Hash: hash, UserID: userID, Stage: stage, CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(s.maxAge())}
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		if previousToken != "" {
			if err := tx.DeleteSession(ctx, HashToken(previousToken)); err != nil {
				return err
			}
		}
		// Housekeeping rides along with sign-ins, which are rare enough.
		if err := tx.DeleteExpiredSessions(ctx, now, now.Add(-s.idle())); err != nil {
			return err
		}
		return tx.CreateSession(ctx, sess)
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// Session returns the live session of a cookie token and its user, refreshing
// its idle timer. An unknown token is ErrNoSession; an idle or old one ErrSessionExpired.
func (s *Service) Session(ctx context.Context, token string) (store.Session, org.User, error) {
	if token == "" || len(token) > 100 {
		return store.Session{}, org.User{}, ErrNoSession
	}
	hash := HashToken(token)
	sess, err := s.DB.Session(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return store.Session{}, org.User{}, ErrNoSession
	}
	if err != nil {
		return store.Session{}, org.User{}, err
	}
	now := clock.NowMilli(s.Clock)
	if !now.Before(sess.ExpiresAt) || now.Sub(sess.LastSeen) >= s.idle() {
		_ = s.DB.Write(ctx, func(tx *store.Tx) error { return tx.DeleteSession(ctx, hash) })
		return store.Session{}, org.User{}, ErrSessionExpired
	}
	u, err := s.DB.User(ctx, sess.UserID)
	if err != nil {
		return store.Session{}, org.User{}, err
	}
	if u.Disabled {
		return store.Session{}, org.User{}, ErrDisabled
	}
	// Touch at most once a minute: a page view should not always cost a write.
	if now.Sub(sess.LastSeen) >= time.Minute {
		if err := s.DB.Write(ctx, func(tx *store.Tx) error { return tx.TouchSession(ctx, hash, now) }); err != nil {
			return store.Session{}, org.User{}, err
		}
		sess.LastSeen = now
	}
	return sess, u, nil
}

// EndSession signs out.
func (s *Service) EndSession(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return s.DB.Write(ctx, func(tx *store.Tx) error { return tx.DeleteSession(ctx, HashToken(token)) })
}

// SetLanguage stores a user's language setting.
func (s *Service) SetLanguage(ctx context.Context, userID, lang string) error {
	return s.DB.Write(ctx, func(tx *store.Tx) error { return tx.SetUserLanguage(ctx, userID, lang) })
}
