package web_test

import (
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

	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/sso"
)

// api calls the JSON API with the env's admin key.
func (e *env) api(method, path string, body any) (int, map[string]any) {
	e.t.Helper()
	return e.apiAs(e.adminKey, method, path, body)
}

// apiAs calls the JSON API with key.
func (e *env) apiAs(key, method, path string, body any) (int, map[string]any) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	req.Header.Set("Authorization", "Bearer "+key)
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer r.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(r.Body).Decode(&out)
	return r.StatusCode, out
}

// ssoThrough starts an identity provider for e and makes it e's single
// sign-on through PUT /v1/sso.
func (e *env) ssoThrough(t *testing.T) *idp {
	t.Helper()
	p := startIdP(t, e.srv.URL+"/login/oidc/callback")
	if st, out := e.api("PUT", "/v1/sso", ssoSettings(p)); st != http.StatusOK {
		t.Fatalf("PUT /v1/sso: %d %v", st, out)
	}
	return p
}

func ssoSettings(p *idp) map[string]any {
	return map[string]any{"issuer": p.issuer, "client_id": p.clientID, "client_secret": p.secret,
		"role_claim": "groups", "name": "Platform SSO", "scopes": []string{"email", "profile"},
		"role_map": map[string]string{"sigap-admins": "admin", "sigap-reviewers": "reviewer", "sigap-auditors": "auditor"}}
}

// browser follows redirects with a cookie jar, as a person's browser would.
func (e *env) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar}
}

// signInSSO goes through the whole code flow as sub, signing in at the
// provider's login form, and answers where it ended.
func (e *env) signInSSO(b *http.Client, p *idp, sub string) (int, string, string) {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.srv.URL+"/login/oidc", nil)
	req.Header.Set("Accept-Language", "id")
	r := e.fetch(b, req)
	if r.Request.URL.Path != "/login/username" {
		e.t.Fatalf("/login/oidc did not lead to the provider's login form: %d at %s", r.StatusCode, r.Request.URL)
	}
	form := url.Values{"id": {r.Request.URL.Query().Get("authRequestID")}, "username": {sub}, "password": {idpPassword}}
	req, _ = http.NewRequest("POST", p.issuer+"/login/username", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", "id")
	r = e.fetch(b, req)
	body, _ := io.ReadAll(r.Body)
	return r.StatusCode, r.Request.URL.Path, string(body)
}

// fetch does req, following redirects, and keeps the answer's body readable.
func (e *env) fetch(b *http.Client, req *http.Request) *http.Response {
	e.t.Helper()
	r, err := b.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	return r
}

func (e *env) ssoCounts() map[string]int {
	e.t.Helper()
	c := e.counts()
	s, err := e.db.SSOCounts(e.t.Context())
	if err != nil {
		e.t.Fatal(err)
	}
	maps.Copy(c, s)
	return c
}

func TestOIDCSettingsAPI(t *testing.T) {
	t.Parallel()
	eachEnvNow(t, func(t *testing.T, e *env) {
		op := startIdP(t, e.srv.URL+"/login/oidc/callback")
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
		// Only the platform's admins: not another org's admin, not a platform reviewer.
		for _, who := range []struct{ orgID, role string }{{e.authority, "admin"}, {e.platform, "reviewer"}} {
			st, out := e.api("POST", "/v1/orgs/"+who.orgID+"/keys", map[string]string{"role": who.role})
			key, _ := out["key"].(string)
			if st != http.StatusCreated || key == "" {
				t.Fatalf("make a %s key: %d %v", who.role, st, out)
			}
			for _, method := range []string{"PUT", "GET", "DELETE"} {
				if st, _ := e.apiAs(key, method, "/v1/sso", ssoSettings(op)); st != http.StatusForbidden {
					t.Errorf("%s /v1/sso with a %s key of %s: %d, want 403", method, who.role, who.orgID, st)
				}
			}
		}
		if c := e.ssoCounts(); c["sso_config"] != 0 {
			t.Fatalf("a refused setting was stored: %v", c)
		}
		st, out := e.api("PUT", "/v1/sso", ssoSettings(op))
		if st != http.StatusOK || out["client_secret_set"] != true || out["issuer"] != op.issuer {
			t.Fatalf("PUT /v1/sso: %d %v", st, out)
		}
		st, out = e.api("GET", "/v1/sso", nil)
		if st != http.StatusOK || strings.Contains(toJSON(out), op.secret) || out["client_secret_set"] != true {
			t.Fatalf("GET /v1/sso: %d %v (must not show the secret)", st, out)
		}
		stored, err := e.db.SSOConfig(t.Context())
		if err != nil || stored.SealedSecret == "" || strings.Contains(stored.SealedSecret, op.secret) {
			t.Fatalf("the client secret is not sealed in the database: %q, %v", stored.SealedSecret, err)
		}
		// Without client_secret the stored one stays.
		body := ssoSettings(op)
		delete(body, "client_secret")
		body["email_domain"] = "example.com"
		if st, out := e.api("PUT", "/v1/sso", body); st != http.StatusOK || out["client_secret_set"] != true {
			t.Fatalf("PUT without a secret: %d %v", st, out)
		}
		again, _ := e.db.SSOConfig(t.Context())
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
	eachEnvNow(t, func(t *testing.T, e *env) {
		p := e.ssoThrough(t)
		if r := e.client().get("/login"); !strings.Contains(r.body, html.EscapeString(i18n.T("id", "sso.sign_in_with", "Platform SSO"))) {
			t.Fatalf("the login page has no single sign-on button:\n%s", r.body)
		}
		official, _ := e.user(e.authority, "pejabat@kominfo.go.id", org.RoleAdmin, false)
		p.add("rina", "rina@platform.example", true, "staff", "sigap-reviewers")
		p.add("budi", "budi@platform.example", true, "marketing")
		p.add("eka", "eka@platform.example", false, "sigap-admins")
		p.add("pejabat", official.Email, true, "sigap-admins")
		p.add("sari", "sari@platform.example", true, "sigap-auditors")

		// Sign-ins share the provider's directory and settings, so they run in order.
		ids := map[string]string{} // subject -> user ID
		for _, tc := range []struct {
			name   string
			sub    string
			before func()
			after  func()
			status int
			msg    string // i18n key of the refusal; "" signs in
			role   org.Role
		}{
			{name: "first sign-in makes a reviewer", sub: "rina", status: http.StatusOK, role: org.RoleReviewer},
			{name: "the provider's groups decide the role", sub: "rina", status: http.StatusOK, role: org.RoleAdmin,
				before: func() { p.add("rina", "rina@platform.example", true, "sigap-reviewers", "sigap-admins") }},
			{name: "wrong issuer", sub: "rina", status: http.StatusUnauthorized, msg: "sso.refused.issuer",
				before: func() { p.wrongIssuer.Store(true) }, after: func() { p.wrongIssuer.Store(false) }},
			{name: "wrong audience", sub: "rina", status: http.StatusUnauthorized, msg: "sso.refused.audience",
				before: func() { a := "another-app"; p.store.aud.Store(&a) }, after: func() { p.store.aud.Store(nil) }},
			{name: "expired token", sub: "rina", status: http.StatusUnauthorized, msg: "sso.refused.expired",
				before: func() { p.store.lifetime.Store(int64(-time.Minute)) }, after: func() { p.store.lifetime.Store(int64(time.Hour)) }},
			{name: "e-mail and groups only at the userinfo endpoint", sub: "sari", status: http.StatusOK, role: org.RoleAuditor,
				before: func() { p.store.thin.Store(true) }, after: func() { p.store.thin.Store(false) }},
			{name: "unmapped role", sub: "budi", status: http.StatusForbidden, msg: "sso.refused.role"},
			{name: "unverified e-mail", sub: "eka", status: http.StatusForbidden, msg: "sso.refused.email"},
			{name: "another org's user", sub: "pejabat", status: http.StatusForbidden, msg: "sso.refused.not_platform"},
			{name: "disabled user", sub: "rina", status: http.StatusForbidden, msg: "sso.refused.disabled",
				before: func() {
					if _, err := e.s.Accounts.SetDisabled(t.Context(), "", ids["rina"], true); err != nil {
						t.Fatal(err)
					}
				}},
		} {
			if tc.before != nil {
				tc.before()
			}
			before := e.ssoCounts()
			b := e.browser()
			status, path, body := e.signInSSO(b, p, tc.sub)
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
			u, err := e.db.UserByEmail(t.Context(), tc.sub+"@platform.example")
			if err != nil {
				t.Fatal(err)
			}
			if u.OrgID != e.platform || u.Role != tc.role || u.PasswordHash != "" {
				t.Fatalf("%s: user %+v, want a %s of the platform without a password", tc.name, u, tc.role)
			}
			ids[tc.sub] = u.ID
		}
		_, audit := e.api("GET", "/v1/audit", nil)
		for _, action := range []string{"user.created", "user.role_changed"} {
			if !hasEntry(audit, sso.ActorSSO, action, ids["rina"]) {
				t.Errorf("the audit record lacks %s of %s by %s: %v", action, ids["rina"], sso.ActorSSO, audit)
			}
		}
	})
}

// TestOIDCCallbackNeedsItsBrowser refuses a callback whose state is not the
// one this browser was given, or was used already.
func TestOIDCCallbackNeedsItsBrowser(t *testing.T) {
	t.Parallel()
	eachEnvNow(t, func(t *testing.T, e *env) {
		p := e.ssoThrough(t)
		p.add("eka", "eka@platform.example", true, "sigap-admins")
		// Sign in at the provider but stop at its redirect back to sigap.
		jar, _ := cookiejar.New(nil)
		b := &http.Client{Jar: jar, CheckRedirect: func(r *http.Request, _ []*http.Request) error {
			if strings.HasPrefix(r.URL.String(), e.srv.URL+"/login/oidc/callback") {
				return http.ErrUseLastResponse
			}
			return nil
		}}
		start, _ := http.NewRequest("GET", e.srv.URL+"/login/oidc", nil)
		r := e.fetch(b, start)
		form := url.Values{"id": {r.Request.URL.Query().Get("authRequestID")}, "username": {"eka"}, "password": {idpPassword}}
		req, _ := http.NewRequest("POST", p.issuer+"/login/username", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r = e.fetch(b, req)
		back, err := url.Parse(r.Header.Get("Location"))
		if err != nil || back.Query().Get("code") == "" {
			t.Fatalf("the provider did not send the browser back with a code: %d %q", r.StatusCode, r.Header.Get("Location"))
		}
		before := e.ssoCounts()
		if got := e.client().get(back.RequestURI()); got.status != http.StatusBadRequest ||
			!strings.Contains(got.body, html.EscapeString(i18n.T("id", "sso.refused.state"))) {
			t.Errorf("another browser: %d, want 400 with the state message", got.status)
		}
		if after := e.ssoCounts(); !maps.Equal(before, after) {
			t.Fatalf("a refused callback changed the store: %v -> %v", before, after)
		}
		// The browser that started it signs in, once.
		again, _ := http.NewRequest("GET", back.String(), nil)
		if got := e.fetch(b, again); got.Request.URL.Path != "/dashboard" {
			t.Fatalf("the starting browser ended at %s (%d)", got.Request.URL.Path, got.StatusCode)
		}
		replay := e.client()
		// The callback is on the portal's host; the cookie names its own path.
		replay.hc.Jar.SetCookies(back, []*http.Cookie{{Name: "sigap_sso", Value: back.Query().Get("state"), Path: "/login/oidc"}})
		if got := replay.get(back.RequestURI()); got.status != http.StatusBadRequest {
			t.Fatalf("a replayed callback: %d, want 400", got.status)
		}
	})
}

// TestOIDCAdminPage configures single sign-on on the admin page, in both
// languages, and keeps other people out of it.
func TestOIDCAdminPage(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := signedIn(t, e, e.platform, "admin@platform.example", org.RoleAdmin)
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
		st, err := e.s.SSO.Settings(t.Context())
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
		if _, err := e.s.SSO.Settings(t.Context()); !errors.Is(err, sso.ErrNotConfigured) {
			t.Fatalf("after remove: %v", err)
		}
	})
}

// TestOIDCProviderUnreachable shows a clear page, not an error, when the
// provider cannot be reached, and starts no sign-in.
func TestOIDCProviderUnreachable(t *testing.T) {
	t.Parallel()
	eachEnvNow(t, func(t *testing.T, e *env) {
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
