package web_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sigap/sigap/internal/document"
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
		{"exchange", "/exchange", "admin"},
		{"incidents", "/incidents", "admin"},
		{"incident", "/incidents/" + s.incident, "admin"},
		{"mail-senders", mailSenderSeeded(t, s), "admin"},
		{"notice-documents", documentNoticeSeeded(t, s), "authority"},
		{"notice-preservation", preservationSeeded(t, s), "reviewer"},
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
					compactHeader(t, ctx, what)
				}
			}
		}
	}
}

// maxPhoneHeader is the most height, in CSS pixels, the header may take on a
// 360 px phone: a sixth of an 800 px screen, so the work shows first (it took
// about 280 before the header was made compact).
const maxPhoneHeader = 170

// compactHeader fails when the header is taller than maxPhoneHeader, or when
// a menu group, opened, reaches past the window's edge.
func compactHeader(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	h, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector("header.top").getBoundingClientRect().height`))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if h > maxPhoneHeader {
		t.Errorf("%s: the header is %.0f px tall, want at most %d", what, h, maxPhoneHeader)
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
  const groups = [...document.querySelectorAll(".menu details")];
  const bad = [];
  for (const d of groups) {
    d.open = true;
    const r = d.querySelector("ul").getBoundingClientRect();
    if (r.left < 0 || r.right > window.innerWidth + 1) bad.push(d.querySelector("summary").textContent + " " + r.left + ".." + r.right);
    d.open = false;
  }
  return bad.join(", ");
})()`))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if out != "" {
		t.Errorf("%s: menu groups open past the window's edge: %s", what, out)
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

// mailSenderSeeded registers one e-mail sender for the authority and
// returns the page that lists it.
func mailSenderSeeded(t *testing.T, s *seeded) string {
	t.Helper()
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKIXPublicKey(pub)
	page := "/admin/orgs/" + s.authority + "/mail-senders"
	r := s.as["admin"].post(page, url.Values{"address": {"pejabat@komdigi.go.id"}, "dkim_domain": {"komdigi.go.id"},
		"dkim_selector": {"s1"}, "dkim_public_key": {base64.StdEncoding.EncodeToString(der)}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("mail sender: %d %.300s", r.status, r.body)
	}
	return page
}

// documentNoticeSeeded files an order with a signed-letter PDF and returns
// its page.
func documentNoticeSeeded(t *testing.T, s *seeded) string {
	t.Helper()
	form := url.Values{"kind": {"order"}, "category": {"terrorism"}, "regime": {"ID-PSE"}, "links": {"https://t.me/chan/1"},
		"explanation": {"Propaganda"}, "legal_basis": {"UU ITE Pasal 40"}, "action": {"send"}, "idem": {"web-layoutdocument01"}}
	r := s.as["authority"].sendWithDocument(form, "surat-perintah-dengan-nama-panjang.pdf", "application/pdf", document.SamplePDF("Surat Perintah"))
	if r.status != http.StatusSeeOther {
		t.Fatalf("notice with a PDF: %d %.300s", r.status, r.body)
	}
	return strings.TrimSuffix(r.location(), "?m=sent")
}

// preservationSeeded files a preservation request that the platform has
// confirmed and returns its page.
func preservationSeeded(t *testing.T, s *seeded) string {
	t.Helper()
	path := s.as["authority"].file(t, url.Values{"kind": {"preservation"}, "category": {"fraud"}, "regime": {"ID-PSE"},
		"explanation": {"Penyidikan penipuan"}, "legal_basis": {"KUHAP Pasal 39"}, "action": {"send"},
		"links": {"https://t.me/prs_layout/1"}, "preserve_days": {"30"}, "idem": {"web-layoutpreserve01"}})
	if r := s.as["reviewer"].post(path+"/preservation", url.Values{"snapshot_ref": {"vault://prs/layout"}}); r.status != http.StatusSeeOther {
		t.Fatalf("confirm preservation: %d %.300s", r.status, r.body)
	}
	return path
}
