package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/document"
	"github.com/sigap/sigap/internal/org"
)

// TestDocumentPurgedPage: the notice page says how long a document is kept;
// after its retention the purge job drops the file, the page keeps its name
// and SHA-256 without a link, and a download is 410 with the reason.
func TestDocumentPurgedPage(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
		form := url.Values{"kind": {"order"}, "category": {"terrorism"}, "regime": {"ID-PSE"}, "links": {"https://t.me/chan/9"},
			"explanation": {"Propaganda"}, "legal_basis": {"UU ITE Pasal 40"}, "action": {"send"}, "idem": {"web-keepkeepkeepkeep"}}
		r := c.sendWithDocument(form, "surat.pdf", "application/pdf", document.SamplePDF("Surat 9"))
		if r.status != http.StatusSeeOther {
			t.Fatalf("send: %d %.300s", r.status, r.body)
		}
		path := strings.TrimSuffix(r.location(), "?m=sent")
		first := c.get(path)
		mustContain(t, first.body, "Disimpan sampai", `/documents/0" download`)
		e.clk.Advance(7 * 31 * 24 * time.Hour)
		for range 20 {
			if n, err := e.s.Jobs.RunDue(t.Context(), 16); err != nil || n == 0 {
				break
			}
		}
		// Seven months is past any session: sign in again.
		c.signInAgain()
		page := c.get(path)
		mustContain(t, page.body, "Berkas dihapus", "surat.pdf")
		if strings.Contains(page.body, `/documents/0" download`) {
			t.Errorf("a purged document is still offered for download")
		}
		got := c.get(path + "/documents/0")
		if got.status != http.StatusGone {
			t.Fatalf("a purged download: %d", got.status)
		}
		mustContain(t, got.body, "Masa simpan dokumen ini berakhir")
	})
}
