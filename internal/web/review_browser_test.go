package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserReviewerDecides: an authority files an order; a reviewer signs
// in with TOTP, claims it from the queue, decides remove with the keyboard-
// usable form, and the case page shows the notice as decided.
func TestBrowserReviewerDecides(t *testing.T) {
	t.Parallel()
	ctx, e, a, ntcs := reviewerInBrowser(t, "t.me/kanaldua")
	ntc := ntcs[0]
	text := func(sel string) string { t.Helper(); return textAt(t, ctx, sel) }
	err := chromedp.Do(ctx,
		chromedp.Navigate(e.srv.URL+"/review"),
		chromedp.WaitVisible(css(`#claim`)),
	)
	if err != nil {
		t.Fatalf("queue: %v", err)
	}
	if n := text("#count-order"); n != "1" {
		t.Fatalf("orders waiting: %q, want 1", n)
	}
	err = chromedp.Do(ctx, claimAndDecideSteps()...)
	if err != nil {
		t.Fatalf("claim and decide: %v", err)
	}
	if got := text("#n-" + ntc); !strings.Contains(got, "diputuskan") && !strings.Contains(got, "decided") {
		t.Errorf("notice card after the decision: %q", got)
	}
	if got := text("#case-state"); got != "diputuskan" && got != "decided" {
		t.Errorf("case state %q", got)
	}
	if got := text("#decision-status"); got != "final" {
		t.Errorf("decision status %q", got)
	}
	if r := a.get("/notices/" + ntc); !strings.Contains(r.body, `id="status">diputuskan<`) {
		t.Errorf("the authority's notice page does not show decided")
	}
}

// claimAndDecideSteps press "claim next" on the queue page and decide the
// case it opens: remove, under UU ITE, waiting for the done notice.
func claimAndDecideSteps() []step {
	return []step{
		chromedp.Click(css(`#claim`)),
		chromedp.WaitVisible(css(`#decide-form`)),
		chromedp.SetValue(css(`#d-action`), "remove"),
		chromedp.SendKeys(css(`#d-ground-ref`), "UU ITE Pasal 40 ayat 2b"),
		chromedp.SendKeys(css(`#d-reasons`), "Propaganda terorisme yang menyerukan serangan."),
		chromedp.Click(css(`#decide`)),
		chromedp.WaitVisible(css(`#done`)),
	}
}
