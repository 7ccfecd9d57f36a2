package web_test

import (
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/org"
)

// TestFirstSteps: a new officer's dashboard points to filing a notice until
// the organisation has filed one; a platform's lone admin is pointed to
// adding an authority and reviewers until they exist; and the steps name
// nothing a viewer cannot reach.
func TestFirstSteps(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		officer := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
		admin := signedIn(t, e, e.platform, "dewi@platform.example", org.RoleAdmin)
		steps := func(c *client) string {
			body := c.get("/dashboard").body
			i := strings.Index(body, `id="first-steps"`)
			if i < 0 {
				return ""
			}
			return body[i : i+strings.Index(body[i:], "</section>")]
		}
		if got := steps(officer); !strings.Contains(got, `href="/notices/new"`) {
			t.Errorf("a new officer's first steps: %q", got)
		}
		got := steps(admin)
		if strings.Contains(got, `href="/admin"`) {
			t.Errorf("the admin is asked to add an authority that exists: %q", got)
		}
		if !strings.Contains(got, `href="/admin/orgs/`+e.platform+`"`) {
			t.Errorf("the platform's lone admin is not pointed to adding reviewers: %q", got)
		}
		signedIn(t, e, e.platform, "rina@platform.example", org.RoleReviewer)
		fileOrder(t, officer, "t.me/kanaldua/1")
		for name, c := range map[string]*client{"officer": officer, "admin": admin} {
			if got := steps(c); got != "" {
				t.Errorf("%s: first steps on a portal in use: %q", name, got)
			}
		}
		if _, err := e.s.Admin.CreateOrg(t.Context(), "Kementerian Lain", org.KindAuthority, ""); err != nil {
			t.Fatal(err)
		}
		if got := steps(signedIn(t, e, e.platform, "agus@platform.example", org.RoleReviewer)); got != "" {
			t.Errorf("a reviewer is shown an admin's first steps: %q", got)
		}
	})
}
