package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sigap/sigap/internal/org"
)

// TestBrowserRevokeKey revokes a key with the org page's button in a real
// browser (so the cross-origin check sees what a browser sends) and finds
// the revocation on the audit page.
func TestBrowserRevokeKey(t *testing.T) {
	t.Parallel()
	ctx, e := browser(t), liveEnv(t)
	_, secret := e.user(e.platform, "admin@platform.example", org.RoleAdmin, true)
	k, err := e.s.Admin.CreateKey(t.Context(), e.authority, org.RoleAuthority)
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx, e.signInSteps("admin@platform.example", secret, `nav.menu`)...)
	if err != nil {
		t.Fatalf("sign-in: %v", err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(e.srv.URL+"/admin/orgs/"+e.authority),
		chromedp.WaitVisible(css(`#revoke-`+k.ID)),
		chromedp.Click(css(`#revoke-`+k.ID)),
		chromedp.WaitVisible(css(`#revoked-`+k.ID+` time`)),
	)
	if err != nil {
		t.Fatalf("revoke: %v", err)
	}
	revoked := textAt(t, ctx, `#revoked-`+k.ID)
	if !strings.Contains(revoked, "WIB") || !strings.Contains(revoked, "UTC") {
		t.Errorf("revoked cell %q, want the time in WIB beside UTC", revoked)
	}
	if st, body := e.apiStatus("GET", "/v1/notices", k.Secret); st != http.StatusUnauthorized || !strings.Contains(body, "key_revoked") {
		t.Errorf("the revoked key: %d %s", st, body)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/audit"), chromedp.WaitVisible(css(`#audit`))); err != nil {
		t.Fatalf("audit page: %v", err)
	}
	first := textAt(t, ctx, `#audit tbody tr`)
	if !strings.Contains(first, "API key revoked") || !strings.Contains(first, k.ID) { // the browser asks for English
		t.Errorf("the newest audit row is %q, want the revocation of %s", first, k.ID)
	}
}
