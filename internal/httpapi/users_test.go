package httpapi_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/account"
	"github.com/sigap/sigap/internal/store/storetest"
)

func TestUserLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, eng storetest.Engine) {
		ctx := t.Context()
		e, clk := newClockEnv(t, eng)
		a := e.org(t, "Kominfo", "authority")
		b := e.org(t, "Polri", "authority")
		aAdmin, bAdmin := e.key(t, a, "admin"), e.key(t, b, "admin")
		r := e.json(t, "POST", "/v1/orgs/"+a+"/users", aAdmin, map[string]string{"email": "auditor@kominfo.example", "role": "auditor"})
		var u struct {
			ID             string `json:"id"`
			SetPasswordURL string `json:"set_password_url"`
		}
		r.decode(t, &u)
		if r.Status != 201 {
			t.Fatalf("create user: %d %s", r.Status, r.Body)
		}
		link, _ := url.Parse(u.SetPasswordURL)
		const pw = "a long enough passphrase"
		acc := e.srv.Accounts
		if _, err := acc.SetPassword(ctx, strings.TrimPrefix(link.Path, "/set-password/"), pw, pw); err != nil {
			t.Fatal(err)
		}
		signIn := func() (string, error) {
			t.Helper()
			got, err := acc.Login(ctx, "auditor@kominfo.example", pw, "192.0.2.7")
			if err != nil {
				return "", err
			}
			return acc.NewSession(ctx, got.ID, account.StageAfterPassword(got), "")
		}
		token, err := signIn()
		if err != nil {
			t.Fatalf("sign-in: %v", err)
		}

		// Disabled: the session ends at once; sign-in gets the wrong-password answer.
		path := "/v1/orgs/" + a + "/users/" + u.ID
		var v struct {
			Disabled   bool       `json:"disabled"`
			DisabledAt *time.Time `json:"disabled_at"`
			Role       string     `json:"role"`
		}
		r = e.do(t, "POST", path+"/disable", aAdmin, nil)
		r.decode(t, &v)
		if r.Status != 200 || !v.Disabled || v.DisabledAt == nil || !v.DisabledAt.Equal(clk.Now()) {
			t.Fatalf("disable: %d %s", r.Status, r.Body)
		}
		if _, _, err := acc.Session(ctx, token); !errors.Is(err, account.ErrNoSession) && !errors.Is(err, account.ErrDisabled) {
			t.Errorf("a disabled user's session: %v, want it gone", err)
		}
		if _, err := signIn(); !errors.Is(err, account.ErrBadCredentials) {
			t.Errorf("a disabled user's sign-in: %v, want ErrBadCredentials", err)
		}
		r = e.do(t, "POST", path+"/enable", aAdmin, nil)
		v.DisabledAt = nil
		r.decode(t, &v)
		if r.Status != 200 || v.Disabled || v.DisabledAt != nil {
			t.Fatalf("enable: %d %s", r.Status, r.Body)
		}
		if token, err = signIn(); err != nil {
			t.Fatalf("enabled again: %v", err)
		}

		// Role change: fitting roles only.
		r = e.json(t, "PATCH", path, aAdmin, map[string]string{"role": "authority"})
		r.decode(t, &v)
		if r.Status != 200 || v.Role != "authority" {
			t.Errorf("role change: %d %s", r.Status, r.Body)
		}
		for role, code := range map[string]string{"reviewer": "role_mismatch", "king": "unknown_value", "": "unknown_value"} {
			if r := e.json(t, "PATCH", path, aAdmin, map[string]string{"role": role}); r.Status != 422 || !r.problem(t).hasError("role", code) {
				t.Errorf("role %q: %d %s, want 422 %s", role, r.Status, r.Body, code)
			}
		}
		if got, _ := e.srv.DB.User(ctx, u.ID); got.Role != "authority" {
			t.Errorf("refused role changes left role %s", got.Role)
		}

		// Password reset: the old password stops at once, before the link is used.
		r = e.json(t, "POST", path+"/reset", aAdmin, map[string]bool{"totp": true})
		var reset struct {
			URL string `json:"set_password_url"`
		}
		r.decode(t, &reset)
		if r.Status != 200 || !strings.Contains(reset.URL, "/set-password/") {
			t.Fatalf("reset: %d %s", r.Status, r.Body)
		}
		if _, err := signIn(); !errors.Is(err, account.ErrBadCredentials) {
			t.Errorf("the old password after a reset: %v, want ErrBadCredentials", err)
		}
		if _, _, err := acc.Session(ctx, token); err == nil {
			t.Error("a session outlived the password reset")
		}

		// Another org's admin reaches none of it; an unknown user is not found.
		for _, tc := range []struct{ method, path string }{
			{"POST", path + "/disable"}, {"POST", path + "/enable"}, {"POST", path + "/reset"}, {"POST", path + "/totp/reset"},
			{"POST", "/v1/orgs/" + b + "/users/" + u.ID + "/disable"}, {"POST", "/v1/orgs/" + a + "/users/usr_nosuch/disable"},
		} {
			holder := bAdmin
			if strings.Contains(tc.path, "usr_nosuch") {
				holder = aAdmin
			}
			if r := e.do(t, tc.method, tc.path, holder, nil); r.Status != 404 {
				t.Errorf("%s %s: %d %s, want 404", tc.method, tc.path, r.Status, r.Body)
			}
		}
		if r := e.json(t, "PATCH", path, bAdmin, map[string]string{"role": "auditor"}); r.Status != 404 {
			t.Errorf("another org's admin changing a role: %d", r.Status)
		}
		if got, _ := e.srv.DB.User(ctx, u.ID); got.Disabled || got.Role != "authority" {
			t.Errorf("refused requests changed the user: %+v", got)
		}
		// Only admins.
		if r := e.do(t, "POST", path+"/disable", e.key(t, a, "auditor"), nil); r.Status != 403 {
			t.Errorf("an auditor disabling a user: %d", r.Status)
		}
	})
}
