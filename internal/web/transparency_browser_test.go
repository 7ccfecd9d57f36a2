package web_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sigap/sigap/internal/org"
)

// TestBrowserTransparencyReport signs an authority in, opens the
// transparency page, asks for this month's report and checks that Chromium
// draws its charts and applies its inline style under the portal's policy.
func TestBrowserTransparencyReport(t *testing.T) {
	t.Parallel()
	ctx, e := browser(t), liveEnv(t)
	now := e.clk.Now()
	a := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
	fileOrder(t, a, "t.me/kanaldua")
	// A colleague reads the report: a TOTP code is good for one sign-in only.
	_, secret := e.user(e.authority, "budi@kominfo.go.id", org.RoleAuthority, true)
	err := chromedp.Do(ctx, e.signInSteps("budi@kominfo.go.id", secret, `nav.menu`)...)
	if err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("sign in (at %s): %v", loc, err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(e.srv.URL+"/transparency"),
		chromedp.WaitVisible(css(`#period`)),
		chromedp.SetValue(css(`#from`), now.AddDate(0, 0, -1).Format(time.DateOnly)),
		chromedp.SetValue(css(`#to`), now.AddDate(0, 0, 1).Format(time.DateOnly)),
		chromedp.Submit(css(`#from`)),
		chromedp.WaitVisible(css(`svg`)),
	)
	if err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("open the report (at %s): %v", loc, err)
	}
	border, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("h2")).borderBottomStyle`))
	if err != nil {
		t.Fatal(err)
	}
	if border != "solid" {
		t.Errorf("the report's h2 border is %q: its inline style was blocked by the page's policy", border)
	}
	charts, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg").length`))
	if err != nil {
		t.Fatal(err)
	}
	if charts < 3 {
		t.Errorf("%d charts drawn, want the report's charts (>= 3)", charts)
	}
}
