package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/org"
)

// apiStatus calls the API with a bearer key and returns the status and body.
func (e *env) apiStatus(method, path, key string) (int, string) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	r := e.client().do(req)
	return r.status, r.body
}

// wrongPassword is the answer to a sign-in with a wrong password, the one a
// disabled or reset account must get too.
const wrongPassword = "Alamat surel atau kata sandi salah"

func TestUserDisabledMidSession(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		admin := signedIn(t, e, e.platform, "admin@platform.example", org.RoleAdmin)
		u, c := signedInByPassword(t, e, e.authority, "auditor@kominfo.go.id", org.RoleAuditor)
		if r := c.get("/dashboard"); r.status != http.StatusOK {
			t.Fatalf("signed in: %d %q", r.status, r.location())
		}

		if r := admin.post("/admin/users/"+u.ID+"/disable", nil); r.status != http.StatusSeeOther {
			t.Fatalf("disable: %d %s", r.status, r.body)
		}
		// The session stops at once: no clock moves between the two requests.
		if r := c.get("/dashboard"); r.status != http.StatusSeeOther || r.location() != "/login" {
			t.Errorf("a disabled user's session: %d %q, want a redirect to /login", r.status, r.location())
		}
		// Sign-in is refused with the wrong-password answer, not a tell-tale one.
		for _, pw := range []string{password, "not the password"} {
			r := e.client().post("/login", url.Values{"email": {"auditor@kominfo.go.id"}, "password": {pw}})
			if r.status != http.StatusUnauthorized || !strings.Contains(r.body, wrongPassword) {
				t.Errorf("a disabled user's sign-in with %q: %d", pw, r.status)
			}
		}
		page := admin.get("/admin/orgs/" + e.authority).body
		mustContain(t, page, "dinonaktifkan sejak", "/admin/users/"+u.ID+"/enable")

		if r := admin.post("/admin/users/"+u.ID+"/enable", nil); r.status != http.StatusSeeOther {
			t.Fatalf("enable: %d %s", r.status, r.body)
		}
		c.signInAgain()
		if r := c.get("/dashboard"); r.status != http.StatusOK {
			t.Errorf("enabled again, signed in: %d %q", r.status, r.location())
		}

		// An admin cannot lock themselves out by a click.
		me, _ := e.db.UserByEmail(t.Context(), "admin@platform.example")
		if r := admin.post("/admin/users/"+me.ID+"/disable", nil); r.status != http.StatusUnprocessableEntity {
			t.Errorf("disabling oneself: %d", r.status)
		}
		// Another org's admin cannot reach this org's people.
		oc := signedIn(t, e, e.authority, "admin@kominfo.go.id", org.RoleAdmin)
		if r := oc.post("/admin/users/"+me.ID+"/disable", nil); r.status != http.StatusNotFound {
			t.Errorf("disabling the platform's admin from an authority: %d", r.status)
		}
		if got, _ := e.db.User(t.Context(), me.ID); got.Disabled {
			t.Error("a refused disable disabled the user")
		}
	})
}

func TestResetPasswordStopsTheOldOne(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		admin := signedIn(t, e, e.platform, "admin@platform.example", org.RoleAdmin)
		u, c := signedInByPassword(t, e, e.authority, "auditor@kominfo.go.id", org.RoleAuditor)

		r := admin.post("/admin/users/"+u.ID+"/reset", url.Values{})
		if r.status != http.StatusOK {
			t.Fatalf("reset: %d", r.status)
		}
		link := found(t, r.body, `/set-password/([A-Za-z0-9_-]+)<`, "reset: no link shown")
		if r := c.get("/dashboard"); r.status != http.StatusSeeOther {
			t.Errorf("the session outlived the reset: %d", r.status)
		}
		// Before the link is used, the old password no longer signs in.
		r = e.client().post("/login", url.Values{"email": {"auditor@kominfo.go.id"}, "password": {password}})
		if r.status != http.StatusUnauthorized || !strings.Contains(r.body, wrongPassword) {
			t.Errorf("the old password after a reset: %d, want the wrong-password answer", r.status)
		}
		// The link sets a new one, which signs in.
		const fresh = "a brand new passphrase"
		if _, err := e.acc.SetPassword(t.Context(), link, fresh, fresh); err != nil {
			t.Fatal(err)
		}
		r = e.client().post("/login", url.Values{"email": {"auditor@kominfo.go.id"}, "password": {fresh}})
		if r.status != http.StatusSeeOther {
			t.Errorf("the new password: %d", r.status)
		}
	})
}

func TestAdminKeysAndAuditPage(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		admin := signedIn(t, e, e.platform, "admin@platform.example", org.RoleAdmin)
		until := e.clk.Now().Add(48 * time.Hour)
		k, err := e.s.Admin.CreateKeyUntil(ctx, e.authority, org.RoleAuthority, until)
		if err != nil {
			t.Fatal(err)
		}
		if st, body := e.apiStatus("GET", "/v1/notices", k.Secret); st != http.StatusOK {
			t.Fatalf("the key: %d %s", st, body)
		}

		page := admin.get("/admin/orgs/" + e.authority).body
		// Expiry and last use in WIB beside UTC: the clock stands at 03:00 UTC, 10:00 WIB.
		mustContain(t, page, k.ID, "2026-11-29 10:00 WIB", "(2026-11-29 03:00 UTC)", "2026-11-27 10:00 WIB", "(2026-11-27 03:00 UTC)",
			`action="/admin/orgs/`+e.authority+`/keys/`+k.ID+`/revoke"`)
		if strings.Contains(page, k.Secret) {
			t.Error("the org page shows a key's secret")
		}
		r := admin.post("/admin/orgs/"+e.authority+"/keys/"+k.ID+"/revoke", nil)
		if r.status != http.StatusSeeOther {
			t.Fatalf("revoke: %d %s", r.status, r.body)
		}
		if st, body := e.apiStatus("GET", "/v1/notices", k.Secret); st != http.StatusUnauthorized || !strings.Contains(body, `"key_revoked"`) {
			t.Errorf("a key revoked in the portal: %d %s", st, body)
		}
		if strings.Contains(admin.get("/admin/orgs/"+e.authority).body, `/keys/`+k.ID+`/revoke"`) {
			t.Error("a revoked key still has a revoke button")
		}
		// A revoke from another site is refused by the cross-origin check.
		refusesForged(t, admin, "/admin/orgs/"+e.authority+"/keys/"+k.ID+"/revoke", nil)

		// The audit page: both languages, WIB beside UTC, newest first.
		a := admin.get("/audit")
		mustContain(t, a.body, "Catatan audit", "kunci API dicabut", k.ID, "10:00 WIB", "03:00 UTC")
		if strings.Index(a.body, "kunci API dicabut") > strings.Index(a.body, "kunci API dibuat") {
			t.Error("the audit page is not newest first")
		}
		admin.lang = "en"
		mustContain(t, admin.get("/audit").body, "Audit record", "API key revoked")
		if r := admin.get("/audit?from=yesterday"); r.status != http.StatusUnprocessableEntity {
			t.Errorf("a bad date: %d", r.status)
		}
		if r := admin.get("/audit?to=2026-11-26"); !strings.Contains(r.body, "No change in this period.") {
			t.Errorf("a period before everything: %d", r.status)
		}

		// An authority's auditor reads its org's entries only; its analysts none.
		_, c := signedInByPassword(t, e, e.authority, "auditor@kominfo.go.id", org.RoleAuditor)
		body := c.get("/audit").body
		mustContain(t, body, k.ID)
		if strings.Contains(body, e.platform) {
			t.Error("an authority's auditor reads the platform's entries")
		}
		c2 := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
		if r := c2.get("/audit"); r.status != http.StatusForbidden {
			t.Errorf("an authority analyst on /audit: %d", r.status)
		}
	})
}

func TestAuditPagePaging(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		admin := signedIn(t, e, e.platform, "admin@platform.example", org.RoleAdmin)
		var ids []string
		for range 60 {
			k, err := e.s.Admin.CreateKey(ctx, e.authority, org.RoleAuditor)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, k.ID)
		}
		first := admin.get("/audit")
		next := found(t, first.body, `href="(/audit\?before=\d+)"`, "no link to older changes on a full page")
		mustContain(t, first.body, ids[59], ids[10])
		if strings.Contains(first.body, ids[9]) {
			t.Error("the first page holds more than 50 entries")
		}
		second := admin.get(next)
		mustContain(t, second.body, ids[9], ids[0])
		if strings.Contains(second.body, ids[10]) {
			t.Error("the second page repeats the first")
		}
	})
}
