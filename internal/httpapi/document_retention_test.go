package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/casetest"
	"github.com/sigap/sigap/internal/document"
)

// TestDocumentRetention: a notice's documents follow the evidence rules.
// One held past its retention keeps its bytes; one not held loses them six
// months after receipt, while its name, size and SHA-256 stay on the notice,
// the purge on its timeline; reading it then is 410 document_purged.
func TestDocumentRetention(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newEnforceEnv, func(ctx context.Context, t *testing.T, e *reviewEnv) {
		pdf := document.SamplePDF("Surat Nomor 7/2026")
		file := func(ref string) string {
			body := map[string]any{"kind": "order", "category": "terrorism", "explanation": "incites violence", "reference": ref,
				"legal_basis": "UU ITE Art. 40", "subjects": []map[string]string{{"url": "https://t.me/keepchan/" + ref}}, "language": "id",
				"documents": []map[string]string{{"name": "surat.pdf", "content_type": "application/pdf", "data_base64": base64.StdEncoding.EncodeToString(pdf)}}}
			var n struct{ ID string }
			e.json(t, "POST", "/v1/notices", e.authA, body).want(t, 201, "notice").decode(t, &n)
			return n.ID
		}
		held, plain := file("1"), file("2")
		hold := func(key, nid, index string, body map[string]string) reply {
			return e.json(t, "POST", "/v1/notices/"+nid+"/documents/"+index+"/hold", key, body)
		}
		until := e.clk.Now().AddDate(1, 0, 0).Format(time.RFC3339)
		ok := map[string]string{"until": until, "reason": "penyidikan 12/2026"}

		// Who may not hold, and bad holds, change nothing.
		for _, c := range []struct {
			name, key, nid, index string
			body                  map[string]string
			status                int
			code                  string
		}{
			{"another authority", e.authB, held, "0", ok, 404, "not_found"},
			{"a reviewer", e.rev1, held, "0", ok, 403, ""},
			{"an auditor", e.auditor, held, "0", ok, 403, ""},
			{"no key", "", held, "0", ok, 401, ""},
			{"no such document", e.authA, held, "1", ok, 404, "not_found"},
			{"a negative index", e.authA, held, "-1", ok, 404, "not_found"},
			{"a huge index", e.authA, held, "99999999999999999999", ok, 404, "not_found"},
			{"no such notice", e.authA, "ntc_nope", "0", ok, 404, "not_found"},
			{"a bad time", e.authA, held, "0", map[string]string{"until": "tomorrow", "reason": "x"}, 422, ""},
			{"a past time", e.authA, held, "0", map[string]string{"until": "2001-01-01T00:00:00Z", "reason": "x"}, 422, ""},
			{"no reason", e.authA, held, "0", map[string]string{"until": until}, 422, ""},
			{"a long reason", e.authA, held, "0", map[string]string{"until": until, "reason": strings.Repeat("x", 2001)}, 422, ""},
		} {
			r := hold(c.key, c.nid, c.index, c.body)
			if r.Status != c.status {
				t.Errorf("%s: %d %s, want %d", c.name, r.Status, r.Body, c.status)
			} else if c.code != "" && r.problem(t).Code != c.code {
				t.Errorf("%s: %s, want %s", c.name, r.Body, c.code)
			}
		}
		var kept struct {
			KeepUntil time.Time  `json:"keep_until"`
			HoldUntil *time.Time `json:"hold_until"`
			SHA256    string
		}
		hold(e.authA, held, "0", ok).want(t, 200, "hold").decode(t, &kept)
		if kept.HoldUntil == nil || kept.HoldUntil.Format(time.RFC3339) != until || !kept.KeepUntil.Equal(e.clk.Now().AddDate(0, 6, 0)) {
			t.Errorf("held document: %+v", kept)
		}

		// Seven months on: the plain one is purged, the held one is kept.
		e.clk.Advance(7 * 31 * 24 * time.Hour)
		e.drain(t)
		if p := e.do(t, "GET", "/v1/notices/"+plain+"/documents/0", e.authA, nil).want(t, 410, "purged read").problem(t); p.Code != "document_purged" {
			t.Errorf("purged read: %+v", p)
		}
		if r := e.do(t, "GET", "/v1/notices/"+held+"/documents/0", e.authA, nil).want(t, 200, "held read"); !bytes.Equal(r.Body, pdf) {
			t.Errorf("the held document's bytes changed: %d bytes", len(r.Body))
		}
		var n struct {
			Documents []struct {
				Name, SHA256 string
				Size         int64
				PurgedAt     *time.Time `json:"purged_at"`
			}
			Timeline []struct{ Type string }
		}
		e.do(t, "GET", "/v1/notices/"+plain, e.authA, nil).want(t, 200, "notice").decode(t, &n)
		if len(n.Documents) != 1 || n.Documents[0].PurgedAt == nil || n.Documents[0].SHA256 != sha(pdf) || n.Documents[0].Size != int64(len(pdf)) || n.Documents[0].Name != "surat.pdf" {
			t.Errorf("purged document's record: %+v", n.Documents)
		}
		if hold(e.authA, plain, "0", map[string]string{"until": e.clk.Now().AddDate(1, 0, 0).Format(time.RFC3339), "reason": "late"}).Status != 410 {
			t.Errorf("a purged document was held")
		}

		// Past the hold, the held one goes too.
		e.clk.Advance(6 * 31 * 24 * time.Hour)
		e.drain(t)
		e.do(t, "GET", "/v1/notices/"+held+"/documents/0", e.admin, nil).want(t, 410, "read past the hold")
		e.do(t, "GET", "/v1/notices/"+held, e.authA, nil).want(t, 200, "notice").decode(t, &n)
		seen := map[string]bool{}
		for _, ev := range n.Timeline {
			seen[ev.Type] = true
		}
		if !seen["notice.documents"] || !seen["document.hold"] || !seen["document.accessed"] || !seen["document.purged"] {
			t.Errorf("the timeline lacks the documents' keeping: %v", seen)
		}
	})
}
