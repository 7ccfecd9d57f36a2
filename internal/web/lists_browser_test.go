package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/org"
)

func TestBrowserShadowKeywordList(t *testing.T) {
	t.Parallel()
	ctx, e := browser(t), sqliteEnv(t)
	secret := e.userIn(i18n.ID, e.platform, "admin@platform.example", org.RoleAdmin)
	err := chromedp.Do(ctx, e.signInSteps("admin@platform.example", secret, `#main`,
		// The menu's Filtering group opens to show its pages.
		chromedp.Click(css(`details:has(a[href="/lists"]) > summary`)),
		chromedp.Click(css(`a[href="/lists"]`)),
		chromedp.WaitVisible(css(`#name`)),
		chromedp.SendKeys(css(`#name`), "Kata kunci uji"),
		chromedp.SetValue(css(`#kind`), "keyword"),
		chromedp.SetValue(css(`#policy`), "shadow"),
		chromedp.SendKeys(css(`#labels`), "terrorism"),
		chromedp.Click(css(`#create`)),
		chromedp.WaitVisible(css(`#done`)),
		chromedp.SendKeys(css(`#value`), "bom bunuh diri"),
		chromedp.SendKeys(css(`#source`), "uji peramban"),
		chromedp.Click(css(`#add`)),
		chromedp.WaitVisible(css(`#entries`)),
	)...)
	if err != nil {
		t.Fatalf("create a list and add an entry: %v", err)
	}
	read := func(sel string) string { t.Helper(); return textAt(t, ctx, sel) }
	if policy, entries, n := read("#policy-now"), read("#entries"), read("#n-entries"); !strings.Contains(policy, "bayangan") ||
		!strings.Contains(entries, "bom bunuh diri") || !strings.Contains(entries, "uji peramban") || n != "1" {
		t.Errorf("list page: policy %q, entries %q, count %q", policy, entries, n)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/lists"), chromedp.WaitVisible(css(`#sets`))); err != nil {
		t.Fatal(err)
	}
	if sets := read("#sets"); !strings.Contains(sets, "Kata kunci uji") || !strings.Contains(sets, "bayangan") {
		t.Errorf("lists page: %q", sets)
	}
}
