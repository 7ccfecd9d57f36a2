package account_test

import (
	"context"
	"encoding/base32"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/account"
	"github.com/sigap/sigap/internal/admin"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

// cheap keeps argon2id fast in tests; the hash records its parameters, so checks still work.
var cheap = account.Params{Time: 1, Memory: 64, Threads: 1}

func TestPasswordHash(t *testing.T) {
	t.Parallel()
	h := account.HashPassword("correct horse battery", cheap)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash = %q", h)
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{{"correct horse battery", true}, {"correct horse batterY", false}, {"", false}} {
		if ok, err := account.CheckPassword(h, tc.pw); err != nil || ok != tc.want {
			t.Errorf("CheckPassword(%q) = %v, %v", tc.pw, ok, err)
		}
	}
	if h2 := account.HashPassword("correct horse battery", cheap); h2 == h {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=64,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=64,t=0,p=1$AAAA$AAAA",
		"$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=64,t=1,p=1$!!$AAAA", "plain"} {
		if _, err := account.CheckPassword(bad, "x"); err == nil {
			t.Errorf("CheckPassword accepted malformed hash %q", bad)
		}
	}
}

func TestTOTPVectors(t *testing.T) {
	t.Parallel()
	// RFC 6238 appendix B, SHA-1 seed, truncated to 6 digits.
	secret := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte("12345678901234567890"))
	for _, tc := range []struct {
		unix int64
		want string
	}{{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"}, {1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"}} {
		got, err := account.TOTPCode(secret, account.TOTPStep(time.Unix(tc.unix, 0)))
		if err != nil || got != tc.want {
			t.Errorf("T=%d: %q, %v; want %s", tc.unix, got, err, tc.want)
		}
	}
	uri := account.TOTPURI("sigap", "ana@example.go.id", secret)
	if !strings.HasPrefix(uri, "otpauth://totp/sigap:ana@example.go.id?") || !strings.Contains(uri, "secret="+secret) {
		t.Errorf("uri = %s", uri)
	}
	if png, err := account.TOTPQRCode(uri); err != nil || len(png) < 100 {
		t.Errorf("QR code: %d bytes, %v", len(png), err)
	}
}

func TestPasswordRules(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pw, again string
		want      error
	}{
		{"a long enough pass", "a long enough pass", nil},
		{"short", "short", account.ErrWeakPassword},
		{"a long enough pass", "a long enough pasS", account.ErrMismatch},
		{"ana@example.go.id", "ana@example.go.id", account.ErrWeakPassword},
		{strings.Repeat("x", account.MaxPassword+1), strings.Repeat("x", account.MaxPassword+1), account.ErrWeakPassword},
	} {
		if err := account.CheckPasswordRules(tc.pw, tc.again, "ana@example.go.id"); !errors.Is(err, tc.want) {
			t.Errorf("rules(%q) = %v, want %v", tc.pw, err, tc.want)
		}
	}
}

type fixture struct {
	db  *store.DB
	clk *clock.Fixed
	acc *account.Service
	org org.Org
}

// eachFixture runs fn on each engine with a fresh database holding one
// authority org, and an account service on a fixed clock.
func eachFixture(t *testing.T, fn func(ctx context.Context, t *testing.T, f *fixture)) {
	t.Helper()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		clk := clock.NewFixed(time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC))
		adm := &admin.Service{DB: db, Clock: clk}
		o, err := adm.CreateOrg(ctx, "Kominfo", org.KindAuthority, "")
		if err != nil {
			t.Fatal(err)
		}
		fn(ctx, t, &fixture{db: db, clk: clk, acc: &account.Service{DB: db, Clock: clk, Params: cheap}, org: o})
	})
}

// user makes a user with a password and, when secret is wanted, TOTP on.
func (f *fixture) user(t *testing.T, email string, role org.Role, withTOTP bool) (org.User, string) {
	t.Helper()
	ctx := t.Context()
	u, link, err := f.acc.CreateUser(ctx, f.org.ID, email, "Ana", role)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.acc.SetPassword(ctx, link.Token, "a long enough pass", "a long enough pass"); err != nil {
		t.Fatal(err)
	}
	secret := ""
	if withTOTP {
		if secret, err = f.acc.PendingTOTP(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		code, _ := account.TOTPCode(secret, account.TOTPStep(f.clk.Now()))
		if err := f.acc.ConfirmTOTP(ctx, u.ID, code, "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		f.clk.Advance(30 * time.Second)
	}
	return u, secret
}

func TestCreateUserValidation(t *testing.T) {
	t.Parallel()
	eachFixture(t, func(ctx context.Context, t *testing.T, f *fixture) {
		before, _ := f.db.PortalCounts(ctx)
		for _, tc := range []struct {
			email string
			role  org.Role
			field string
		}{
			{"not an address", org.RoleAuthority, "email"},
			{"a@example.org", org.RoleReviewer, "role"}, // reviewers belong to the platform
			{"a@example.org", "boss", "role"},
			{"<script>@x", org.RoleAuthority, "email"},
		} {
			_, _, err := f.acc.CreateUser(ctx, f.org.ID, tc.email, "", tc.role)
			var ve *notice.ValidationError
			if !errors.As(err, &ve) || ve.Fields[0].Field != tc.field {
				t.Errorf("CreateUser(%q, %q) = %v, want a validation error on %s", tc.email, tc.role, err, tc.field)
			}
		}
		if _, _, err := f.acc.CreateUser(ctx, "org_nope", "a@example.org", "", org.RoleAuthority); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown org: %v", err)
		}
		after, _ := f.db.PortalCounts(ctx)
		if after["users"] != before["users"] || after["password_tokens"] != before["password_tokens"] {
			t.Errorf("refused creations stored rows: %v -> %v", before, after)
		}
		f.user(t, "ana@example.go.id", org.RoleAuthority, false)
		if _, _, err := f.acc.CreateUser(ctx, f.org.ID, "ANA@example.go.id", "", org.RoleAuthority); err == nil {
			t.Error("a second user with the same address was created")
		}
	})
}

func TestSetPasswordLinkIsOneTime(t *testing.T) {
	t.Parallel()
	eachFixture(t, func(ctx context.Context, t *testing.T, f *fixture) {
		_, link, err := f.acc.CreateUser(ctx, f.org.ID, "ana@example.go.id", "", org.RoleAuthority)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.acc.SetPassword(ctx, link.Token, "short", "short"); !errors.Is(err, account.ErrWeakPassword) {
			t.Fatalf("weak password: %v", err)
		}
		// A refused attempt does not spend the link.
		if _, err := f.acc.SetPassword(ctx, link.Token, "a long enough pass", "a long enough pass"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.acc.SetPassword(ctx, link.Token, "another long pass", "another long pass"); !errors.Is(err, account.ErrBadLink) {
			t.Fatalf("second use of a link: %v", err)
		}
		if _, err := f.acc.SetPassword(ctx, "made-up-token", "another long pass", "another long pass"); !errors.Is(err, account.ErrBadLink) {
			t.Fatalf("made-up link: %v", err)
		}
		u, _ := f.db.UserByEmail(ctx, "ana@example.go.id")
		late, err := f.acc.ResetLink(ctx, u.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		f.clk.Advance(73 * time.Hour)
		if _, err := f.acc.SetPassword(ctx, late.Token, "another long pass", "another long pass"); !errors.Is(err, account.ErrBadLink) {
			t.Fatalf("expired link: %v", err)
		}
	})
}

func TestLoginLockout(t *testing.T) {
	t.Parallel()
	eachFixture(t, func(ctx context.Context, t *testing.T, f *fixture) {
		f.user(t, "ana@example.go.id", org.RoleAuthority, false)
		if _, err := f.acc.Login(ctx, "nobody@example.go.id", "a long enough pass", "10.0.0.1"); !errors.Is(err, account.ErrBadCredentials) {
			t.Fatalf("unknown address: %v", err)
		}
		for i := range 5 {
			if _, err := f.acc.Login(ctx, "ana@example.go.id", "wrong password!", "10.0.0.2"); !errors.Is(err, account.ErrBadCredentials) {
				t.Fatalf("failure %d: %v", i+1, err)
			}
		}
		// Locked now: even the right password is refused, without being checked.
		if _, err := f.acc.Login(ctx, "ana@example.go.id", "a long enough pass", "10.0.0.3"); !errors.Is(err, account.ErrLocked) {
			t.Fatalf("after 5 failures: %v, want ErrLocked", err)
		}
		f.clk.Advance(16 * time.Minute)
		if _, err := f.acc.Login(ctx, "ana@example.go.id", "a long enough pass", "10.0.0.3"); err != nil {
			t.Fatalf("after the lockout: %v", err)
		}
	})
}

func TestIPThrottle(t *testing.T) {
	t.Parallel()
	eachFixture(t, func(ctx context.Context, t *testing.T, f *fixture) {
		f.acc.MaxIPFailures = 3
		f.user(t, "ana@example.go.id", org.RoleAuthority, false)
		for range 3 {
			_, _ = f.acc.Login(ctx, "someone@example.go.id", "guess guess guess", "10.9.9.9")
		}
		if _, err := f.acc.Login(ctx, "ana@example.go.id", "a long enough pass", "10.9.9.9"); !errors.Is(err, account.ErrThrottled) {
			t.Fatalf("after 3 failures from one address: %v", err)
		}
		if _, err := f.acc.Login(ctx, "ana@example.go.id", "a long enough pass", "10.1.1.1"); err != nil {
			t.Fatalf("another address: %v", err)
		}
	})
}

func TestTOTPReplayRefused(t *testing.T) {
	t.Parallel()
	eachFixture(t, func(ctx context.Context, t *testing.T, f *fixture) {
		u, secret := f.user(t, "ana@example.go.id", org.RoleAuthority, true)
		code, _ := account.TOTPCode(secret, account.TOTPStep(f.clk.Now()))
		if err := f.acc.CheckTOTP(ctx, u.ID, code, "10.0.0.1"); err != nil {
			t.Fatalf("fresh code: %v", err)
		}
		if err := f.acc.CheckTOTP(ctx, u.ID, code, "10.0.0.1"); !errors.Is(err, account.ErrBadCode) {
			t.Fatalf("replayed code: %v, want ErrBadCode", err)
		}
		// The previous step's code is still inside the skew window, but older than the one used: refused.
		prev, _ := account.TOTPCode(secret, account.TOTPStep(f.clk.Now())-1)
		if err := f.acc.CheckTOTP(ctx, u.ID, prev, "10.0.0.1"); !errors.Is(err, account.ErrBadCode) {
			t.Fatalf("older code: %v, want ErrBadCode", err)
		}
		for _, bad := range []string{"000000", "12345", "abcdef", "", "1234567"} {
			if bad == code {
				continue
			}
			if err := f.acc.CheckTOTP(ctx, u.ID, bad, "10.0.0.5"); !errors.Is(err, account.ErrBadCode) && !errors.Is(err, account.ErrLocked) {
				t.Errorf("code %q: %v", bad, err)
			}
		}
		f.clk.Advance(30 * time.Second)
		next, _ := account.TOTPCode(secret, account.TOTPStep(f.clk.Now()))
		// Five wrong codes above locked the account: the right one waits for the lockout to pass.
		if err := f.acc.CheckTOTP(ctx, u.ID, next, "10.0.0.1"); !errors.Is(err, account.ErrLocked) {
			t.Fatalf("during lockout: %v", err)
		}
		f.clk.Advance(16 * time.Minute)
		next, _ = account.TOTPCode(secret, account.TOTPStep(f.clk.Now()))
		if err := f.acc.CheckTOTP(ctx, u.ID, next, "10.0.0.1"); err != nil {
			t.Fatalf("next code after the lockout: %v", err)
		}
	})
}

func TestSessionLifetime(t *testing.T) {
	t.Parallel()
	eachFixture(t, func(ctx context.Context, t *testing.T, f *fixture) {
		u, _ := f.user(t, "ana@example.go.id", org.RoleAuthority, false)
		tok, err := f.acc.NewSession(ctx, u.ID, account.StageFull, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, got, err := f.acc.Session(ctx, tok); err != nil || got.ID != u.ID {
			t.Fatalf("fresh session: %v", err)
		}
		f.clk.Advance(20 * time.Minute)
		if _, _, err := f.acc.Session(ctx, tok); err != nil {
			t.Fatalf("after 20 idle minutes: %v", err)
		}
		f.clk.Advance(29 * time.Minute) // activity 20 minutes in restarted the idle timer
		if _, _, err := f.acc.Session(ctx, tok); err != nil {
			t.Fatalf("29 minutes after the last use: %v", err)
		}
		f.clk.Advance(31 * time.Minute)
		if _, _, err := f.acc.Session(ctx, tok); !errors.Is(err, account.ErrSessionExpired) {
			t.Fatalf("after 31 idle minutes: %v, want ErrSessionExpired", err)
		}
		if _, _, err := f.acc.Session(ctx, tok); !errors.Is(err, account.ErrNoSession) {
			t.Fatalf("an expired session is deleted: %v", err)
		}
		// A stage change replaces the session: the old token is worth nothing.
		t1, _ := f.acc.NewSession(ctx, u.ID, account.StageTOTP, "")
		t2, _ := f.acc.NewSession(ctx, u.ID, account.StageFull, t1)
		if _, _, err := f.acc.Session(ctx, t1); !errors.Is(err, account.ErrNoSession) {
			t.Fatalf("old token after upgrade: %v", err)
		}
		if err := f.acc.EndSession(ctx, t2); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.acc.Session(ctx, t2); !errors.Is(err, account.ErrNoSession) {
			t.Fatalf("after sign-out: %v", err)
		}
	})
}

func TestStageAfterPassword(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		role org.Role
		totp bool
		want string
	}{
		{org.RoleAdmin, false, account.StageEnrol}, {org.RoleAuthority, false, account.StageEnrol}, {org.RoleReviewer, false, account.StageEnrol},
		{org.RoleFlagger, false, account.StageFull}, {org.RoleAuditor, false, account.StageFull}, {org.RoleFlagger, true, account.StageTOTP},
		{org.RoleAdmin, true, account.StageTOTP},
	} {
		if got := account.StageAfterPassword(org.User{Role: tc.role, TOTPEnabled: tc.totp}); got != tc.want {
			t.Errorf("%s totp=%v: %s, want %s", tc.role, tc.totp, got, tc.want)
		}
	}
}
