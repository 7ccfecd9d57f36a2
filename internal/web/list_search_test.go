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

// search is a search of a page and the rows it must show.
type search struct {
	name, q string
	rows    int
}

// hostileSearches are the searches every list must take as plain text that
// matches nothing.
var hostileSearches = []search{
	{"percent is plain", "%", 0},
	{"underscore is plain", "zz_zz", 0},
	{"backslash is plain", `\`, 0},
	{"markup", `<script>alert(1)</script>`, 0},
	{"quote", `' OR 1=1 --`, 0},
	{"oversized", strings.Repeat("k", 100000), 0},
	{"broken UTF-8", "\xff\xfe", 0},
}

// searchPage runs each search on page, a path ending in "q=", as c and
// wants the table with id table to show its rows, the element with id none
// (when the page has one) to say a search found nothing, and no search
// echoed as markup.
func searchPage(t *testing.T, c *client, page, table, none string, searches ...search) {
	t.Helper()
	for _, s := range searches {
		r := c.get(page + url.QueryEscape(s.q))
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d", s.name, r.status)
		}
		if got := tableRows(r.body, table); got != s.rows {
			t.Errorf("%s: %d rows of %s shown, want %d", s.name, got, table, s.rows)
		}
		if none != "" && s.rows == 0 && !strings.Contains(r.body, `id="`+none+`"`) {
			t.Errorf("%s: no word that the search found nothing", s.name)
		}
		if strings.Contains(r.body, "<script>alert") {
			t.Errorf("%s: the search is echoed unescaped", s.name)
		}
	}
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
		page := "/lists/" + s.list + "?q="
		searchPage(t, adm, page, "entries", "entries-none",
			search{"everything", "", 3},
			search{"by value, any case", "BOM", 2},
			search{"by source", "kominfo", 1},
			search{"nothing", "tidak ada", 0},
			search{"underscore is no wildcard", "bom_bunuh", 0},
		)
		searchPage(t, adm, page, "entries", "entries-none", hostileSearches...)
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
		searchPage(t, adm, "/audit?q=", "audit", "audit-none", hostileSearches...)
		sameCounts(t, before, e.counts())
		if got := tableRows(s.as["authority"].get("/audit?q="+url.QueryEscape(s.list)).body, "audit"); got != 0 {
			t.Errorf("the authority finds %d of the platform's entries", got)
		}
	})
}
