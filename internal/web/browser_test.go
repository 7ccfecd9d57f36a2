package web_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/org"
)

// EnvRequireBrowser makes a missing Chromium a failure instead of a skip (CI sets it).
const EnvRequireBrowser = "SIGAP_REQUIRE_BROWSER"

// browser starts Debian's Chromium, headless, with a fresh profile; it never downloads one.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv("SIGAP_CHROMIUM")
	if path == "" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		if os.Getenv(EnvRequireBrowser) != "" {
			t.Fatalf("%s is set but no Chromium was found: apt-get install -y chromium (or set SIGAP_CHROMIUM)", EnvRequireBrowser)
		}
		t.Skipf("no Chromium: the browser tests need Debian's chromium (apt-get install -y chromium); set %s=1 to make this a failure", EnvRequireBrowser)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true), chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	// A bound for a hung browser, not a timing assertion.
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium %s: %v", path, err)
	}
	return ctx
}

// css is the selector sel as chromedp's CSS query.
func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

// step is one thing a browser test does.
type step = chromedp.Action[chromedp.Void]

// liveEnv is an env on SQLite whose clock starts at the real time, so that
// the pages' ticking countdowns agree with it.
func liveEnv(t *testing.T) *env {
	t.Helper()
	return newEnvAt(t, sqliteEngine(t), time.Now().UTC().Truncate(time.Second))
}

// loginStep fills in the login page at start as email with pw and waits for
// sel (the code field once the password holds); then follows.
func loginStep(start, email, pw, sel string, then ...step) []step {
	return append([]step{
		chromedp.Navigate(start),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), email),
		chromedp.SendKeys(chromedp.CSS(`#password`), pw),
		chromedp.Submit(chromedp.CSS(`#password`)),
		chromedp.WaitVisible(chromedp.CSS(sel)),
	}, then...)
}

// codeStep answers the code field after loginStep with code and waits for
// sel; then follows.
func codeStep(code, sel string, then ...step) []step {
	return append([]step{
		chromedp.SendKeys(chromedp.CSS(`#code`), code),
		chromedp.Submit(chromedp.CSS(`#code`)),
		chromedp.WaitVisible(chromedp.CSS(sel)),
	}, then...)
}

// signInSteps signs email in at the login page, with the password and then
// secret's current code, and waits for sel; then follows.
func (e *env) signInSteps(email, secret, sel string, then ...step) []step {
	return loginStep(e.srv.URL+"/login", email, password, `#code`, codeStep(e.code(secret), sel, then...)...)
}

// textAt reads the text of sel in the browser.
func textAt(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return v
}

func TestBrowserFileNoticeInIndonesianThenEnglish(t *testing.T) {
	t.Parallel()
	ctx, e := browser(t), liveEnv(t)
	secret := e.userIn(i18n.ID, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
	base := e.srv.URL
	text := func(sel string) string { t.Helper(); return textAt(t, ctx, sel) }
	attr := func(sel, name string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.AttributeValue(css(sel), name))
		if err != nil {
			t.Fatalf("read %s[%s]: %v", sel, name, err)
		}
		return v.Value
	}
	if err := chromedp.Do(ctx, loginStep(base+"/", "ana@kominfo.go.id", password, `#code`)...); err != nil {
		t.Fatalf("password step: %v", err)
	}
	err := chromedp.Do(ctx, codeStep(e.code(secret), `#open-h`)...)
	if err != nil {
		t.Fatalf("TOTP step: %v", err)
	}
	if lang := attr("html", "lang"); lang != "id" {
		t.Fatalf("page language %q, want id (the user's setting)", lang)
	}
	err = chromedp.Do(ctx, orderFormSteps(base, "https://t.me/s/KanalSatu/12\nt.me/kanaldua\nhttps://telegram.me/KanalTiga",
		chromedp.SendKeys(css(`#reference`), "KOMINFO/2026/001"))...)
	if err != nil {
		t.Fatalf("filling the form: %v", err)
	}
	if n := text("#n-ok"); n != "3" {
		t.Fatalf("recognised %q links, want 3", n)
	}
	if err := chromedp.Do(ctx, chromedp.Click(css(`#send`)), chromedp.WaitVisible(css(`#receipt-link`))); err != nil {
		t.Fatalf("sending: %v", err)
	}
	sla, left, verify, title := text("#sla"), text("#time-left"), text("#verify-cmd"), text("#receipt-h")
	if !strings.Contains(sla, "4h") || !strings.Contains(sla, "mendesak") || !strings.HasPrefix(left, "sisa ") ||
		!strings.HasPrefix(verify, "sigap receipt verify --keys keys.json receipt-ntc_") || title != i18n.T(i18n.ID, "receipt.title") {
		t.Fatalf("notice page: sla %q, left %q, verify %q, title %q", sla, left, verify, title)
	}
	if href := attr("#receipt-link", "href"); !strings.HasSuffix(href, "/receipt.json") {
		t.Errorf("receipt link %q", href)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(css(`button[name="lang"][value="en"]`)),
		chromedp.WaitVisible(css(`html[lang="en"] #receipt-link`)),
	)
	if err != nil {
		t.Fatalf("switching to English: %v", err)
	}
	if title, left := text("#receipt-h"), text("#time-left"); title != "Signed receipt" || !strings.HasSuffix(left, " left") {
		t.Errorf("after switching: title %q, time left %q", title, left)
	}
}

func TestBrowserFailedSignIn(t *testing.T) {
	t.Parallel()
	ctx, e := browser(t), sqliteEnv(t)
	e.user(e.authority, "ana@kominfo.go.id", org.RoleAuthority, true)
	if err := chromedp.Do(ctx, loginStep(e.srv.URL+"/login", "ana@kominfo.go.id", "not the password", `#login-error`)...); err != nil {
		t.Fatal(err)
	}
	msg := textAt(t, ctx, `#login-error`)
	lang, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("html"), "lang"))
	if err != nil {
		t.Fatal(err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if msg != i18n.T(lang.Value, "login.bad") || !strings.HasSuffix(loc, "/login") {
		t.Errorf("failed sign-in: message %q (lang %s) at %s", msg, lang.Value, loc)
	}
	if n := e.counts()["sessions"]; n != 0 {
		t.Errorf("a failed sign-in left %d sessions", n)
	}
}

// orderFormSteps opens the new-notice form at base, fills in an urgent
// terrorism order for links, then more, and checks it, waiting for the send
// button.
func orderFormSteps(base, links string, more ...step) []step {
	steps := []step{
		chromedp.Navigate(base + "/notices/new"),
		chromedp.WaitVisible(css(`#links`)),
		chromedp.SetValue(css(`#kind`), "order"),
		chromedp.SetValue(css(`#category`), "terrorism"),
		chromedp.Click(css(`#urgent`)),
		chromedp.SendKeys(css(`#links`), links),
		chromedp.SendKeys(css(`#explanation`), "Propaganda terorisme yang menyerukan serangan."),
		chromedp.SendKeys(css(`#legal_basis`), "UU ITE Pasal 40 ayat (2b)"),
	}
	steps = append(steps, more...)
	return append(steps, chromedp.Click(css(`#check`)), chromedp.WaitVisible(css(`#send`)))
}
