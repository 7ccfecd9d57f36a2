package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sigap/sigap/internal/org"
)

// TestBrowserLayoutsPhoneToWide opens the main flows at a phone's 360 px
// and a laptop's 1280 px in both languages: no page is wider than the
// window (tables scroll within themselves), and axe-core finds nothing at
// either width. Screenshots go to SIGAP_SCREENSHOTS when set (the docs'
// pictures come from there), else to a temporary directory.
func TestBrowserLayoutsPhoneToWide(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	e := liveEnv(t)
	s := seedPortal(t, e)
	dir := os.Getenv("SIGAP_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	pages := []pageVisit{
		{"dashboard-authority", "/dashboard", "authority"},
		{"notice", "/notices/" + s.open, "authority"},
		{"new-notice", "/notices/new", "authority"},
		{"dashboard-platform", "/dashboard", "admin"},
		{"review-queue", "/review", "reviewer"},
		{"case", "/review/cases/" + s.caseID, "reviewer"},
		{"notices", "/notices", "reviewer"},
		{"banks", "/banks", "admin"},
		{"bank", "/banks/" + s.bank, "admin"},
		{"hits", "/hits", "admin"},
		{"audit", "/audit", "admin"},
	}
	for _, size := range [][2]int64{{360, 800}, {1280, 900}} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(size[0], size[1])); err != nil {
			t.Fatal(err)
		}
		for _, lang := range []string{"id", "en"} {
			for _, pg := range pages {
				what := fmt.Sprintf("%s at %dpx in %s", pg.path, size[0], lang)
				err := chromedp.Do(ctx, seatCookies(e, s.as[pg.seat], lang), chromedp.Navigate(e.srv.URL+pg.path),
					chromedp.WaitReady(chromedp.CSS("body")))
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				noOverflow(t, ctx, what)
				png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
				if err != nil {
					t.Fatalf("%s: screenshot: %v", what, err)
				}
				name := fmt.Sprintf("%s-%d-%s.png", pg.pattern, size[0], lang)
				if err := os.WriteFile(filepath.Join(dir, strings.ReplaceAll(name, "/", "_")), png, 0o644); err != nil {
					t.Fatal(err)
				}
				if size[0] == 360 {
					axeCheck(t, ctx, what)
				}
			}
		}
	}
}

// noOverflow fails when the page is wider than the window, naming the
// elements that stick out (those in a scrolling region may).
func noOverflow(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	over, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
  const w = window.innerWidth;
  if (document.documentElement.scrollWidth <= w) return "";
  const wide = [...document.querySelectorAll("body *")].filter(el => el.getBoundingClientRect().right > w + 1 && !el.closest(".scroll"));
  return document.documentElement.scrollWidth + " > " + w + ": " + wide.slice(0, 5).map(el => el.tagName + (el.id ? "#" + el.id : "") + "." + el.className).join(", ");
})()`))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if over != "" {
		t.Errorf("%s: the page is wider than the window: %s", what, over)
	}
}

// TestBrowserPhoneFileAndFollow: a ministry officer on a 360 px phone files
// an urgent order with taps and typing, and follows its clock on the notice
// page; then a reviewer on the same phone claims and decides it, and the
// officer sees it decided. No page is wider than the phone.
func TestBrowserPhoneFileAndFollow(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	e := liveEnv(t)
	auth := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
	rev := signedIn(t, e, e.platform, "rina@platform.example", org.RoleReviewer)
	err := chromedp.Do(ctx, append([]step{chromedp.EmulateViewport(360, 800), seatCookies(e, auth, "id")},
		orderFormSteps(e.srv.URL, "https://t.me/s/KanalSatu/12\nt.me/kanaldua")...)...)
	if err != nil {
		t.Fatalf("filling the form on a phone: %v", err)
	}
	noOverflow(t, ctx, "the checked form")
	if err := chromedp.Do(ctx, chromedp.Click(css(`#send`)), chromedp.WaitVisible(css(`#time-left`))); err != nil {
		t.Fatalf("sending: %v", err)
	}
	if left := textAt(t, ctx, "#time-left"); !strings.HasPrefix(left, "sisa ") {
		t.Errorf("the clock reads %q", left)
	}
	noOverflow(t, ctx, "the notice page")
	notice, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx, append([]step{seatCookies(e, rev, "id"), chromedp.Navigate(e.srv.URL + "/review"),
		chromedp.WaitVisible(css(`#claim`))}, claimAndDecideSteps()...)...)
	if err != nil {
		t.Fatalf("deciding on a phone: %v", err)
	}
	noOverflow(t, ctx, "the decided case")
	err = chromedp.Do(ctx, seatCookies(e, auth, "id"), chromedp.Navigate(strings.SplitN(notice, "?", 2)[0]), chromedp.WaitVisible(css(`#status`)))
	if err != nil {
		t.Fatal(err)
	}
	if st := textAt(t, ctx, "#status"); !strings.Contains(st, "ditinjau") && !strings.Contains(st, "diputuskan") {
		t.Errorf("the officer's notice after one of its cases was decided: %q", st)
	}
}
