package httpapi_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"mime/multipart"
	"net/textproto"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/document"
	"github.com/sigap/sigap/internal/receipt"
)

// docPart is one part of a multipart notice.
type docPart struct {
	field, name, contentType string
	data                     []byte
}

// multipartNotice builds a multipart/form-data notice: the JSON in a part
// named notice (unless body is nil) and the parts; it returns the body and
// its Content-Type.
func multipartNotice(t *testing.T, body []byte, parts ...docPart) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if err := w.SetBoundary("sigap-test-boundary"); err != nil {
		t.Fatal(err)
	}
	if body != nil {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="notice"`)
		h.Set("Content-Type", "application/json")
		pw, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		pw.Write(body)
	}
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, p.field, p.name))
		h.Set("Content-Type", p.contentType)
		pw, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		pw.Write(p.data)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), w.FormDataContentType()
}

func smallPNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 3, 2))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

type documentsAnswer struct {
	ID        string `json:"id"`
	Receipt   receipt.Receipt
	Documents []struct {
		Name, ContentType, SHA256, URL string
		Size                           int64
	} `json:"documents"`
	Timeline []struct{ Type string } `json:"timeline"`
}

func TestNoticeDocuments(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		_, key := e.member(t, "Kominfo", "authority")
		_, other := e.member(t, "BNPT", "authority")
		pdf := document.SamplePDF("Surat Perintah Nomor 12/2026")
		pngData := smallPNG(t)
		var keys struct{ Keys []receipt.PublicKey }
		e.do(t, "GET", "/v1/keys", "", nil).decode(t, &keys)

		check := func(t *testing.T, r reply, want [][]byte, names []string) documentsAnswer {
			t.Helper()
			var a documentsAnswer
			r.decode(t, &a)
			payload, err := receipt.Verify(a.Receipt, keys.Keys)
			if err != nil {
				t.Fatalf("receipt: %v", err)
			}
			signed, _ := payload["documents"].([]any)
			if len(a.Documents) != len(want) || len(signed) != len(want) {
				t.Fatalf("documents %+v, receipt's %v; want %d", a.Documents, payload["documents"], len(want))
			}
			for i, d := range a.Documents {
				s, _ := signed[i].(map[string]any)
				if d.SHA256 != sha(want[i]) || d.Size != int64(len(want[i])) || d.Name != names[i] || s["sha256"] != d.SHA256 || s["name"] != names[i] ||
					d.URL != fmt.Sprintf("/v1/notices/%s/documents/%d", a.ID, i) {
					t.Errorf("document %d = %+v, receipt's %v; want %s %d bytes", i, d, s, sha(want[i]), len(want[i]))
				}
			}
			return a
		}

		// In the JSON body, base64.
		body := mustJSON(t, notice("order", "terrorism", []string{"https://t.me/chan/1"}, "documents",
			[]map[string]string{{"name": "surat.pdf", "content_type": "application/pdf", "data_base64": base64.StdEncoding.EncodeToString(pdf)}}))
		_, r := e.submit(t, key, body)
		a := check(t, r, [][]byte{pdf}, []string{"surat.pdf"})

		// The bytes come back to the sender and the platform, each read on the timeline; another authority sees nothing.
		got := e.do(t, "GET", a.Documents[0].URL, key, nil).want(t, 200, "download")
		sum := sha256.Sum256(pdf)
		if !bytes.Equal(got.Body, pdf) || got.Header.Get("Content-Type") != "application/pdf" ||
			got.Header.Get("Repr-Digest") != "sha-256=:"+base64.StdEncoding.EncodeToString(sum[:])+":" ||
			!strings.HasPrefix(got.Header.Get("Content-Disposition"), "attachment;") {
			t.Errorf("download: %d bytes, headers %v", len(got.Body), got.Header)
		}
		e.do(t, "GET", a.Documents[0].URL, e.key(t, platformOrg(t, e), "reviewer"), nil).want(t, 200, "platform download")
		if p := e.do(t, "GET", a.Documents[0].URL, other, nil).want(t, 404, "another authority").problem(t); p.Code != "not_found" {
			t.Errorf("another authority: %+v", p)
		}
		e.do(t, "GET", "/v1/notices/"+a.ID+"/documents/1", key, nil).want(t, 404, "no second document")
		e.do(t, "GET", "/v1/notices/"+a.ID+"/documents/x", key, nil).want(t, 404, "not a number")
		var detail documentsAnswer
		e.do(t, "GET", "/v1/notices/"+a.ID, key, nil).want(t, 200, "get").decode(t, &detail)
		reads, attached := 0, 0
		for _, ev := range detail.Timeline {
			reads += map[bool]int{true: 1}[ev.Type == "document.accessed"]
			attached += map[bool]int{true: 1}[ev.Type == "notice.documents"]
		}
		if len(detail.Documents) != 1 || reads != 2 || attached != 1 {
			t.Errorf("GET notice: documents %+v, %d reads and %d attach events on the timeline; want 1, 2, 1", detail.Documents, reads, attached)
		}

		// As multipart: the JSON and two files; replayed with its key, the same answer; with another file, 409.
		body = mustJSON(t, notice("order", "terrorism", []string{"https://t.me/chan/2"}))
		mp, ct := multipartNotice(t, body, docPart{"document", "surat.pdf", "application/pdf", pdf}, docPart{"document", "foto.png", "image/png", pngData})
		r = e.do(t, "POST", "/v1/notices", key, mp, "Content-Type", ct, "Idempotency-Key", "MP-1").want(t, 201, "multipart")
		first := check(t, r, [][]byte{pdf, pngData}, []string{"surat.pdf", "foto.png"})
		r = e.do(t, "POST", "/v1/notices", key, mp, "Content-Type", ct, "Idempotency-Key", "MP-1").want(t, 201, "multipart replay")
		if again := check(t, r, [][]byte{pdf, pngData}, []string{"surat.pdf", "foto.png"}); again.ID != first.ID || r.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("replay answered %s, want %s replayed", again.ID, first.ID)
		}
		mp2, ct2 := multipartNotice(t, body, docPart{"document", "surat.pdf", "application/pdf", document.SamplePDF("another letter")}, docPart{"document", "foto.png", "image/png", pngData})
		e.do(t, "POST", "/v1/notices", key, mp2, "Content-Type", ct2, "Idempotency-Key", "MP-1").want(t, 409, "same key, other file")
	})
}

// platformOrg is the id of the platform's own org.
func platformOrg(t *testing.T, e *env) string {
	t.Helper()
	var orgs struct{ Items []orgView }
	e.do(t, "GET", "/v1/orgs", e.admin, nil).want(t, 200, "orgs").decode(t, &orgs)
	for _, o := range orgs.Items {
		if o.Kind == "platform" {
			return o.ID
		}
	}
	t.Fatal("no platform org")
	return ""
}

func TestNoticeDocumentsRefused(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		_, key := e.member(t, "Kominfo", "authority")
		_, flagger := e.member(t, "Mafindo", "flagger")
		pdf := document.SamplePDF("x")
		zip := append([]byte("PK\x03\x04\x14\x00\x00\x00"), make([]byte, 64)...)
		exe := append([]byte("MZ\x90\x00"), make([]byte, 64)...)
		body := mustJSON(t, notice("order", "terrorism", []string{"https://t.me/chan/9"}))
		inJSON := func(docs ...map[string]string) []byte {
			return mustJSON(t, notice("order", "terrorism", []string{"https://t.me/chan/9"}, "documents", docs))
		}
		b64 := base64.StdEncoding.EncodeToString
		tests := []struct {
			name        string
			body        []byte
			contentType string
			key         string
			status      int
			field, code string
		}{
			{name: "JSON: zip named PDF", body: inJSON(map[string]string{"name": "surat.pdf", "content_type": "application/pdf", "data_base64": b64(zip)}),
				status: 422, field: "documents[0]", code: "content_type_mismatch"},
			{name: "JSON: executable named PDF", body: inJSON(map[string]string{"name": "surat.pdf", "content_type": "application/pdf", "data_base64": b64(exe)}),
				status: 422, field: "documents[0]", code: "content_type_mismatch"},
			{name: "JSON: malformed PDF", body: inJSON(map[string]string{"name": "surat.pdf", "content_type": "application/pdf", "data_base64": b64(pdf[:len(pdf)-30])}),
				status: 422, field: "documents[0]", code: "malformed_pdf"},
			{name: "JSON: wrong content type", body: inJSON(map[string]string{"name": "surat.zip", "content_type": "application/zip", "data_base64": b64(zip)}),
				status: 422, field: "documents[0]", code: "unsupported_content_type"},
			{name: "JSON: not base64", body: inJSON(map[string]string{"name": "surat.pdf", "content_type": "application/pdf", "data_base64": "%%%"}),
				status: 422, field: "documents[0].data_base64", code: "invalid"},
			{name: "JSON: not a list", body: mustJSON(t, notice("order", "terrorism", []string{"https://t.me/chan/9"}, "documents", "surat.pdf")),
				status: 422, field: "documents", code: "wrong_type"},
			{name: "JSON: eleven files", body: inJSON(make([]map[string]string, 11)...), status: 422, field: "documents", code: "too_many_documents"},
			{name: "JSON: over the body limit", body: inJSON(map[string]string{"name": "a.pdf", "content_type": "application/pdf", "data_base64": b64(make([]byte, 7<<20))}),
				status: 413, code: "body_too_large"},
			{name: "multipart: zip named PDF", body: mp(t, body, docPart{"document", "surat.pdf", "application/pdf", zip}), status: 422, field: "documents[0]", code: "content_type_mismatch"},
			{name: "multipart: a good and a bad file", body: mp(t, body, docPart{"document", "a.pdf", "application/pdf", pdf}, docPart{"document", "b.pdf", "application/pdf", []byte("%PDF-1.7\nnot really\n%%EOF")}),
				status: 422, field: "documents[1]", code: "malformed_pdf"},
			{name: "multipart: file over 4 MiB", body: mp(t, body, docPart{"document", "a.pdf", "application/pdf", append(bytes.Clone(pdf), make([]byte, 4<<20)...)}),
				status: 422, field: "documents[0]", code: "document_too_large"},
			{name: "multipart: over 5 MiB together", body: mp(t, body, docPart{"document", "a.png", "image/png", padPNG(t, 3<<20)}, docPart{"document", "b.png", "image/png", padPNG(t, 3<<20)}),
				status: 422, field: "documents", code: "document_too_large"},
			{name: "JSON: path in the file name", body: inJSON(map[string]string{"name": "../../etc/surat.pdf", "content_type": "application/pdf", "data_base64": b64(pdf)}),
				status: 422, field: "documents[0]", code: "invalid_document_name"},
			{name: "multipart: no notice part", body: mp(t, nil, docPart{"document", "a.pdf", "application/pdf", pdf}), status: 422, field: "notice", code: "required"},
			{name: "multipart: unknown part", body: mp(t, body, docPart{"script", "x.js", "text/javascript", []byte("alert(1)")}), status: 422, field: "script", code: "unknown_field"},
			{name: "multipart: cut short", body: mp(t, body, docPart{"document", "a.pdf", "application/pdf", pdf})[:200], status: 400, code: "malformed_multipart"},
			{name: "multipart: no boundary", body: []byte("x"), contentType: "multipart/form-data", status: 400, code: "malformed_multipart"},
			{name: "multipart: bad JSON", body: mp(t, []byte(`{"kind": "order",`), docPart{"document", "a.pdf", "application/pdf", pdf}), status: 400, code: "malformed_json"},
			{name: "unauthenticated", body: mp(t, body, docPart{"document", "a.pdf", "application/pdf", pdf}), key: "-", status: 401},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				k := key
				if tt.key == "-" {
					k = ""
				}
				ct := tt.contentType
				if ct == "" && !json.Valid(tt.body) {
					ct = mpType
				}
				var headers []string
				if ct != "" {
					headers = []string{"Content-Type", ct}
				}
				r := e.do(t, "POST", "/v1/notices", k, tt.body, headers...)
				if r.Status != tt.status {
					t.Fatalf("status %d, want %d: %s", r.Status, tt.status, r.Body)
				}
				p := r.problem(t)
				if tt.code != "" && p.Code != tt.code && !p.hasError(tt.field, tt.code) {
					t.Errorf("problem %s, want %s on %q", r.Body, tt.code, tt.field)
				}
				if tt.field != "" {
					for _, fe := range p.Errors {
						if fe.Field == tt.field && !strings.Contains(fe.Message, " / ") {
							t.Errorf("message %q is not in both languages", fe.Message)
						}
					}
				}
			})
		}
		// Nothing was stored by any of them.
		var list struct{ Items []struct{ ID string } }
		e.do(t, "GET", "/v1/notices", key, nil).want(t, 200, "list").decode(t, &list)
		if len(list.Items) != 0 {
			t.Errorf("%d notices stored by refused requests", len(list.Items))
		}
		// A flagger's flag may carry a document too: documents are not an authority's alone.
		flag := mustJSON(t, notice("flag", "terrorism", []string{"https://t.me/chan/3"}, "documents",
			[]map[string]string{{"name": "bukti.pdf", "content_type": "application/pdf", "data_base64": b64(pdf)}}))
		e.submit(t, flagger, flag)
	})
}

// mpType is the Content-Type every mp body is built with (one fixed boundary).
const mpType = "multipart/form-data; boundary=sigap-test-boundary"

// mp is multipartNotice with the fixed boundary of mpType.
func mp(t *testing.T, body []byte, parts ...docPart) []byte {
	t.Helper()
	b, _ := multipartNotice(t, body, parts...)
	return b
}

// padPNG is a valid PNG of about n bytes (an ancillary chunk carries the padding).
func padPNG(t *testing.T, n int) []byte {
	t.Helper()
	p := smallPNG(t)
	// Insert a private ancillary chunk "prVt" after the 8-byte signature and IHDR (25 bytes).
	data := make([]byte, n)
	chunk := make([]byte, 0, n+12)
	chunk = append(chunk, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	chunk = append(chunk, "prVt"...)
	chunk = append(chunk, data...)
	crc := crc32.ChecksumIEEE(append([]byte("prVt"), data...))
	chunk = append(chunk, byte(crc>>24), byte(crc>>16), byte(crc>>8), byte(crc))
	out := append(append(bytes.Clone(p[:33]), chunk...), p[33:]...)
	return out
}
