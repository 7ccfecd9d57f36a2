package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/account"
	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/org"
)

// postJSON sends what the passkey script sends, addressed to host (the
// server's own address when empty).
func (c *client) postJSON(path, host, body string) resp {
	c.e.t.Helper()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if host != "" {
		// The jar files cookies under the request's Host: carry the server's own by hand.
		req.Host = host
		for _, ck := range c.hc.Jar.Cookies(req.URL) {
			req.AddCookie(ck)
		}
	}
	return c.do(req)
}

func TestPasskeyPolicyInPortal(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		_, adminSecret := e.user(e.platform, "admin@platform.example", org.RoleAdmin, true)
		_, authAdminSecret := e.user(e.authority, "admin@kominfo.example", org.RoleAdmin, true)
		_, anaSecret := e.user(e.authority, "ana@kominfo.example", org.RoleAuthority, true)

		// Only the platform's admins set an org's policy; the page shows it.
		own := e.client()
		own.signIn("admin@kominfo.example", authAdminSecret)
		if r := own.post("/admin/orgs/"+e.authority+"/auth-policy", url.Values{"second_factor": {"passkey_for_everyone"}}); r.status != http.StatusForbidden {
			t.Errorf("an authority's admin set the policy: %d", r.status)
		}
		if r := own.get("/admin/orgs/" + e.authority); strings.Contains(r.body, `id="second-factor"`) {
			t.Error("an authority's admin sees the policy form")
		}
		admin := e.client()
		admin.signIn("admin@platform.example", adminSecret)
		if r := admin.post("/admin/orgs/"+e.authority+"/auth-policy", url.Values{"second_factor": {"sometimes"}}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("unknown policy: %d", r.status)
		}
		if p, _ := e.s.Accounts.SecondFactorPolicy(ctx, e.authority); p != account.PolicyTOTPOrPasskey {
			t.Fatalf("refused changes left policy %q", p)
		}
		r := admin.post("/admin/orgs/"+e.authority+"/auth-policy", url.Values{"second_factor": {"passkey_for_admins"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("set policy: %d %s", r.status, r.body)
		}
		page := admin.get("/admin/orgs/" + e.authority).body
		mustContain(t, page, `<option value="passkey_for_admins" selected>`, i18n.T(i18n.ID, "passkey.policy.passkey_for_admins"))

		// passkey_for_admins: an authority still signs in with a code and may pick a passkey instead.
		ana := e.client()
		ana.signIn("ana@kominfo.example", anaSecret)
		ana.post("/logout", nil)
		// The org's admin has TOTP and no passkey: the code first (a password
		// alone does not bind a new passkey), then enrolment, and nothing else opens.
		c := e.client()
		r = c.post("/login", url.Values{"email": {"admin@kominfo.example"}, "password": {password}})
		if r.status != http.StatusSeeOther || r.location() != "/login/totp" {
			t.Fatalf("admin under passkey_for_admins went to %d %q", r.status, r.location())
		}
		if r := c.get("/account/passkeys"); r.status != http.StatusSeeOther || r.location() != "/login/totp" {
			t.Errorf("passkey enrolment before the code: %d %q", r.status, r.location())
		}
		if r := c.postJSON("/account/passkeys/begin", "localhost:8080", "{}"); r.status != http.StatusConflict {
			t.Errorf("registration begun before the code: %d %s", r.status, r.body)
		}
		e.clk.Advance(30 * time.Second) // the code the earlier sign-in used is spent
		r = c.post("/login/totp", url.Values{"code": {e.code(authAdminSecret)}})
		if r.status != http.StatusSeeOther || r.location() != "/account/passkeys" {
			t.Fatalf("after the code: %d %q", r.status, r.location())
		}
		e.clk.Advance(30 * time.Second)
		for _, path := range []string{"/dashboard", "/account/totp", "/login/totp", "/login/passkey", "/admin"} {
			if r := c.get(path); r.status != http.StatusSeeOther || r.location() != "/account/passkeys" {
				t.Errorf("GET %s before enrolling: %d %q", path, r.status, r.location())
			}
		}
		if r := c.post("/login/totp", url.Values{"code": {e.code(authAdminSecret)}}); r.status != http.StatusSeeOther || r.location() != "/account/passkeys" {
			t.Errorf("a TOTP code where a passkey is required: %d %q", r.status, r.location())
		}
		r = c.get("/account/passkeys")
		mustContain(t, r.body, i18n.T(i18n.ID, "passkey.enrol_intro"), `<script src="/static/passkeys.js" defer></script>`,
			i18n.T(i18n.ID, "passkey.unsupported")) // the test server is 127.0.0.1, not a valid RP ID
		if strings.Contains(r.body, `href="/account/totp"`) {
			t.Error("the passkey enrolment the policy demands offers TOTP instead")
		}
		if csp := r.h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self';") || !strings.Contains(csp, "connect-src 'self';") || strings.Contains(csp, "unsafe") {
			t.Errorf("CSP %q", csp)
		}
		if strings.Contains(r.body, "<script>") {
			t.Error("an inline script on the passkeys page")
		}
		// The script's first step: an RP bound to localhost, the challenge kept in the database.
		r = c.postJSON("/account/passkeys/begin", "localhost:8080", "{}")
		var opts struct {
			PublicKey struct {
				Challenge string              `json:"challenge"`
				RP        struct{ ID string } `json:"rp"`
			} `json:"publicKey"`
		}
		if err := json.Unmarshal([]byte(r.body), &opts); r.status != 200 || err != nil || opts.PublicKey.Challenge == "" || opts.PublicKey.RP.ID != "localhost" {
			t.Fatalf("begin registration: %d %s", r.status, r.body)
		}
		if n, err := e.db.CountCeremonies(ctx); err != nil || n != 1 {
			t.Errorf("%d ceremonies stored, want 1", n)
		}
		if r := c.postJSON("/account/passkeys/begin", "", "{}"); r.status != http.StatusServiceUnavailable {
			t.Errorf("begin at 127.0.0.1: %d %s", r.status, r.body)
		}
		// A made-up answer is refused and stores nothing.
		r = c.postJSON("/account/passkeys/finish", "localhost:8080", `{"name":"x","credential":{"id":"AAAA","type":"public-key"}}`)
		if r.status != http.StatusUnauthorized || !strings.Contains(r.body, i18n.T(i18n.ID, "passkey.bad")) {
			t.Errorf("made-up registration: %d %s", r.status, r.body)
		}
		if me, _ := e.db.UserByEmail(ctx, "admin@kominfo.example"); true {
			if keys, err := e.db.Passkeys(ctx, me.ID); err != nil || len(keys) != 0 {
				t.Errorf("a refused registration stored a passkey: %v, %v", keys, err)
			}
		}
		// The script's calls without a session answer JSON, not a redirect.
		anon := e.client()
		for _, path := range []string{"/account/passkeys/begin", "/login/passkey/begin", "/login/passkey/finish"} {
			r := anon.postJSON(path, "localhost:8080", "{}")
			if r.status != http.StatusUnauthorized || !strings.Contains(r.body, `"next":"/login"`) {
				t.Errorf("%s without a session: %d %s", path, r.status, r.body)
			}
		}
		// Removing needs a full session.
		if r := c.post("/account/passkeys/x/remove", nil); r.status != http.StatusSeeOther || r.location() != "/account/passkeys" {
			t.Errorf("remove before enrolling: %d %q", r.status, r.location())
		}
		if r := e.client().get("/static/passkeys.js"); r.status != 200 || !strings.Contains(r.h.Get("Content-Type"), "javascript") {
			t.Errorf("script: %d %s", r.status, r.h.Get("Content-Type"))
		}
	})
}
