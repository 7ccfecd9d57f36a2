package web_test

import (
	"net/http"
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
		searchPage(t, adm, "/hits?q=", "hits", "",
			search{"everything", "", 2},
			search{"by channel", "KANALSATU", 1},
			search{"by matched text", "bom bunuh", 2},
			search{"underscore is plain", "kanal_atu", 0},
		)
		searchPage(t, adm, "/hits?q=", "hits", "", hostileSearches...)
		sameCounts(t, before, e.counts())
		if r := s.as["authority"].get("/hits?q=kanal"); r.status != http.StatusNotFound && r.status != http.StatusForbidden {
			t.Errorf("an authority reads the hits: %d", r.status)
		}
	})
}
