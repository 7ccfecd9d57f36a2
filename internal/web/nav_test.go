package web_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/org"
)

var (
	currentRe  = regexp.MustCompile(`<a href="([^"]+)" aria-current="page">`)
	curGroupRe = regexp.MustCompile(`<details class="current"><summary>([^<]+)</summary>`)
	topRe      = regexp.MustCompile(`(?m)^      <li>`)
)

// TestMenuMarksTheCurrentPage: the menu marks exactly one link as the
// current page (the longest that leads to it) and the group holding it;
// a platform admin's seventeen pages sit under at most six headings.
func TestMenuMarksTheCurrentPage(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		adm := signedIn(t, e, e.platform, "dewi@platform.example", org.RoleAdmin)
		auth := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
		for _, tc := range []struct {
			c          *client
			path, link string
			group      string // "" when the link stands alone
		}{
			{adm, "/dashboard", "/dashboard", ""},
			{adm, "/banks", "/banks", "Penyaringan"},
			{adm, "/exchange", "/exchange", "Penyaringan"},
			{adm, "/review/approvals", "/review/approvals", "Peninjauan"},
			{adm, "/review?x=1", "/review", "Peninjauan"},
			{adm, "/admin/sso", "/admin/sso", "Administrasi"},
			{adm, "/admin/orgs/" + e.authority, "/admin", "Administrasi"},
			{adm, "/audit", "/audit", "Akuntabilitas"},
			{auth, "/notices/new", "/notices/new", "Penerimaan"},
			{auth, "/notices", "/notices", "Penerimaan"},
			{auth, "/evidence", "/evidence", "Akuntabilitas"},
		} {
			body := tc.c.get(tc.path).body
			cur := currentRe.FindAllStringSubmatch(body, -1)
			if len(cur) != 1 || cur[0][1] != tc.link {
				t.Errorf("%s: current links %q, want only %s", tc.path, cur, tc.link)
			}
			groups := curGroupRe.FindAllStringSubmatch(body, -1)
			switch {
			case tc.group == "" && len(groups) != 0:
				t.Errorf("%s: group %q marked, want none", tc.path, groups)
			case tc.group != "" && (len(groups) != 1 || groups[0][1] != tc.group):
				t.Errorf("%s: marked groups %q, want %s", tc.path, groups, tc.group)
			}
		}
		body := adm.get("/dashboard").body
		nav := body[strings.Index(body, `<nav`):strings.Index(body, `</nav>`)]
		if n := len(topRe.FindAllString(nav, -1)); n > 6 {
			t.Errorf("a platform admin's menu has %d top-level entries, want at most 6", n)
		}
		for _, href := range []string{"/banks", "/lists", "/hits", "/exchange", "/review", "/outbox", "/contacts", "/flaggers", "/audit", "/admin"} {
			if !strings.Contains(nav, `href="`+href+`"`) {
				t.Errorf("the admin's menu lacks %s", href)
			}
		}
		if strings.Contains(auth.get("/dashboard").body, `href="/banks"`) {
			t.Error("an authority's menu offers the platform's banks")
		}
	})
}
