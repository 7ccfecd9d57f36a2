package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/org"
)

// incidentReaders signs in the incidents page's three readers: the
// platform's admin, who may change it; its reviewer, who may only read it;
// and an authority's admin, who may not see it.
func incidentReaders(t *testing.T, e *env) (adm, rev, auth *client) {
	t.Helper()
	return signedIn(t, e, e.platform, "admin@platform.example", org.RoleAdmin),
		signedIn(t, e, e.platform, "reviewer@platform.example", org.RoleReviewer),
		signedIn(t, e, e.authority, "admin@authority.example", org.RoleAdmin)
}

func TestIncidentPages(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		adm, rev, auth := incidentReaders(t, e)
		r := adm.get("/incidents")
		mustContain(t, r.body, "Belum ada insiden yang dideklarasikan.", `action="/incidents"`, `href="/incidents"`)

		before := e.counts()
		refuses(t, "/incidents",
			refusal{adm, url.Values{"name": {""}, "labels": {"terrorism"}}, http.StatusUnprocessableEntity, "wajib"},
			refusal{adm, url.Values{"name": {"x"}, "labels": {""}}, http.StatusUnprocessableEntity, ""},
			refusal{adm, url.Values{"name": {"x"}, "labels": {"terrorism"}, "started_at": {"kemarin"}}, http.StatusUnprocessableEntity, "2026-12-07T09:30"},
			refusal{adm, url.Values{"name": {"x"}, "labels": {"terrorism"}, "started_at": {"2099-01-01T00:00"}}, http.StatusUnprocessableEntity, ""},
			refusal{adm, url.Values{"name": {"x"}, "labels": {"terrorism"}, "started_at": {"2000-01-01T00:00"}}, http.StatusUnprocessableEntity, ""},
			refusal{rev, url.Values{"name": {"x"}, "labels": {"terrorism"}}, http.StatusForbidden, ""},
			refusal{auth, url.Values{"name": {"x"}, "labels": {"terrorism"}}, http.StatusNotFound, ""},
		)
		sameCounts(t, before, e.counts())

		r = adm.post("/incidents", url.Values{"name": {"Serangan <script>"}, "labels": {"terrorism, violent_extremism"}})
		if r.status != http.StatusSeeOther || !strings.Contains(r.location(), "done=declared") {
			t.Fatalf("declare: %d %q %s", r.status, r.location(), r.body)
		}
		page := adm.get(r.location())
		mustContain(t, page.body, "Serangan &lt;script&gt;", "<svg", "terrorism, violent_extremism", "Tutup insiden", "WIB", "UTC", "0 kasus")
		if strings.Contains(page.body, "<script>") {
			t.Error("the incident's name is not escaped")
		}
		// A reviewer reads it but may not close it; the authority does not see it.
		mustContain(t, rev.get(r.location()).body, "Serangan &lt;script&gt;")
		if strings.Contains(rev.get(r.location()).body, "Tutup insiden") {
			t.Error("a reviewer is offered the close button")
		}
		if got := auth.get(r.location()).status; got != http.StatusNotFound {
			t.Errorf("authority reads an incident: %d", got)
		}
		closeURL := strings.Split(r.location(), "?")[0] + "/close"
		if got := rev.post(closeURL, nil).status; got != http.StatusForbidden {
			t.Errorf("reviewer closes: %d, want 403", got)
		}
		c := adm.post(closeURL, nil)
		if c.status != http.StatusSeeOther || !strings.Contains(c.location(), "done=closed") {
			t.Fatalf("close: %d %q", c.status, c.location())
		}
		again := adm.post(closeURL, nil)
		if !strings.Contains(again.location(), "done=already_closed") {
			t.Errorf("closing twice: %d %q", again.status, again.location())
		}
		closed := adm.get(strings.Split(r.location(), "?")[0])
		mustContain(t, closed.body, "Laporan", "ditutup", "berlangsung")
	})
}
