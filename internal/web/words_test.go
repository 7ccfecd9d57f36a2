package web_test

import (
	"regexp"
	"strings"
	"testing"
)

var h2Re = regexp.MustCompile(`<h2[^>]*>([^<]+)</h2>`)

// TestPagesNamePeopleAndSayWhatChanged: pages name the reviewer rather
// than an identifier (which stays in a title), the timeline says what a
// status changed to, no two sections of a page share a heading, dates are
// typed in the page's language rather than the browser's, and a ministry
// is not an "applicant" in the flagger registry.
func TestPagesNamePeopleAndSayWhatChanged(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		s := seedPortal(t, e)
		rev, auth, adm := s.as["reviewer"], s.as["authority"], s.as["admin"]
		for _, tc := range []struct {
			name       string
			c          *client
			path       string
			want, lack []string
		}{
			{"case names its reviewer", rev, "/review/cases/" + s.caseID,
				[]string{`title="usr_`, "(rina@platform.example)</span>", `class="badge state-decided"`}, []string{"<code>user:usr_"}},
			{"timeline says to what", auth, "/notices/" + s.notice,
				[]string{"status berubah menjadi sedang ditinjau", "status berubah menjadi diputuskan"}, []string{"— status berubah</li>"}},
			{"audit names actors", adm, "/audit", []string{`class="person"`}, []string{"<td><code>user:"}},
			{"registry", adm, "/flaggers", []string{"instansi pemerintah", "pemohon"}, nil},
			{"dates in the page's language", adm, "/audit", []string{`placeholder="TTTT-BB-HH"`}, []string{`type="date"`}},
			{"evidence hold date", auth, "/evidence/" + s.evidence, []string{`placeholder="TTTT-BB-HH"`}, []string{`type="date"`}},
			{"transparency dates", adm, "/transparency", []string{`placeholder="TTTT-BB-HH"`}, []string{`type="date"`}},
		} {
			body := tc.c.get(tc.path).body
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s: %s lacks %q", tc.name, tc.path, w)
				}
			}
			for _, l := range tc.lack {
				if strings.Contains(body, l) {
					t.Errorf("%s: %s still shows %q", tc.name, tc.path, l)
				}
			}
		}
		// The authority's clients see their own people named, never the platform's.
		if body := auth.get("/notices/" + s.notice).body; strings.Contains(body, "rina@platform.example") {
			t.Error("an authority's page names a platform reviewer")
		}
		for _, v := range s.visits(t) {
			c := s.as[v.seat]
			if c == nil {
				continue
			}
			seen := map[string]bool{}
			for _, m := range h2Re.FindAllStringSubmatch(c.get(v.path).body, -1) {
				if h := strings.TrimSpace(m[1]); seen[h] {
					t.Errorf("%s: two sections headed %q", v.path, h)
				} else {
					seen[h] = true
				}
			}
		}
	})
}
