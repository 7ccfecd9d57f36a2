package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"html"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"

	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/sso"
	"github.com/sigap/sigap/internal/store/storetest"
)

// person is someone at the identity provider. iss and aud, when set, make
// the provider sign a token under another issuer or for another client: a
// misconfigured or hostile provider as sigap would meet it.
type person struct {
	mockoidc.MockUser
	iss, aud   string
	unverified bool // says email_verified: false
}

func (p *person) Claims(scope []string, c *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	if p.iss != "" {
		c.Issuer = p.iss
	}
	if p.aud != "" {
		c.Audience = jwt.ClaimStrings{p.aud}
	}
	claims, err := p.MockUser.Claims(scope, c)
	if err != nil || !p.unverified {
		return claims, err
	}
	b, err := json.Marshal(claims)
	if err != nil {
		return nil, err
	}
	m := jwt.MapClaims{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	m["email_verified"] = false
	return m, nil
}

func staff(sub, email string, groups ...string) *person {
	return &person{MockUser: mockoidc.MockUser{Subject: sub, Email: email, EmailVerified: true, Groups: groups}}
}

// startProvider runs a real OpenID Connect provider (discovery, JWKS, the
// authorization endpoint, the token endpoint with PKCE) on loopback.
func startProvider(t *testing.T) *mockoidc.MockOIDC {
	t.Helper()
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(ln, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	return m
}

// api calls the JSON API with the env's admin key.
func (e *env) api(method, path string, body any) (int, map[string]any) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	req.Header.Set("Authorization", "Bearer "+e.adminKey)
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer r.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(r.Body).Decode(&out)
	return r.StatusCode, out
}

func ssoSettings(m *mockoidc.MockOIDC) map[string]any {
	return map[string]any{"issuer": m.Issuer(), "client_id": m.ClientID, "client_secret": m.ClientSecret,
		"role_claim": "groups", "name": "Platform SSO", "scopes": []string{"email", "profile", "groups"},
		"role_map": map[string]string{"sigap-admins": "admin", "sigap-reviewers": "reviewer", "sigap-auditors": "auditor"}}
}

// browser follows redirects with a cookie jar, as a person's browser would.
func (e *env) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar}
}

// signInSSO goes through the whole code flow and answers where it ended.
func (e *env) signInSSO(b *http.Client) (int, string, string) {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.srv.URL+"/login/oidc", nil)
	req.Header.Set("Accept-Language", "id")
	r, err := b.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer r.Body.Close()
	body, _ := io.ReadAll(r.Body)
	return r.StatusCode, r.Request.URL.Path, string(body)
}

func (e *env) ssoCounts() map[string]int {
	e.t.Helper()
	c := e.counts()
	s, err := e.db.SSOCounts(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	maps.Copy(c, s)
	return c
}

func TestOIDCSettingsAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, eng storetest.Engine) {
		e := newEnvAt(t, eng, time.Now().UTC())
		op := startProvider(t)
		if st, _ := e.api("GET", "/v1/sso", nil); st != http.StatusNotFound {
			t.Fatalf("GET /v1/sso before any setting: %d, want 404", st)
		}
		bad := []struct {
			name  string
			field string
			value any
			code  string
		}{
			{"plain http off loopback", "issuer", "http://login.example.com", "insecure"},
			{"no issuer", "issuer", "", "required"},
			{"a role no platform person holds", "role_map", map[string]string{"ministry": "authority"}, "unknown_value"},
			{"no mapping", "role_map", map[string]string{}, "invalid"},
			{"bad claim name", "role_claim", "a claim", "invalid"},
			{"bad domain", "email_domain", "not a domain", "invalid"},
		}
		for _, tc := range bad {
			body := ssoSettings(op)
			body[tc.field] = tc.value
			st, out := e.api("PUT", "/v1/sso", body)
			if st != http.StatusUnprocessableEntity || !strings.Contains(toJSON(out), `"code":"`+tc.code+`"`) {
				t.Errorf("%s: %d %v, want 422 with code %s", tc.name, st, out, tc.code)
			}
		}
		if c := e.ssoCounts(); c["sso_config"] != 0 {
			t.Fatalf("a refused setting was stored: %v", c)
		}
		st, out := e.api("PUT", "/v1/sso", ssoSettings(op))
		if st != http.StatusOK || out["client_secret_set"] != true || out["issuer"] != op.Issuer() {
			t.Fatalf("PUT /v1/sso: %d %v", st, out)
		}
		st, out = e.api("GET", "/v1/sso", nil)
		if st != http.StatusOK || strings.Contains(toJSON(out), op.ClientSecret) || out["client_secret_set"] != true {
			t.Fatalf("GET /v1/sso: %d %v (must not show the secret)", st, out)
		}
		stored, err := e.db.SSOConfig(context.Background())
		if err != nil || stored.SealedSecret == "" || strings.Contains(stored.SealedSecret, op.ClientSecret) {
			t.Fatalf("the client secret is not sealed in the database: %q, %v", stored.SealedSecret, err)
		}
		// Without client_secret the stored one stays.
		body := ssoSettings(op)
		delete(body, "client_secret")
		body["email_domain"] = "example.com"
		if st, out := e.api("PUT", "/v1/sso", body); st != http.StatusOK || out["client_secret_set"] != true {
			t.Fatalf("PUT without a secret: %d %v", st, out)
		}
		again, _ := e.db.SSOConfig(context.Background())
		if again.SealedSecret != stored.SealedSecret {
			t.Fatal("a PUT without client_secret changed the stored secret")
		}
		_, audit := e.api("GET", "/v1/audit", nil)
		if n := strings.Count(toJSON(audit), `"action":"`+sso.ActionConfigured+`"`); n != 2 {
			t.Fatalf("audit record has %d %s entries, want 2: %v", n, sso.ActionConfigured, audit)
		}
		if st, _ := e.api("DELETE", "/v1/sso", nil); st != http.StatusNoContent {
			t.Fatalf("DELETE /v1/sso: %d", st)
		}
		if st, _ := e.api("DELETE", "/v1/sso", nil); st != http.StatusNotFound {
			t.Fatalf("DELETE /v1/sso when off: %d, want 404", st)
		}
	})
}

// hasEntry reports whether a GET /v1/audit answer holds an entry.
func hasEntry(audit map[string]any, actor, action, object string) bool {
	items, _ := audit["items"].([]any)
	for _, it := range items {
		m, _ := it.(map[string]any)
		if m["actor"] == actor && m["action"] == action && m["object"] == object {
			return true
		}
	}
	return false
}

func toJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

// TestOIDCSignIn signs people in through a real provider on loopback and
// tries what must be refused: each refusal changes nothing.
func TestOIDCSignIn(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, eng storetest.Engine) {
		e := newEnvAt(t, eng, time.Now().UTC())
		op := startProvider(t)
		if st, out := e.api("PUT", "/v1/sso", ssoSettings(op)); st != http.StatusOK {
			t.Fatalf("PUT /v1/sso: %d %v", st, out)
		}
		if r := e.client().get("/login"); !strings.Contains(r.body, html.EscapeString(i18n.T("id", "sso.sign_in_with", "Platform SSO"))) {
			t.Fatalf("the login page has no single sign-on button:\n%s", r.body)
		}
		official, _ := e.user(e.authority, "pejabat@kominfo.go.id", org.RoleAdmin, false)

		// Sign-ins share the provider's user queue and clock, so they run in order.
		var first string
		for _, tc := range []struct {
			name   string
			who    *person
			before func()
			after  func()
			status int
			msg    string // i18n key of the refusal; "" signs in
			role   org.Role
		}{
			{name: "first sign-in makes a reviewer", who: staff("sub-1", "rina@platform.example", "staff", "sigap-reviewers"),
				status: http.StatusOK, role: org.RoleReviewer},
			{name: "the provider's groups decide the role", who: staff("sub-1", "rina@platform.example", "sigap-reviewers", "sigap-admins"),
				status: http.StatusOK, role: org.RoleAdmin},
			{name: "wrong issuer", who: &person{MockUser: staff("sub-1", "rina@platform.example", "sigap-admins").MockUser, iss: "https://evil.example"},
				status: http.StatusUnauthorized, msg: "sso.refused.issuer"},
			{name: "wrong audience", who: &person{MockUser: staff("sub-1", "rina@platform.example", "sigap-admins").MockUser, aud: "another-app"},
				status: http.StatusUnauthorized, msg: "sso.refused.audience"},
			{name: "expired token", who: staff("sub-1", "rina@platform.example", "sigap-admins"),
				before: func() { op.FastForward(-time.Hour) }, after: func() { op.FastForward(time.Hour) },
				status: http.StatusUnauthorized, msg: "sso.refused.expired"},
			{name: "unmapped role", who: staff("sub-2", "budi@platform.example", "marketing"),
				status: http.StatusForbidden, msg: "sso.refused.role"},
			{name: "unverified e-mail", who: &person{MockUser: staff("sub-3", "x@platform.example", "sigap-admins").MockUser, unverified: true},
				status: http.StatusForbidden, msg: "sso.refused.email"},
			{name: "another org's user", who: staff("sub-4", official.Email, "sigap-admins"),
				status: http.StatusForbidden, msg: "sso.refused.not_platform"},
			{name: "disabled user", who: staff("sub-1", "rina@platform.example", "sigap-admins"),
				before: func() {
					if _, err := e.s.Accounts.SetDisabled(context.Background(), "", first, true); err != nil {
						t.Fatal(err)
					}
				},
				status: http.StatusForbidden, msg: "sso.refused.disabled"},
		} {
			if tc.before != nil {
				tc.before()
			}
			before := e.ssoCounts()
			op.QueueUser(tc.who)
			b := e.browser()
			status, path, body := e.signInSSO(b)
			if tc.after != nil {
				tc.after()
			}
			if status != tc.status {
				t.Fatalf("%s: %d at %s, want %d:\n%s", tc.name, status, path, tc.status, body)
			}
			if tc.msg != "" {
				if !strings.Contains(body, html.EscapeString(i18n.T("id", tc.msg))) {
					t.Errorf("%s: the page does not say %q:\n%s", tc.name, tc.msg, body)
				}
				if after := e.ssoCounts(); !maps.Equal(before, after) {
					t.Errorf("%s: a refused sign-in changed the store: %v -> %v", tc.name, before, after)
				}
				if r, _ := b.Get(e.srv.URL + "/dashboard"); r != nil {
					r.Body.Close()
					if r.Request.URL.Path != "/login" {
						t.Errorf("%s: a refused sign-in reached %s", tc.name, r.Request.URL.Path)
					}
				}
				continue
			}
			if path != "/dashboard" {
				t.Fatalf("%s: ended at %s, want /dashboard", tc.name, path)
			}
			u, err := e.db.UserByEmail(context.Background(), tc.who.Email)
			if err != nil {
				t.Fatal(err)
			}
			if u.OrgID != e.platform || u.Role != tc.role || u.PasswordHash != "" {
				t.Fatalf("%s: user %+v, want a %s of the platform without a password", tc.name, u, tc.role)
			}
			first = u.ID
		}
		_, audit := e.api("GET", "/v1/audit", nil)
		for _, action := range []string{"user.created", "user.role_changed"} {
			if !hasEntry(audit, sso.ActorSSO, action, first) {
				t.Errorf("the audit record lacks %s of %s by %s: %v", action, first, sso.ActorSSO, audit)
			}
		}
	})
}

// TestOIDCCallbackNeedsItsBrowser refuses a callback whose state is not the
// one this browser was given, or was used already.
func TestOIDCCallbackNeedsItsBrowser(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, eng storetest.Engine) {
		e := newEnvAt(t, eng, time.Now().UTC())
		op := startProvider(t)
		if st, out := e.api("PUT", "/v1/sso", ssoSettings(op)); st != http.StatusOK {
			t.Fatalf("PUT /v1/sso: %d %v", st, out)
		}
		// Start a sign-in but stop at the provider's redirect back.
		c := e.client()
		start := c.get("/login/oidc")
		if start.status != http.StatusSeeOther {
			t.Fatalf("/login/oidc: %d", start.status)
		}
		op.QueueUser(staff("sub-9", "eka@platform.example", "sigap-admins"))
		r, err := c.hc.Get(start.location())
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		back, _ := url.Parse(r.Header.Get("Location"))
		before := e.ssoCounts()
		for _, tc := range []struct {
			name   string
			client *client
		}{
			{"another browser", e.client()},
		} {
			got := tc.client.get(back.RequestURI())
			if got.status != http.StatusBadRequest || !strings.Contains(got.body, html.EscapeString(i18n.T("id", "sso.refused.state"))) {
				t.Errorf("%s: %d, want 400 with the state message", tc.name, got.status)
			}
		}
		if after := e.ssoCounts(); !maps.Equal(before, after) {
			t.Fatalf("a refused callback changed the store: %v -> %v", before, after)
		}
		// The browser that started it signs in, once.
		if got := c.get(back.RequestURI()); got.status != http.StatusSeeOther || got.location() != "/dashboard" {
			t.Fatalf("the starting browser: %d %s", got.status, got.location())
		}
		replay := e.client()
		replay.hc.Jar.SetCookies(mustURL(t, e.srv.URL+"/login/oidc"), []*http.Cookie{{Name: "sigap_sso", Value: back.Query().Get("state"), Path: "/login/oidc"}})
		if got := replay.get(back.RequestURI()); got.status != http.StatusBadRequest {
			t.Fatalf("a replayed callback: %d, want 400", got.status)
		}
	})
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestOIDCAdminPage configures single sign-on on the admin page, in both
// languages, and keeps other people out of it.
func TestOIDCAdminPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, eng storetest.Engine) {
		e := newEnv(t, eng)
		_, secret := e.user(e.platform, "admin@platform.example", org.RoleAdmin, true)
		c := e.client()
		c.signIn("admin@platform.example", secret)
		for _, lang := range i18n.Langs {
			c.lang = lang
			r := c.get("/admin/sso")
			if r.status != http.StatusOK {
				t.Fatalf("%s: /admin/sso %d", lang, r.status)
			}
			mustContain(t, r.body, html.EscapeString(i18n.T(lang, "sso.admin.title")), html.EscapeString(i18n.T(lang, "sso.admin.off")),
				e.srv.URL+"/login/oidc/callback")
		}
		c.lang = "id"
		form := url.Values{"issuer": {"https://login.example.com"}, "client_id": {"sigap"}, "client_secret": {"s3cret-value"},
			"role_claim": {"groups"}, "role_map": {"sigap-admins = admin\nsigap-auditors=auditor\n"}, "scopes": {"email groups"}}
		bad := url.Values{}
		maps.Copy(bad, form)
		bad.Set("role_map", "sigap-admins = authority")
		before := e.ssoCounts()
		if r := c.post("/admin/sso", bad); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, html.EscapeString(i18n.T("id", "field.role_map"))) {
			t.Fatalf("a role no platform person holds: %d", r.status)
		}
		if after := e.ssoCounts(); !maps.Equal(before, after) {
			t.Fatalf("a refused form changed the store: %v -> %v", before, after)
		}
		if r := c.post("/admin/sso", form); r.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.status, r.body)
		}
		st, err := e.s.SSO.Settings(context.Background())
		if err != nil || st.Issuer != "https://login.example.com" || st.RoleMap["sigap-auditors"] != org.RoleAuditor ||
			len(st.Scopes) != 2 || !st.SecretSet {
			t.Fatalf("stored: %+v, %v", st, err)
		}
		r := c.get("/admin/sso")
		mustContain(t, r.body, html.EscapeString(i18n.T("id", "sso.admin.on")), "sigap-admins = admin")
		if strings.Contains(r.body, "s3cret-value") {
			t.Fatal("the admin page shows the client secret")
		}
		// A reviewer of the platform and another org's admin do not reach it.
		_, rsecret := e.user(e.platform, "reviewer@platform.example", org.RoleReviewer, true)
		_, asecret := e.user(e.authority, "admin@kominfo.go.id", org.RoleAdmin, true)
		for _, who := range []struct {
			email, secret string
			status        int
		}{{"reviewer@platform.example", rsecret, http.StatusForbidden}, {"admin@kominfo.go.id", asecret, http.StatusNotFound}} {
			o := e.client()
			o.signIn(who.email, who.secret)
			if r := o.post("/admin/sso/remove", url.Values{}); r.status != who.status {
				t.Errorf("%s removing single sign-on: %d, want %d", who.email, r.status, who.status)
			}
		}
		if r := c.post("/admin/sso/remove", url.Values{}); r.status != http.StatusSeeOther {
			t.Fatalf("remove: %d", r.status)
		}
		if _, err := e.s.SSO.Settings(context.Background()); !errors.Is(err, sso.ErrNotConfigured) {
			t.Fatalf("after remove: %v", err)
		}
	})
}

// TestOIDCProviderUnreachable shows a clear page, not an error, when the
// provider cannot be reached, and starts no sign-in.
func TestOIDCProviderUnreachable(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, eng storetest.Engine) {
		e := newEnvAt(t, eng, time.Now().UTC())
		// A loopback port nobody listens on any more.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		closed := "http://" + ln.Addr().String()
		ln.Close()
		body := map[string]any{"issuer": closed, "client_id": "sigap", "client_secret": "x", "role_claim": "groups",
			"role_map": map[string]string{"sigap-admins": "admin"}}
		if st, out := e.api("PUT", "/v1/sso", body); st != http.StatusOK {
			t.Fatalf("PUT /v1/sso: %d %v", st, out)
		}
		before := e.ssoCounts()
		r := e.client().get("/login/oidc")
		if r.status != http.StatusBadGateway || !strings.Contains(r.body, html.EscapeString(i18n.T("id", "sso.refused.unreachable"))) {
			t.Fatalf("/login/oidc with the provider down: %d\n%s", r.status, r.body)
		}
		if after := e.ssoCounts(); !maps.Equal(before, after) {
			t.Fatalf("a sign-in that could not start changed the store: %v -> %v", before, after)
		}
	})
}
