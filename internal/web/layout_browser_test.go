package web_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
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
