package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/org"
)

// postNotice files an order of links public channels through the API as the
// authority and returns its ID.
func postNotice(tb testing.TB, e *env, links int) string {
	tb.Helper()
	k, err := e.s.Admin.CreateKey(tb.Context(), e.authority, org.RoleAuthority)
	if err != nil {
		tb.Fatal(err)
	}
	subjects := make([]map[string]string, links)
	for i := range subjects {
		subjects[i] = map[string]string{"url": fmt.Sprintf("https://t.me/s/kanal%06d/%d", i, i%7+1)}
	}
	body, _ := json.Marshal(map[string]any{"kind": "order", "category": "terrorism", "explanation": "Propaganda terorisme.",
		"legal_basis": "UU ITE Pasal 40", "subjects": subjects})
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/v1/notices", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+k.Secret)
	r := e.client().do(req)
	var n struct{ ID string }
	if err := json.Unmarshal([]byte(r.body), &n); r.status != http.StatusCreated || err != nil || n.ID == "" {
		tb.Fatalf("POST /v1/notices: %d %.500s", r.status, r.body)
	}
	return n.ID
}

// BenchmarkNoticePage100k opens the page of a notice of 100,000 links, as
// its authority, on SQLite: the figure in docs/benchmarks.md.
func BenchmarkNoticePage100k(b *testing.B) {
	e := sqliteEnv(b)
	id := postNotice(b, e, 100_000)
	c := signedIn(b, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
	for _, bb := range []struct{ name, query string }{
		{"first", ""},
		{"last", "?page=1000&cases=1000"},
		{"search", "?q=kanal04999"},
		{"timeline-last", "?events=201"},
	} {
		b.Run(bb.name, func(b *testing.B) {
			var size int
			for b.Loop() {
				r := c.get("/notices/" + id + bb.query)
				if r.status != http.StatusOK {
					b.Fatalf("notice page: %d", r.status)
				}
				size = len(r.body)
			}
			b.ReportMetric(float64(size), "bytes/page")
		})
	}
}

// TestNoticePagePages checks that a long notice's links and cases come a
// page at a time, that the search narrows both, and that the pager speaks
// the page's language.
func TestNoticePagePages(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		id := postNotice(t, e, 250)
		c := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
		tests := []struct {
			name, lang, query string
			links, cases      int
			wants             []string
			lacks             []string
		}{
			{"first page", "id", "", 100, 100,
				[]string{"Halaman 1 dari 3", `href="/notices/` + id + `?page=2#subjects-h" rel="next"`, `href="/notices/` + id + `?cases=2#cases-h" rel="next"`, `">https://t.me/s/kanal000099/`, "<code>telegram:message/kanal000099/"},
				[]string{`rel="prev"`, `">https://t.me/s/kanal000100/`, "<code>telegram:message/kanal000100/"}},
			{"last page of links, in English", "en", "?page=3", 50, 100,
				[]string{"Page 3 of 3", "Page 1 of 3", `href="/notices/` + id + `?page=2#subjects-h" rel="prev"`, `">https://t.me/s/kanal000249/`},
				[]string{`">https://t.me/s/kanal000199/`}},
			{"a page past the end is the last", "id", "?page=99&cases=2", 50, 100,
				[]string{"Halaman 3 dari 3", "Halaman 2 dari 3", `href="/notices/` + id + `?page=3#cases-h" rel="prev"`}, nil},
			{"nonsense page numbers are the first and the last", "id", "?page=-3&cases=99999999999999999", 100, 50,
				[]string{"Halaman 1 dari 3", "Halaman 3 dari 3", `href="/notices/` + id + `?cases=3&amp;page=2#subjects-h" rel="next"`}, nil},
			{"search narrows links and cases", "en", "?q=KANAL00012", 10, 10,
				[]string{"10 links match", "10 cases match", `value="KANAL00012"`, "kanal000120/", "kanal000129/"},
				[]string{"kanal000130/", `rel="next"`, "Page 1 of"}},
			{"LIKE's wildcards are plain characters", "en", "?q=kanal_000%25", 0, 0, []string{"0 links match", "0 cases match"}, nil},
			{"a search that matches nothing", "id", "?q=tidak-ada", 0, 0, []string{"0 tautan cocok", "0 kasus cocok"}, nil},
		}
		for _, tt := range tests {
			c.lang = tt.lang
			r := c.get("/notices/" + id + tt.query)
			if r.status != http.StatusOK {
				t.Fatalf("%s: %d", tt.name, r.status)
			}
			if got := strings.Count(r.body, `<tr><td class="wrap">https://t.me/s/kanal`); got != tt.links {
				t.Errorf("%s: %d link rows, want %d", tt.name, got, tt.links)
			}
			if got := strings.Count(r.body, `<tr><td class="wrap"><code>telegram:`); got != tt.cases {
				t.Errorf("%s: %d case rows, want %d", tt.name, got, tt.cases)
			}
			for _, w := range tt.wants {
				if !strings.Contains(r.body, w) {
					t.Errorf("%s: page lacks %q", tt.name, w)
				}
			}
			for _, l := range tt.lacks {
				if strings.Contains(r.body, l) {
					t.Errorf("%s: page has %q", tt.name, l)
				}
			}
		}
	})
}

func TestNoticePageShowsTCOAnnexI(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
		body := `{"kind": "order", "regime": "EU-TCO", "category": "terrorism", "explanation": "x", "legal_basis": "TCO Art. 3",
			"reference": "BKA-TCO-9", "subjects": [{"url": "https://t.me/tco_web/1"}],
			"tco": {"issuing_member_state": "DE", "issued_at": "2026-12-07T01:00:00Z", "reasons": ["instruction"],
			        "withhold_from_provider": true, "issuing_authority": {"type": "judicial", "name": "Amtsgericht <Wiesbaden>", "file_number": "AZ 7/26"},
			        "redress": {"body": "OLG Frankfurt", "law_url": "https://example.org/law"}}}`
		caller := org.Caller{OrgID: e.authority, OrgKind: org.KindAuthority, Role: org.RoleAuthority}
		res, err := e.s.Intake.Submit(t.Context(), caller, "", []byte(body), "")
		if err != nil {
			t.Fatal(err)
		}
		page := c.get("/notices/" + res.Notice.ID)
		mustContain(t, page.body, `id="tco"`, i18n.T(i18n.ID, "tco.title"), i18n.T(i18n.ID, "tco.reason.instruction"),
			"Amtsgericht &lt;Wiesbaden&gt;", i18n.T(i18n.ID, "tco.type.judicial"), "AZ 7/26", `href="https://example.org/law"`)
	})
}
