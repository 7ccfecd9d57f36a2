package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/sigap/sigap/internal/account"
	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// virtualAuthenticator gives the tab a platform authenticator through the
// DevTools WebAuthn domain: it answers navigator.credentials at once, with
// user verification, as a laptop's fingerprint reader would.
func virtualAuthenticator() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, webauthn.Enable, webauthn.EnableParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, t, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{
			Options: &webauthn.VirtualAuthenticatorOptions{
				Protocol: webauthn.AuthenticatorProtocolCtap2, Transport: webauthn.AuthenticatorTransportInternal,
				HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true,
			}})
		return err
	})
}

// within runs a wait with a bound of its own, so that a failed ceremony
// leaves the browser able to say why (a bound for a hung page, not a timing assertion).
func within(ctx context.Context, a chromedp.Action[chromedp.Void]) error {
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return chromedp.Do(wctx, a)
}

// TestBrowserPasskeyInIndonesianAndEnglish enrols a passkey where the org's
// policy demands one, signs out, and signs in with it, once for a person who
// reads Bahasa Indonesia and once for one who reads English.
func TestBrowserPasskeyInIndonesianAndEnglish(t *testing.T) {
	t.Parallel()
	ctx, e := browser(t), sqliteEnv(t)
	bg := context.Background()
	if err := e.s.Accounts.SetSecondFactorPolicy(bg, e.authority, account.PolicyPasskeyForEveryone); err != nil {
		t.Fatal(err)
	}
	// A passkey's RP ID is a host name, never an IP address: the browser uses localhost.
	u, err := url.Parse(e.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	base := "http://localhost:" + u.Port()
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/login"), virtualAuthenticator()); err != nil {
		t.Fatalf("virtual authenticator: %v", err)
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return strings.TrimSpace(v)
	}
	password := func(email string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(
			chromedp.Navigate(base+"/login"),
			chromedp.WaitVisible(css(`#email`)),
			chromedp.SendKeys(css(`#email`), email),
			chromedp.SendKeys(css(`#password`), "a long enough pass"),
			chromedp.Submit(css(`#password`)),
		)
	}
	for _, tc := range []struct{ lang, email, name string }{
		{i18n.ID, "ana@kominfo.go.id", "Laptop kantor"},
		{i18n.EN, "ben@kominfo.go.id", "Office laptop"},
	} {
		// No authenticator app yet: the policy's passkey is this person's first second factor.
		usr, _ := e.user(e.authority, tc.email, org.RoleAuthority, false)
		if err := e.acc.SetLanguage(bg, usr.ID, tc.lang); err != nil {
			t.Fatal(err)
		}
		// The password is right; the policy sends this person to add a passkey.
		err := chromedp.Do(ctx, password(tc.email), chromedp.WaitVisible(css(`#passkey-register`)))
		if err != nil {
			t.Fatalf("%s: password step: %v", tc.lang, err)
		}
		if h := text("h1"); h != i18n.T(tc.lang, "passkey.title") {
			t.Errorf("%s: enrol page title %q", tc.lang, h)
		}
		err = chromedp.Do(ctx,
			chromedp.SendKeys(css(`#passkey-name`), tc.name),
			chromedp.Click(css(`#passkey-register button`)),
		)
		if err == nil {
			err = within(ctx, chromedp.WaitVisible(css(`#open-h`)))
		}
		if err != nil {
			t.Fatalf("%s: registering a passkey: %v (status %q)", tc.lang, err, text("#passkey-status"))
		}
		keys, err := e.db.Passkeys(bg, usr.ID)
		if err != nil || len(keys) != 1 || keys[0].Name != tc.name || !keys[0].LastUsedAt.IsZero() {
			t.Fatalf("%s: stored passkeys %+v, %v", tc.lang, keys, err)
		}
		// Sign out, then in again: the password, then the passkey.
		err = chromedp.Do(ctx,
			chromedp.Click(css(`form[action="/logout"] button`)),
			chromedp.WaitVisible(css(`#email`)),
			password(tc.email),
			chromedp.WaitVisible(css(`#passkey-login-button`)),
		)
		if err != nil {
			t.Fatalf("%s: second sign-in: %v", tc.lang, err)
		}
		if b := text("#passkey-login-button"); b != i18n.T(tc.lang, "passkey.use") {
			t.Errorf("%s: button %q", tc.lang, b)
		}
		err = chromedp.Do(ctx, chromedp.Click(css(`#passkey-login-button`)))
		if err == nil {
			err = within(ctx, chromedp.WaitVisible(css(`#open-h`)))
		}
		if err != nil {
			t.Fatalf("%s: signing in with the passkey: %v (status %q)", tc.lang, err, text("#passkey-status"))
		}
		lang, err := chromedp.Run(ctx, chromedp.AttributeValue(css("html"), "lang"))
		if err != nil || lang.Value != tc.lang {
			t.Errorf("dashboard language %q, want %s", lang.Value, tc.lang)
		}
		after, _ := e.db.Passkeys(bg, usr.ID)
		if len(after) != 1 || after[0].LastUsedAt.IsZero() || (after[0].SignCount != 0 && after[0].SignCount <= keys[0].SignCount) {
			t.Errorf("%s: after sign-in %+v", tc.lang, after)
		}
		// The list shows the passkey with its times in WIB beside UTC.
		err = chromedp.Do(ctx, chromedp.Click(css(`#nav-passkeys`)), chromedp.WaitVisible(css(`#passkey-list`)))
		if err != nil {
			t.Fatalf("%s: passkeys page: %v", tc.lang, err)
		}
		row := text("#passkey-list tbody tr")
		if !strings.Contains(row, tc.name) || strings.Count(row, "WIB") != 2 || strings.Count(row, "UTC") != 2 {
			t.Errorf("%s: passkey row %q", tc.lang, row)
		}
		if err := chromedp.Do(ctx, chromedp.Click(css(`form[action="/logout"] button`)), chromedp.WaitVisible(css(`#email`))); err != nil {
			t.Fatalf("%s: sign out: %v", tc.lang, err)
		}
	}
	items, err := e.db.AuditItems(bg, store.AuditQuery{OrgID: e.authority, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	added := 0
	for _, it := range items {
		if it.Action == account.AuditPasskeyAdded {
			added++
		}
	}
	if added != 2 {
		t.Errorf("%d passkey_added audit entries, want 2", added)
	}
}
