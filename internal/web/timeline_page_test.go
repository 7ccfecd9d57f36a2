package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store/storetest"
)

var eventRe = regexp.MustCompile(`<li><time datetime=`)

// TestNoticeTimelinePages: a long notice's timeline comes 500 events a
// page with a search of its own (by case ID or event), which takes LIKE's
// wildcards as plain characters and leaves the links' search alone.
func TestNoticeTimelinePages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, se storetest.Engine) {
		e := newEnv(t, se)
		id := postNotice(t, e, 600) // 601 events: received, and a case opened per link
		c := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
		first := c.get("/notices/" + id)
		caseID := found(t, first.body, `<code>(case_[0-9a-z]+)</code></li>`, "no case in the timeline")
		for _, tt := range []struct {
			name, query string
			events      int
			wants       []string
		}{
			{"first page", "", 500, []string{`?events=2#timeline-h" rel="next"`}},
			{"second page", "?events=2", 101, []string{`rel="prev"`}},
			{"past the end", "?events=999999999999", 101, nil},
			{"by case", "?tq=" + caseID, 1, []string{`id="timeline-matched"`, "1 peristiwa cocok"}},
			{"wildcards are plain", "?tq=%25", 0, []string{"0 peristiwa cocok"}},
			{"oversized search", "?tq=" + strings.Repeat("x", 5000), 0, []string{"0 peristiwa cocok"}},
			{"both searches", "?q=kanal000001&tq=case.opened", 500, []string{`name="q" value="kanal000001"`}},
		} {
			r := c.get("/notices/" + id + tt.query)
			if r.status != http.StatusOK {
				t.Fatalf("%s: %d", tt.name, r.status)
			}
			tl := r.body[strings.Index(r.body, `id="timeline-h"`):]
			if got := len(eventRe.FindAllString(tl, -1)); got != tt.events {
				t.Errorf("%s: %d events shown, want %d", tt.name, got, tt.events)
			}
			mustContain(t, tl, tt.wants...)
		}
	})
}
