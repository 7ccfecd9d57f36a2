package web_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sigap/sigap/internal/document"
	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/org"
)

// sendWithDocument posts the new-notice form, sent, with one file in its document input.
func (c *client) sendWithDocument(form url.Values, name, contentType string, data []byte) resp {
	c.e.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range form {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="document"; filename="`+name+`"`)
	h.Set("Content-Type", contentType)
	fw, _ := mw.CreatePart(h)
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", c.e.srv.URL+"/notices/new", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// documentForm is a plain order, sent, for the tests to attach documents to.
func documentForm() url.Values {
	return url.Values{"kind": {"order"}, "category": {"terrorism"}, "regime": {"ID-PSE"}, "links": {"https://t.me/chan/1"},
		"explanation": {"Propaganda"}, "legal_basis": {"UU ITE Pasal 40"}, "action": {"send"}, "idem": {"web-abcdefghijklmnop"}}
}

// sendPDF sends documentForm with pdf as the document name, wants it
// filed, and returns the new notice's page.
func (c *client) sendPDF(name string, pdf []byte) string {
	c.e.t.Helper()
	r := c.sendWithDocument(documentForm(), name, "application/pdf", pdf)
	if r.status != http.StatusSeeOther {
		c.e.t.Fatalf("send with a PDF: %d %.300s", r.status, r.body)
	}
	return strings.TrimSuffix(r.location(), "?m=sent")
}

func TestNewNoticeDocuments(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
		form := documentForm()
		pdf := document.SamplePDF("Surat Perintah")
		zip := append([]byte("PK\x03\x04\x14\x00"), make([]byte, 40)...)
		tests := []struct {
			name, file, ct string
			data           []byte
			want           string
		}{
			{"zip named PDF", "surat.pdf", "application/pdf", zip, "zip"},
			{"malformed PDF", "surat.pdf", "application/pdf", pdf[:len(pdf)/2], "PDF tidak sah"},
			{"wrong type", "surat.exe", "application/x-msdownload", []byte("MZ\x90\x00"), "application/x-msdownload"},
			{"huge", "surat.pdf", "application/pdf", append(bytes.Clone(pdf), make([]byte, document.MaxFileSize)...), "4 MiB"},
		}
		before := e.counts()
		for _, tt := range tests {
			r := c.sendWithDocument(form, tt.file, tt.ct, tt.data)
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("%s: status %d, want 422", tt.name, r.status)
			}
			mustContain(t, r.body, i18n.T(i18n.ID, "field.documents"), tt.want)
		}
		sameCounts(t, before, e.counts())

		path := c.sendPDF("surat.pdf", pdf)
		page := c.get(path)
		sum := sha256.Sum256(pdf)
		mustContain(t, page.body, "surat.pdf", hex.EncodeToString(sum[:]), "/documents/0")
		id := strings.TrimPrefix(path, "/notices/")
		got := c.get("/notices/" + id + "/documents/0")
		if got.status != 200 || got.body != string(pdf) || got.h.Get("Content-Type") != "application/pdf" {
			t.Errorf("download: %d %q", got.status, got.h.Get("Content-Type"))
		}
		if got := c.get("/notices/" + id + "/documents/3"); got.status != http.StatusNotFound {
			t.Errorf("a document that is not there: %d", got.status)
		}
		// Another authority's user cannot read it.
		c2 := anotherOfficer(t, e)
		if got := c2.get("/notices/" + id + "/documents/0"); got.status != http.StatusNotFound {
			t.Errorf("another authority's download: %d", got.status)
		}
	})
}

func TestBrowserNoticeWithPDF(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	e := liveEnv(t)
	secret := e.userIn(i18n.EN, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
	pdf := document.SamplePDF("Surat Perintah Nomor 7/2026")
	path := filepath.Join(t.TempDir(), "surat-7.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	base := e.srv.URL
	if err := chromedp.Do(ctx, loginStep(base+"/", "ana@kominfo.go.id", password, `#code`)...); err != nil {
		t.Fatalf("password step: %v", err)
	}
	if err := chromedp.Do(ctx, codeStep(e.code(secret), `#open-h`)...); err != nil {
		t.Fatalf("TOTP step: %v", err)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/notices/new"),
		chromedp.WaitVisible(css(`#links`)),
		chromedp.SetValue(css(`#kind`), "order"),
		chromedp.SetValue(css(`#category`), "terrorism"),
		chromedp.SendKeys(css(`#links`), "https://t.me/s/KanalSatu/12"),
		chromedp.SendKeys(css(`#explanation`), "Propaganda terorisme."),
		chromedp.SendKeys(css(`#legal_basis`), "UU ITE Pasal 40 ayat (2b)"),
		chromedp.Click(css(`#check`)),
		chromedp.WaitVisible(css(`#send`)),
		chromedp.SetUploadFiles(css(`#document`), []string{path}),
		chromedp.Click(css(`#send`)),
		chromedp.WaitVisible(css(`#documents`)),
	)
	if err != nil {
		t.Fatalf("filing with a PDF: %v", err)
	}
	sum := sha256.Sum256(pdf)
	table := textAt(t, ctx, "#documents")
	if !strings.Contains(table, "surat-7.pdf") || !strings.Contains(table, hex.EncodeToString(sum[:])) ||
		!strings.Contains(table, i18n.T(i18n.EN, "notice.doc.bytes", len(pdf))) {
		t.Errorf("documents table: %q", table)
	}
}

// TestDocumentPurgedPage: the notice page says how long a document is kept;
// after its retention the purge job drops the file, the page keeps its name
// and SHA-256 without a link, and a download is 410 with the reason.
func TestDocumentPurgedPage(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
		path := c.sendPDF("surat.pdf", document.SamplePDF("Surat 9"))
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
