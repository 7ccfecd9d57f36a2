package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestHitsSearch: the hits page narrows to a post, channel or matched
// text; LIKE's wildcards, markup and oversized searches are plain text
// that match nothing and change nothing; a reader outside the platform
// never sees the page.
func TestHitsSearch(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		s := seedPortal(t, e)
		fltScan(t, e, "kanallain", "8", "bom bunuh diri lagi")
		adm := s.as["admin"]
		before := e.counts()
		for _, tc := range []struct {
			name, q string
			rows    int
		}{
			{"everything", "", 2},
			{"by channel", "KANALSATU", 1},
			{"by matched text", "bom bunuh", 2},
			{"wildcards are plain", "%", 0},
			{"underscore is plain", "kanal_atu", 0},
			{"markup", `<script>alert(1)</script>`, 0},
			{"oversized", strings.Repeat("k", 100000), 0},
			{"broken UTF-8", "\xff\xfe", 0},
		} {
			r := adm.get("/hits?q=" + url.QueryEscape(tc.q))
			if r.status != http.StatusOK {
				t.Fatalf("%s: %d", tc.name, r.status)
			}
			if got := strings.Count(r.body, `<td><time datetime=`); got != tc.rows {
				t.Errorf("%s: %d hits shown, want %d", tc.name, got, tc.rows)
			}
			if strings.Contains(r.body, "<script>alert") {
				t.Errorf("%s: the search is echoed unescaped", tc.name)
			}
		}
		sameCounts(t, before, e.counts())
		if r := s.as["authority"].get("/hits?q=kanal"); r.status != http.StatusNotFound && r.status != http.StatusForbidden {
			t.Errorf("an authority reads the hits: %d", r.status)
		}
	})
}
