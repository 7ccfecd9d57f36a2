package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/app/apptest"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/receipt"
	"github.com/sigap/sigap/internal/web"
)

// noticeForm is a complete urgent terrorism order for three channels.
func noticeForm(action string, links ...string) url.Values {
	if len(links) == 0 {
		links = []string{"https://t.me/s/KanalSatu/12", "t.me/kanaldua", "https://telegram.me/KanalTiga?single"}
	}
	return url.Values{"kind": {"order"}, "category": {"terrorism"}, "regime": {"ID-PSE"}, "urgent": {"1"},
		"requested_action": {"remove"}, "links": {strings.Join(links, "\n")},
		"explanation": {"Propaganda terorisme yang menyerukan serangan."}, "legal_basis": {"UU ITE Pasal 40 ayat 2b"},
		"reference": {"KOMINFO/2026/001"}, "territorial_scope": {"ID"}, "language": {"id"},
		"contact_name": {"Tim AIS"}, "contact_email": {"ais@kominfo.go.id"}, "action": {action},
		"idem": {"web-abcdefghijklmnop"}}
}

var noticeIDRe = regexp.MustCompile(`^/notices/(ntc_[0-9a-z]+)\?m=sent$`)

// fileNotice files the standard order through check and send, returning the notice ID.
func fileNotice(t *testing.T, c *client) string {
	t.Helper()
	r := c.post("/notices/new", noticeForm("check"))
	if r.status != http.StatusOK || !strings.Contains(r.body, `id="send"`) {
		t.Fatalf("check: %d, no send button:\n%s", r.status, r.body)
	}
	return c.redirected(t, "send", "/notices/new", noticeForm("send"), noticeIDRe)
}

func TestSignInEnrolAndSignOut(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		_, link, err := e.acc.CreateUser(ctx, e.authority, "ana@kominfo.go.id", "Ana", org.RoleAuthority)
		if err != nil {
			t.Fatal(err)
		}
		c := e.client()
		r := c.get("/set-password/" + link.Token)
		mustContain(t, r.body, "ana@kominfo.go.id", "Atur kata sandi")
		if r.h.Get("Referrer-Policy") != "no-referrer" {
			t.Error("set-password page may leak its link in a Referer")
		}
		r = c.post("/set-password/"+link.Token, url.Values{"password": {password}, "again": {password + "x"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Kedua kata sandi berbeda") {
			t.Fatalf("mismatched passwords: %d", r.status)
		}
		r = c.post("/set-password/"+link.Token, url.Values{"password": {password}, "again": {password}})
		if r.status != http.StatusSeeOther || r.location() != "/login?m=password_set" {
			t.Fatalf("set password: %d %q", r.status, r.location())
		}
		if r := c.get("/set-password/" + link.Token); r.status != http.StatusNotFound {
			t.Fatalf("the link works twice: %d", r.status)
		}
		r = c.post("/login", url.Values{"email": {"ana@kominfo.go.id"}, "password": {password}})
		if r.location() != "/account/totp" {
			t.Fatalf("an authority without TOTP must enrol, went to %q", r.location())
		}
		if r := c.get("/dashboard"); r.location() != "/account/totp" {
			t.Fatalf("dashboard before enrolment: %d %q", r.status, r.location())
		}
		r = c.get("/account/totp")
		secret := found(t, r.body, `id="totp-secret">([A-Z2-7]+)<`, "enrolment page shows no secret")
		mustContain(t, r.body, "otpauth://totp/sigap:ana@kominfo.go.id?", "data:image/png;base64,")
		if r := c.post("/account/totp", url.Values{"code": {"000000"}}); r.status != http.StatusUnauthorized {
			t.Fatalf("wrong enrolment code: %d", r.status)
		}
		r = c.post("/account/totp", url.Values{"code": {e.code(secret)}})
		if r.location() != "/dashboard?m=totp_on" {
			t.Fatalf("enrol: %d %q %s", r.status, r.location(), r.body)
		}
		r = c.get(r.location())
		mustContain(t, r.body, "Dasbor", "Verifikasi dua langkah aktif", "ana@kominfo.go.id")
		if cc := r.h.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("signed-in page Cache-Control = %q", cc)
		}
		if r := c.post("/logout", nil); r.location() != "/login?m=signed_out" {
			t.Fatalf("sign out: %q", r.location())
		}
		if r := c.get("/dashboard"); r.location() != "/login" {
			t.Fatalf("dashboard after sign-out: %d %q", r.status, r.location())
		}
		// Next time: password, then a fresh code.
		e.clk.Advance(30 * time.Second)
		c.signIn("ana@kominfo.go.id", secret)
	})
}

func TestSessionCookieAttributes(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.user(e.authority, "ana@kominfo.go.id", org.RoleAuthority, true)
		r := e.client().post("/login", url.Values{"email": {"ana@kominfo.go.id"}, "password": {password}})
		ck := r.h.Get("Set-Cookie")
		for _, want := range []string{"sigap_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
			if !strings.Contains(ck, want) {
				t.Errorf("Set-Cookie %q lacks %s", ck, want)
			}
		}
		if strings.Contains(ck, "Secure") {
			t.Errorf("Secure cookie over plain HTTP would never come back: %q", ck)
		}
	})
}

func TestBadSignIns(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		_, secret := e.user(e.authority, "ana@kominfo.go.id", org.RoleAuthority, true)
		c := e.client()
		before := e.counts()
		for _, tc := range []struct{ email, pw string }{
			{"ana@kominfo.go.id", "wrong password"}, {"nobody@kominfo.go.id", password}, {"", ""}, {"<script>x</script>", "x"},
		} {
			r := c.post("/login", url.Values{"email": {tc.email}, "password": {tc.pw}})
			if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "Alamat surel atau kata sandi salah") {
				t.Errorf("login %q/%q: %d", tc.email, tc.pw, r.status)
			}
			if strings.Contains(r.body, "<script>x") {
				t.Error("the e-mail field is echoed unescaped")
			}
		}
		sameCounts(t, before, e.counts())

		// Wrong code, then the right one, then the same right one again (replay).
		c.post("/login", url.Values{"email": {"ana@kominfo.go.id"}, "password": {password}})
		r := c.post("/login/totp", url.Values{"code": {"123456"}})
		if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "Kode salah") {
			t.Fatalf("wrong code: %d", r.status)
		}
		code := e.code(secret)
		if r := c.post("/login/totp", url.Values{"code": {code}}); r.location() != "/dashboard" {
			t.Fatalf("right code: %d %q", r.status, r.location())
		}
		c2 := e.client()
		c2.post("/login", url.Values{"email": {"ana@kominfo.go.id"}, "password": {password}})
		if r := c2.post("/login/totp", url.Values{"code": {code}}); r.status != http.StatusUnauthorized {
			t.Fatalf("a replayed code was accepted: %d %q", r.status, r.location())
		}
		if r := c2.get("/dashboard"); r.location() != "/login/totp" {
			t.Fatalf("half-signed-in session reached the dashboard: %d %q", r.status, r.location())
		}
		// Five failures lock the account; the lockout message names the time.
		for range 5 {
			c2.post("/login", url.Values{"email": {"ana@kominfo.go.id"}, "password": {"nope nope"}})
		}
		r = c2.post("/login", url.Values{"email": {"ana@kominfo.go.id"}, "password": {password}})
		if r.status != http.StatusForbidden || !strings.Contains(r.body, "dikunci") {
			t.Fatalf("locked account: %d", r.status)
		}
	})
}

func TestExpiredSession(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
		e.clk.Advance(31 * time.Minute)
		before := e.counts()
		r := c.post("/notices/new", noticeForm("send"))
		if r.status != http.StatusSeeOther || r.location() != "/login?m=expired" {
			t.Fatalf("post with an expired session: %d %q", r.status, r.location())
		}
		after := e.counts()
		before["sessions"]-- // the expired session itself is removed
		sameCounts(t, before, after)
		r = c.get("/login?m=expired")
		mustContain(t, r.body, "Sesi Anda berakhir")
	})
}

func TestCrossSiteFormsRefused(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
		before := e.counts()
		for _, path := range []string{"/notices/new", "/logout", "/lang", "/login", "/admin/orgs"} {
			refusesForged(t, c, path, noticeForm("send"))
		}
		sameCounts(t, before, e.counts())
		if r := c.get("/dashboard"); r.status != http.StatusOK {
			t.Errorf("the forged sign-out ended the session: %d", r.status)
		}
	})
}

func TestFileNoticeAndReceipt(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
		before := e.counts()
		// A check with a duplicate, a private link and a non-link: nothing is sent, each is explained.
		r := c.post("/notices/new", noticeForm("check", "https://t.me/s/KanalSatu/12", "https://t.me/kanalsatu/12/", "t.me/joinchat/AAAAAEkk2WdoDrB4-Q8-gg", "bukan_tautan"))
		mustContain(t, r.body, `id="n-total">4<`, `id="n-ok">1<`, `id="n-dup">1<`, `id="n-refused">2<`, "Obrolan pribadi", "Bukan tautan yang dikenali")
		if strings.Contains(r.body, `id="send"`) {
			t.Error("send offered although links were refused")
		}
		r = c.post("/notices/new", noticeForm("send", "https://t.me/s/KanalSatu/12", "t.me/joinchat/AAAAAEkk2WdoDrB4-Q8-gg"))
		if r.status != http.StatusUnprocessableEntity {
			t.Errorf("send with a refused link: %d", r.status)
		}
		// Missing required fields: every one reported, nothing stored.
		bad := noticeForm("send")
		bad.Del("category")
		bad.Del("legal_basis")
		bad.Set("explanation", " ")
		r = c.post("/notices/new", bad)
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("invalid notice: %d", r.status)
		}
		mustContain(t, r.body, "Kategori: wajib diisi", "Dasar hukum: wajib diisi", "Penjelasan: wajib diisi")
		sameCounts(t, before, e.counts())

		id := fileNotice(t, c)
		r = c.get("/notices/" + id + "?m=sent")
		mustContain(t, r.body, "Pemberitahuan diterima", "diterima", "ID-PSE · mendesak · 4h", "sisa 4 jam 0 mnt",
			"2026-11-27 14:00 WIB", "(2026-11-27 07:00 UTC)", "telegram:message/kanalsatu/12", "telegram:channel/kanaldua",
			"sigap receipt verify --keys keys.json receipt-"+id+".json", "KOMINFO/2026/001")
		// Sending the same form again (a double click) is the same notice, not a second one.
		if r := c.post("/notices/new", noticeForm("send")); !strings.HasPrefix(r.location(), "/notices/"+id) {
			t.Errorf("resend went to %q, want the same notice", r.location())
		}
		r = c.get("/notices/" + id + "/receipt.json")
		if r.status != http.StatusOK || !strings.Contains(r.h.Get("Content-Disposition"), "receipt-"+id+".json") {
			t.Fatalf("receipt download: %d %v", r.status, r.h)
		}
		var doc struct {
			Receipt receipt.Receipt `json:"receipt"`
		}
		if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
			t.Fatal(err)
		}
		var keys struct {
			Keys []receipt.PublicKey `json:"keys"`
		}
		kr := c.get("/v1/keys")
		_ = json.Unmarshal([]byte(kr.body), &keys)
		payload, err := receipt.Verify(doc.Receipt, keys.Keys)
		if err != nil {
			t.Fatalf("the downloaded receipt does not verify: %v", err)
		}
		if payload["notice_id"] != id || payload["class"] != "urgent" || len(payload["subjects"].([]any)) != 3 {
			t.Errorf("payload = %v", payload)
		}
		// The dashboard lists it with its clock; past the deadline it shows overdue, in red.
		mustContain(t, c.get("/dashboard").body, id, "sisa 4 jam 0 mnt")
		e.clk.Advance(5 * time.Minute)
		e.clk.Advance(4 * time.Hour)
		c.signInAgain() // the session idled out meanwhile
		mustContain(t, c.get("/dashboard").body, `<tr class="overdue">`, "lewat 5 mnt", `id="m-overdue" class="overdue">1<`)
	})
}

func TestOtherOrgsNoticeIsNotFound(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
		id := fileNotice(t, a)
		adm := signedIn(t, e, e.platform, "admin@platform.example", org.RoleAdmin)
		// The platform sees every notice; another authority does not.
		if r := adm.get("/notices/" + id); r.status != http.StatusOK {
			t.Errorf("platform admin: %d", r.status)
		}
		r := adm.post("/admin/orgs", url.Values{"name": {"BNPT"}, "kind": {"authority"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("create org: %d %s", r.status, r.body)
		}
		orgID := strings.TrimPrefix(r.location(), "/admin/orgs/")
		b := signedIn(t, e, orgID, "budi@bnpt.go.id", org.RoleAuthority)
		for _, p := range []string{"/notices/" + id, "/notices/" + id + "/receipt.json"} {
			if r := b.get(p); r.status != http.StatusNotFound {
				t.Errorf("%s from another authority: %d", p, r.status)
			}
		}
		if strings.Contains(b.get("/notices").body, id) {
			t.Error("another authority's list shows the notice")
		}
		if r := b.get("/admin"); r.status != http.StatusForbidden {
			t.Errorf("an authority on the admin pages: %d", r.status)
		}
	})
}

func TestUploads(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
		form := noticeForm("check")
		form.Set("links", "")
		before := e.counts()
		csv := "url,catatan\nhttps://t.me/s/KanalSatu/12,video\nhttps://t.me/kanaldua,kanal\nhttps://t.me/KanalSatu/12,duplikat\n"
		r := c.upload("/notices/new", form, "links.csv", []byte(csv))
		mustContain(t, r.body, `id="n-total">3<`, `id="n-ok">2<`, `id="n-dup">1<`, `id="n-refused">0<`)

		png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0, 1, 2}, 100)...)
		r = c.upload("/notices/new", form, "links.txt", png)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "bukan berkas teks atau CSV") {
			t.Errorf("binary upload: %d", r.status)
		}
		r = c.upload("/notices/new", form, "big.txt", bytes.Repeat([]byte("https://t.me/kanaldua\n"), 13<<20/22))
		if r.status != http.StatusRequestEntityTooLarge || !strings.Contains(r.body, "Unggahan terlalu besar") {
			t.Errorf("oversized upload: %d", r.status)
		}
		var many strings.Builder
		for i := range 100_001 {
			fmt.Fprintf(&many, "t.me/k%d\n", i)
		}
		r = c.upload("/notices/new", form, "many.txt", []byte(many.String()))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "paling banyak memuat 100000 tautan") {
			t.Errorf("100,001 links: %d", r.status)
		}
		sameCounts(t, before, e.counts())
	})
}

func TestMarkupIsEscaped(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
		x := `<script>alert(1)</script><img src=x onerror=alert(2)>"'`
		form := noticeForm("check", "https://example.com/a?q=<script>alert(3)</script>", "t.me/kanaldua")
		for _, f := range []string{"explanation", "legal_basis", "reference", "contact_name"} {
			form.Set(f, f+x)
		}
		form.Set("territorial_scope", x)
		r := c.post("/notices/new", form)
		form.Set("action", "send")
		r = c.post("/notices/new", form)
		if r.status != http.StatusUnprocessableEntity { // the scope is not a country code
			t.Fatalf("send: %d", r.status)
		}
		form.Set("territorial_scope", "ID")
		r = c.post("/notices/new", form)
		m := noticeIDRe.FindStringSubmatch(r.location())
		if m == nil {
			t.Fatalf("send: %d %s", r.status, r.body)
		}
		for _, page := range []string{"/notices/" + m[1], "/notices", "/dashboard", "/notices?q=" + url.QueryEscape(x)} {
			body := c.get(page).body
			if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
				t.Errorf("%s renders markup from input unescaped", page)
			}
		}
		mustContain(t, c.get("/notices/"+m[1]).body, "explanation&lt;script&gt;alert(1)&lt;/script&gt;")
	})
}

func TestLanguageChoice(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		_, secret := e.user(e.authority, "ana@kominfo.go.id", org.RoleAuthority, true)
		c := e.client()
		c.lang = "en-GB,en;q=0.9"
		mustContain(t, c.get("/login").body, `<html lang="en">`, "Sign in", "E-mail address")
		c.lang = ""
		mustContain(t, c.get("/login").body, `<html lang="id">`, "Masuk")
		c.signIn("ana@kominfo.go.id", secret)
		r := c.post("/lang", url.Values{"lang": {"en"}, "back": {"/dashboard"}})
		if r.location() != "/dashboard" {
			t.Fatalf("switch language: %q", r.location())
		}
		// The setting is the user's: a browser asking for Indonesian still gets English.
		c.lang = "id"
		mustContain(t, c.get("/dashboard").body, "Dashboard", "Open notices")
		for _, back := range []string{"https://evil.example/", "//evil.example", `/\evil.example`} {
			if r := c.post("/lang", url.Values{"lang": {"id"}, "back": {back}}); r.location() != "/" {
				t.Errorf("back=%q redirected to %q", back, r.location())
			}
		}
		if r := c.post("/lang", url.Values{"lang": {"fr"}}); r.status != http.StatusBadRequest {
			t.Errorf("unknown language: %d", r.status)
		}
	})
}

// TestNewNoticeLanguageIsNotTheInterfaces holds that the new-notice form
// leaves the content's language empty for the sender, in either interface
// language, instead of filling in the language the portal speaks.
func TestNewNoticeLanguageIsNotTheInterfaces(t *testing.T) {
	t.Parallel()
	e := sqliteEnv(t)
	c := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
	for _, lang := range []string{"id", "en"} {
		c.lang = lang
		r := c.get("/notices/new")
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d", lang, r.status)
		}
		if !strings.Contains(r.body, `<html lang="`+lang+`"`) || !strings.Contains(r.body, `<input id="language" name="language" value=""`) {
			t.Errorf("%s: the language field is filled in: %s", lang, r.body[strings.Index(r.body, `id="language"`):][:80])
		}
	}
}

func TestAdminPages(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := signedIn(t, e, e.platform, "admin@platform.example", org.RoleAdmin)
		mustContain(t, c.get("/admin").body, "Kementerian Kominfo", "Platform")
		r := c.post("/admin/orgs", url.Values{"name": {""}, "kind": {"nonsense"}})
		if r.status != http.StatusUnprocessableEntity {
			t.Errorf("invalid org: %d", r.status)
		}
		r = c.post("/admin/orgs/"+e.authority+"/users", url.Values{"email": {"budi@kominfo.go.id"}, "name": {"<b>Budi</b>"}, "role": {"authority"}})
		if r.status != http.StatusCreated {
			t.Fatalf("create user: %d %s", r.status, r.body)
		}
		found(t, r.body, `id="new-link">(http://[^<]+/set-password/[A-Za-z0-9_-]+)<`, "no link shown")
		mustContain(t, r.body, "&lt;b&gt;Budi&lt;/b&gt;")
		if r := c.post("/admin/orgs/"+e.authority+"/users", url.Values{"email": {"x@y.id"}, "role": {"reviewer"}}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("reviewer in an authority org: %d", r.status)
		}
		r = c.post("/admin/orgs/"+e.authority+"/keys", url.Values{"role": {"authority"}})
		if r.status != http.StatusCreated || !regexp.MustCompile(`id="new-key">sgp_`).MatchString(r.body) {
			t.Fatalf("create key: %d", r.status)
		}
		u, _ := e.db.UserByEmail(t.Context(), "budi@kominfo.go.id")
		r = c.post("/admin/users/"+u.ID+"/reset", url.Values{"totp": {"1"}})
		if r.status != http.StatusOK || !strings.Contains(r.body, "/set-password/") {
			t.Errorf("reset: %d", r.status)
		}
	})
}

func TestAPIUsers(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		call := func(method, path, key, body string) resp {
			req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+key)
			req.Header.Set("Content-Type", "application/json")
			return e.client().do(req)
		}
		r := call("POST", "/v1/orgs/"+e.authority+"/users", e.adminKey, `{"email": "ana@kominfo.go.id", "role": "authority", "name": "Ana"}`)
		if r.status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		var m map[string]any
		_ = json.Unmarshal([]byte(r.body), &m)
		if u, _ := m["set_password_url"].(string); !strings.HasPrefix(u, e.srv.URL+"/set-password/") {
			t.Errorf("set_password_url = %v", m["set_password_url"])
		}
		if _, leaked := m["password_hash"]; leaked {
			t.Error("the answer shows the password hash")
		}
		for _, tc := range []struct {
			body string
			want int
		}{
			{`{"email": "ana@kominfo.go.id", "role": "authority"}`, 422},
			{`{"email": "x", "role": "authority"}`, 422},
			{`{"email": "b@kominfo.go.id", "role": "reviewer"}`, 422},
			{`{"email": "b@kominfo.go.id", "role": "authority", "extra": 1}`, 422},
		} {
			if r := call("POST", "/v1/orgs/"+e.authority+"/users", e.adminKey, tc.body); r.status != tc.want {
				t.Errorf("%s: %d, want %d", tc.body, r.status, tc.want)
			}
		}
		if r := call("POST", "/v1/orgs/org_nope/users", e.adminKey, `{"email": "c@x.id", "role": "auditor"}`); r.status != 404 {
			t.Errorf("unknown org: %d", r.status)
		}
		r = call("GET", "/v1/orgs/"+e.authority+"/users", e.adminKey, "")
		if r.status != 200 || !strings.Contains(r.body, `"email":"ana@kominfo.go.id"`) || !strings.Contains(r.body, `"password_set":false`) {
			t.Errorf("list: %d %s", r.status, r.body)
		}
		if r := call("GET", "/v1/orgs/"+e.authority+"/users", "sgp_wrong", ""); r.status != 401 {
			t.Errorf("unknown key: %d", r.status)
		}
	})
}

// TestNewRefusesAnIncompleteApp checks the portal makes no stand-in for a
// missing service (one that would skip the API's hooks) but names it.
func TestNewRefusesAnIncompleteApp(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		apptest.RefusesIncomplete(t, e.s.App, web.New, "Review", "Webhooks", "Flaggers")
	})
}
