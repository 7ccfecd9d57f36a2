package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// tableRows counts the body rows of the table with id in page.
func tableRows(page, id string) int {
	start := strings.Index(page, `<table id="`+id+`">`)
	if start < 0 {
		return 0
	}
	rest := page[start:]
	end := strings.Index(rest, "</table>")
	if end < 0 {
		return 0
	}
	body := rest[:end]
	if i := strings.Index(body, "<tbody>"); i >= 0 {
		body = body[i:]
	}
	return strings.Count(body, "<tr")
}

// searchCases are the hostile searches every list must take as plain text
// that matches nothing.
var searchCases = []struct{ name, q string }{
	{"percent is plain", "%"},
	{"underscore is plain", "zz_zz"},
	{"backslash is plain", `\`},
	{"markup", `<script>alert(1)</script>`},
	{"quote", `' OR 1=1 --`},
	{"oversized", strings.Repeat("k", 100000)},
	{"broken UTF-8", "\xff\xfe"},
}

// TestEntriesSearch: a list's entries narrow to a value or a source, and
// hostile searches are plain text that match nothing and change nothing.
func TestEntriesSearch(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		s := seedPortal(t, e)
		adm := s.as["admin"]
		for _, v := range []url.Values{
			{"value": {"serangan bom"}, "source": {"GIFCT hash-sharing"}},
			{"value": {"baiat daulah"}, "source": {"Kominfo AIS"}},
		} {
			if r := adm.post("/lists/"+s.list+"/entries", v); r.status != http.StatusSeeOther {
				t.Fatalf("add %v: %d %s", v, r.status, r.body)
			}
		}
		before := e.counts()
		for _, tc := range []struct {
			name, q string
			rows    int
		}{
			{"everything", "", 3},
			{"by value, any case", "BOM", 2},
			{"by source", "kominfo", 1},
			{"nothing", "tidak ada", 0},
			{"underscore is no wildcard", "bom_bunuh", 0},
		} {
			r := adm.get("/lists/" + s.list + "?q=" + url.QueryEscape(tc.q))
			if r.status != http.StatusOK {
				t.Fatalf("%s: %d", tc.name, r.status)
			}
			if got := tableRows(r.body, "entries"); got != tc.rows {
				t.Errorf("%s: %d entries shown, want %d", tc.name, got, tc.rows)
			}
			if tc.rows == 0 && !strings.Contains(r.body, `id="entries-none"`) {
				t.Errorf("%s: no word that the search found nothing", tc.name)
			}
		}
		for _, tc := range searchCases {
			r := adm.get("/lists/" + s.list + "?q=" + url.QueryEscape(tc.q))
			if r.status != http.StatusOK {
				t.Fatalf("%s: %d", tc.name, r.status)
			}
			if got := tableRows(r.body, "entries"); got != 0 {
				t.Errorf("%s: %d entries shown, want none", tc.name, got)
			}
			if strings.Contains(r.body, "<script>alert") {
				t.Errorf("%s: the search is echoed unescaped", tc.name)
			}
		}
		sameCounts(t, before, e.counts())
		if r := s.as["authority"].get("/lists/" + s.list + "?q=bom"); r.status != http.StatusNotFound && r.status != http.StatusForbidden {
			t.Errorf("an authority reads a list's entries: %d", r.status)
		}
	})
}

// TestAuditSearch: the audit record narrows to an actor (by the name the
// page shows), an action or an object; hostile searches match nothing and change nothing; another org's
// reader finds none of the platform's entries.
func TestAuditSearch(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		s := seedPortal(t, e)
		adm := s.as["admin"]
		all := tableRows(adm.get("/audit").body, "audit")
		if all == 0 {
			t.Fatal("the seeded portal has no audit entry")
		}
		before := e.counts()
		byObject := tableRows(adm.get("/audit?q="+url.QueryEscape(s.list)).body, "audit")
		if byObject == 0 || byObject >= all {
			t.Errorf("by the list's ID: %d of %d entries, want some but not all", byObject, all)
		}
		byName := tableRows(adm.get("/audit?q=DEWI@platform").body, "audit")
		if byName == 0 || byName >= all {
			t.Errorf("by the admin's address: %d of %d entries, want some but not all", byName, all)
		}
		for _, tc := range searchCases {
			r := adm.get("/audit?q=" + url.QueryEscape(tc.q))
			if r.status != http.StatusOK {
				t.Fatalf("%s: %d", tc.name, r.status)
			}
			if got := tableRows(r.body, "audit"); got != 0 {
				t.Errorf("%s: %d entries shown, want none", tc.name, got)
			}
			if !strings.Contains(r.body, `id="audit-none"`) {
				t.Errorf("%s: no word that the search found nothing", tc.name)
			}
			if strings.Contains(r.body, "<script>alert") {
				t.Errorf("%s: the search is echoed unescaped", tc.name)
			}
		}
		sameCounts(t, before, e.counts())
		if got := tableRows(s.as["authority"].get("/audit?q="+url.QueryEscape(s.list)).body, "audit"); got != 0 {
			t.Errorf("the authority finds %d of the platform's entries", got)
		}
	})
}
