package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/org"
)

// TestBrowserSignInThroughProvider signs a person in with Chromium: the
// login page's button, the provider's own login form, and back to sigap's
// dashboard as a platform reviewer made on the spot.
func TestBrowserSignInThroughProvider(t *testing.T) {
	t.Parallel()
	ctx, e := browser(t), newEnvAt(t, sqliteEngine(t), time.Now().UTC())
	p := e.ssoThrough(t)
	p.add("dewi", "dewi@platform.example", true, "sigap-reviewers")
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return v
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/login"), chromedp.WaitVisible(css(`#sso-login`))); err != nil {
		t.Fatalf("the login page: %v", err)
	}
	button := text(`#sso-login`)
	// The page speaks the browser's language, whichever Chromium asks for.
	lang, err := chromedp.Run(ctx, chromedp.AttributeValue(css("html"), "lang"))
	if err != nil || !i18n.Valid(lang.Value) {
		t.Fatalf("page language %q, %v", lang.Value, err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(css(`#sso-login`)),
		chromedp.WaitVisible(css(`#username`)),
		chromedp.SendKeys(css(`#username`), "dewi"),
		chromedp.SendKeys(css(`#password`), idpPassword),
		chromedp.Submit(css(`#password`)),
		chromedp.WaitVisible(css(`#open-h`)),
	)
	if err != nil {
		t.Fatalf("sign in through the provider: %v", err)
	}
	who := text(`.who`)
	if want := i18n.T(lang.Value, "sso.sign_in_with", "Platform SSO"); strings.TrimSpace(button) != want {
		t.Errorf("the button says %q, want %q", button, want)
	}
	if !strings.Contains(who, "dewi@platform.example") || !strings.Contains(who, i18n.T(lang.Value, "role.reviewer")) {
		t.Errorf("signed in as %q, want dewi@platform.example as a reviewer", who)
	}
	u, err := e.db.UserByEmail(t.Context(), "dewi@platform.example")
	if err != nil || u.OrgID != e.platform || u.Role != org.RoleReviewer {
		t.Fatalf("the user made: %+v, %v", u, err)
	}
}
