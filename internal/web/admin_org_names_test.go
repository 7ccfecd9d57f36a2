package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/org"
)

// TestAdminOrgSameName: the portal refuses a second organisation of a kind
// under a name already taken (any case, spaces around), as a form sent twice
// would make, and stores nothing; the same name of another kind is a
// different organisation and is made.
func TestAdminOrgSameName(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		adm := signedIn(t, e, e.platform, "dewi@platform.example", org.RoleAdmin)
		orgs := func() int {
			os, err := e.db.Orgs(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			return len(os)
		}
		if r := adm.post("/admin/orgs", url.Values{"name": {"Badan <b>Siber</b>"}, "kind": {"authority"}}); r.status != http.StatusSeeOther {
			t.Fatalf("first: %d %.300s", r.status, r.body)
		}
		n := orgs()
		for _, name := range []string{"Badan <b>Siber</b>", "  badan <B>SIBER</b> "} {
			r := adm.post("/admin/orgs", url.Values{"name": {name}, "kind": {"authority"}})
			if r.status != http.StatusConflict || !strings.Contains(r.body, "Badan &lt;b&gt;Siber&lt;/b&gt;") {
				t.Errorf("%q again: %d, want 409 naming the one that exists, escaped", name, r.status)
			}
			if strings.Contains(r.body, "<b>Siber") {
				t.Errorf("%q again: the name is echoed unescaped", name)
			}
		}
		if got := orgs(); got != n {
			t.Errorf("refused forms made %d organisations", got-n)
		}
		if r := adm.post("/admin/orgs", url.Values{"name": {"Badan <b>Siber</b>"}, "kind": {"flagger"}}); r.status != http.StatusSeeOther {
			t.Errorf("the same name as a flagger: %d", r.status)
		}
	})
}
