package web_test

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/org"
)

// axeSource is axe-core 4.14.1 (npm package axe-core, MPL-2.0; licence
// beside it), injected into each page by the tests and never served.
//
//go:embed testdata/axe/axe.min.js
var axeSource string

// axeRun checks the page against WCAG 2.0 and 2.1 A and AA and returns the
// violations as {rule, help, targets} records.
const axeRun = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"]})
  .then(r => JSON.stringify(r.violations.map(v => ({rule: v.id, help: v.help, targets: v.nodes.map(n => n.target.join(" ") + " :: " + n.html.slice(0, 160))}))))`

type axeViolation struct {
	Rule    string   `json:"rule"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// seatCookies signs the browser in as seat's client: the client's cookies
// (its session) are copied in, after clearing whatever came before.
func seatCookies(e *env, c *client, lang string) step {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
			return err
		}
		u, _ := url.Parse(e.srv.URL)
		var cookies []*http.Cookie
		if c != nil {
			cookies = c.hc.Jar.Cookies(u)
		}
		cookies = append(cookies, &http.Cookie{Name: "sigap_lang", Value: lang})
		for _, ck := range cookies {
			if _, err := cdp.Call(ctx, tg, network.SetCookie, network.SetCookieParams{Name: ck.Name, Value: ck.Value, URL: e.srv.URL}); err != nil {
				return err
			}
		}
		_, err := cdp.Call(ctx, tg, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": lang}})
		return err
	})
}

// axeCheck runs axe-core on the page the browser shows and reports each
// violation naming the page, the rule and the elements.
func axeCheck(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	for _, v := range axeViolations(t, ctx, what) {
		t.Errorf("%s: %s (%s):\n\t%s", what, v.Rule, v.Help, strings.Join(v.Targets, "\n\t"))
	}
}

// axeViolations runs axe-core on the page the browser shows.
func axeViolations(t *testing.T, ctx context.Context, what string) []axeViolation {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Evaluate[*runtime.RemoteObject](axeSource))
	var out string
	if err == nil {
		out, err = chromedp.Run(ctx, chromedp.Evaluate[string](axeRun, chromedp.EvalAwaitPromise))
	}
	if err != nil {
		t.Errorf("%s: axe: %v", what, err)
		return nil
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		t.Errorf("%s: axe answer %q: %v", what, out, err)
	}
	return vs
}

// TestBrowserAxeEveryPage visits every page of the portal, found in the
// route table, in both languages, as a seat that sees it filled with data,
// and fails on any WCAG 2.1 A or AA violation axe-core finds.
func TestBrowserAxeEveryPage(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	e := liveEnv(t)
	s := seedPortal(t, e)
	// Stages before a full session: a password without its code, and a
	// first sign-in that must set up two-step verification.
	half := e.client()
	_, _ = e.user(e.authority, "tia@kominfo.go.id", org.RoleAuthority, true)
	half.post("/login", url.Values{"email": {"tia@kominfo.go.id"}, "password": {password}})
	enrol := e.client()
	_, _ = e.user(e.authority, "eko@kominfo.go.id", org.RoleAuthority, false)
	enrol.post("/login", url.Values{"email": {"eko@kominfo.go.id"}, "password": {password}})
	s.as["half"], s.as["enrol"] = half, enrol
	seats := map[string]string{"/login/totp": "half", "/login/passkey": "half", "/account/totp": "enrol"}
	if _, err := chromedp.Call(ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	// The check itself must see a fault: a planted image without a text
	// alternative and low-contrast text are caught.
	err := chromedp.Do(ctx, seatCookies(e, nil, "en"), chromedp.Navigate(e.srv.URL+"/login"), chromedp.WaitReady(chromedp.CSS("body")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[*runtime.RemoteObject](
		`document.querySelector("main").insertAdjacentHTML("beforeend", '<img src="/static/none.png"><p style="color:#bbb">faint</p>')`)); err != nil {
		t.Fatal(err)
	}
	planted := map[string]bool{}
	for _, v := range axeViolations(t, ctx, "planted") {
		planted[v.Rule] = true
	}
	if !planted["image-alt"] || !planted["color-contrast"] {
		t.Fatalf("axe missed planted faults: found %v", planted)
	}
	visits := s.visits(t)
	for _, lang := range i18n.Langs {
		for _, v := range visits {
			seat := v.seat
			if st, ok := seats[v.pattern]; ok {
				seat = st
			}
			err := chromedp.Do(ctx,
				seatCookies(e, s.as[seat], lang),
				chromedp.Navigate(e.srv.URL+v.path),
				chromedp.WaitReady(chromedp.CSS("body")),
			)
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			what := fmt.Sprintf("%s %s as %q (%s)", lang, v.path, seat, v.pattern)
			if err != nil {
				t.Errorf("%s: %v", what, err)
				continue
			}
			if htmlLang, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`)); err != nil || htmlLang != lang {
				t.Errorf("%s: page language %q, want %q", what, htmlLang, lang)
			}
			axeCheck(t, ctx, what+" at "+strings.TrimPrefix(loc, e.srv.URL))
		}
	}
}
