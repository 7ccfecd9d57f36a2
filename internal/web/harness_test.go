package web_test

import (
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/account"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/server"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

const password = "a long enough pass"

// env is a whole sigap service, composed as `sigap serve` composes it, on a test server.
type env struct {
	t         testing.TB
	s         *server.Server
	db        *store.DB
	clk       *clock.Fixed
	acc       *account.Service
	srv       *httptest.Server
	platform  string
	authority string
	adminKey  string
}

// eachEnv runs test on a fresh env on each engine, as storetest.Each.
func eachEnv(t *testing.T, test func(t *testing.T, e *env)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, se storetest.Engine) { test(t, newEnv(t, se)) })
}

// eachEnvNow is eachEnv on envs whose clocks start at the real time, for
// what checks times against another party's (an identity provider's tokens).
func eachEnvNow(t *testing.T, test func(t *testing.T, e *env)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, se storetest.Engine) { test(t, newEnvAt(t, se, time.Now().UTC())) })
}

// sqliteEngine is a fresh SQLite database in tb's temporary directory, for
// tests that need one engine only.
func sqliteEngine(tb testing.TB) storetest.Engine {
	return storetest.Engine{Name: "sqlite", Dir: tb.TempDir()}
}

// sqliteEnv is newEnv on a fresh SQLite database.
func sqliteEnv(tb testing.TB) *env {
	tb.Helper()
	return newEnv(tb, sqliteEngine(tb))
}

func newEnv(t testing.TB, e storetest.Engine) *env {
	t.Helper()
	return newEnvAt(t, e, time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC))
}

func newEnvAt(t testing.TB, e storetest.Engine, start time.Time) *env {
	t.Helper()
	clk := clock.NewFixed(start)
	cfg := config.Config{DataDir: e.Dir, DB: e.URL, Addr: "127.0.0.1:0", ShutdownTimeout: time.Second}
	s, err := server.New(context.Background(), cfg, slog.New(slog.DiscardHandler), clk)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	auth, err := s.Admin.CreateOrg(context.Background(), "Kementerian Kominfo", org.KindAuthority, "")
	if err != nil {
		t.Fatal(err)
	}
	var platform string
	orgs, _ := s.DB.Orgs(context.Background())
	for _, o := range orgs {
		if o.Kind == org.KindPlatform {
			platform = o.ID
		}
	}
	// acc makes the test users on the App's store and clock, hashing their
	// passwords cheaply: the hash records its parameters, so the portal's
	// own account service (s.Accounts) checks them all the same.
	acc := &account.Service{DB: s.DB, Clock: s.Clock, Params: account.Params{Time: 1, Memory: 64, Threads: 1}}
	return &env{t: t, s: s, db: s.DB, clk: clk, acc: acc,
		srv: srv, platform: platform, authority: auth.ID, adminKey: s.AdminKey}
}

// user creates a person with a password; with TOTP on it returns their secret.
func (e *env) user(orgID, email string, role org.Role, withTOTP bool) (org.User, string) {
	e.t.Helper()
	ctx := context.Background()
	u, link, err := e.acc.CreateUser(ctx, orgID, email, "Test", role)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.acc.SetPassword(ctx, link.Token, password, password); err != nil {
		e.t.Fatal(err)
	}
	if !withTOTP {
		return u, ""
	}
	secret, err := e.acc.PendingTOTP(ctx, u.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.acc.ConfirmTOTP(ctx, u.ID, e.code(secret), "192.0.2.1"); err != nil {
		e.t.Fatal(err)
	}
	e.clk.Advance(30 * time.Second) // the enrolment code's step is spent
	return u, secret
}

// signedInNewOrg makes an organisation and signs in a person of it.
func signedInNewOrg(tb testing.TB, e *env, name string, kind org.Kind, email string, role org.Role) *client {
	tb.Helper()
	o, err := e.s.Admin.CreateOrg(context.Background(), name, kind, "")
	if err != nil {
		tb.Fatal(err)
	}
	return signedIn(tb, e, o.ID, email, role)
}

// anotherOfficer signs in an officer of a second authority, who must not
// see the test authority's notices.
func anotherOfficer(tb testing.TB, e *env) *client {
	return signedInNewOrg(tb, e, "Kementerian Lain", org.KindAuthority, "budi@lain.go.id", org.RoleAuthority)
}

// aFlagger signs in a person of a flagger organisation.
func aFlagger(tb testing.TB, e *env) *client {
	return signedInNewOrg(tb, e, "Mafindo", org.KindFlagger, "fl@mafindo.example", org.RoleFlagger)
}

// userIn is user with TOTP on, set to read the portal in lang; it returns
// their secret.
func (e *env) userIn(lang, orgID, email string, role org.Role) string {
	e.t.Helper()
	u, secret := e.user(orgID, email, role, true)
	if err := e.acc.SetLanguage(context.Background(), u.ID, lang); err != nil {
		e.t.Fatal(err)
	}
	return secret
}

func (e *env) code(secret string) string {
	c, err := account.TOTPCode(secret, account.TOTPStep(e.clk.Now()))
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *env) counts() map[string]int {
	e.t.Helper()
	c, err := e.db.PortalCounts(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

type client struct {
	e    *env
	hc   *http.Client
	lang string
	// email and secret are whom signIn last signed in, for signInAgain.
	email, secret string
}

type resp struct {
	status int
	body   string
	h      http.Header
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, lang: "id", hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (c *client) do(req *http.Request) resp {
	c.e.t.Helper()
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	r, err := c.hc.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return resp{status: r.StatusCode, body: string(b), h: r.Header}
}

func (c *client) get(path string) resp {
	c.e.t.Helper()
	req, _ := http.NewRequest("GET", c.e.srv.URL+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values, hdr ...string) resp {
	c.e.t.Helper()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return c.do(req)
}

// upload posts a multipart form with one file.
func (c *client) upload(path string, form url.Values, filename string, content []byte) resp {
	c.e.t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		for k, vs := range form {
			for _, v := range vs {
				_ = mw.WriteField(k, v)
			}
		}
		fw, _ := mw.CreateFormFile("file", filename)
		_, _ = fw.Write(content)
		pw.CloseWithError(mw.Close())
	}()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	r := c.do(req)
	_, _ = io.Copy(io.Discard, pr)
	return r
}

func (r resp) location() string { return r.h.Get("Location") }

// signIn signs in with password and, when secret is given, a TOTP code.
func (c *client) signIn(email, secret string) {
	c.e.t.Helper()
	c.email, c.secret = email, secret
	r := c.post("/login", url.Values{"email": {email}, "password": {password}})
	if r.status != http.StatusSeeOther {
		c.e.t.Fatalf("sign-in: %d %s", r.status, r.body)
	}
	if secret == "" {
		return
	}
	if r.location() != "/login/totp" {
		c.e.t.Fatalf("sign-in went to %q, want /login/totp", r.location())
	}
	r = c.post("/login/totp", url.Values{"code": {c.e.code(secret)}})
	if r.status != http.StatusSeeOther || r.location() != "/dashboard" {
		c.e.t.Fatalf("TOTP: %d %q %s", r.status, r.location(), r.body)
	}
}

// signedIn makes a user with TOTP in an org and signs them in.
func signedIn(tb testing.TB, e *env, orgID, email string, role org.Role) *client {
	tb.Helper()
	_, secret := e.user(orgID, email, role, true)
	c := e.client()
	c.signIn(email, secret)
	return c
}

// signedInByPassword makes a user without an authenticator, whom the
// default policy lets sign in by password alone, and signs them in.
func signedInByPassword(tb testing.TB, e *env, orgID, email string, role org.Role) (org.User, *client) {
	tb.Helper()
	u, _ := e.user(orgID, email, role, false)
	c := e.client()
	c.signIn(email, "")
	return u, c
}

// signInAgain signs in whom signIn last signed in, once their session has
// ended.
func (c *client) signInAgain() {
	c.e.t.Helper()
	c.signIn(c.email, c.secret)
}

// refusal is a form a page must refuse: who posts it, and the status and a
// text the answer must bear.
type refusal struct {
	who    *client
	form   url.Values
	status int
	text   string
}

// refuses posts each refusal's form to path as its poster and wants its
// status and text, with no markup of the form echoed.
func refuses(t *testing.T, path string, refusals ...refusal) {
	t.Helper()
	for _, rf := range refusals {
		r := rf.who.post(path, rf.form)
		if r.status != rf.status || !strings.Contains(r.body, rf.text) || strings.Contains(r.body, "<script>") {
			t.Errorf("POST %s %.80v: %d, want %d with %q and no script", path, rf.form, r.status, rf.status, rf.text)
		}
	}
}

// refusesForged posts form to path as c with each mark a browser puts on a
// request from another site, and wants the portal's cross-site refusal.
func refusesForged(t *testing.T, c *client, path string, form url.Values) {
	t.Helper()
	for _, hdr := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://evil.example"}} {
		if r := c.post(path, form, hdr...); r.status != http.StatusForbidden || !strings.Contains(r.body, "situs web lain") {
			t.Errorf("forged POST %s with %s: %d", path, hdr[0], r.status)
		}
	}
}

// redirected posts form to path and gives the last group of re in the
// location the answer sends to; anything but a 303 there fails t, saying
// what was posted.
func (c *client) redirected(t *testing.T, what, path string, form url.Values, re *regexp.Regexp) string {
	t.Helper()
	r := c.post(path, form)
	m := re.FindStringSubmatch(r.location())
	if r.status != http.StatusSeeOther || m == nil {
		t.Fatalf("%s: %d %q\n%s", what, r.status, r.location(), r.body)
	}
	return m[len(m)-1]
}

// found is the first group of pattern in body; a body without it fails t,
// saying what it lacks.
func found(t *testing.T, body, pattern, what string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("%s:\n%s", what, body)
	}
	return m[1]
}

func mustContain(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

func sameCounts(t *testing.T, before, after map[string]int) {
	t.Helper()
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s: %d rows before, %d after: a refused request changed something", k, v, after[k])
		}
	}
}
