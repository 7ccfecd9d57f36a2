package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/org"
)

func TestContactsPage(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		count := func() int {
			cs, err := e.db.Contacts(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			return len(cs)
		}
		adm := signedIn(t, e, e.platform, "admin@platform.example", org.RoleAdmin)
		r := adm.get("/contacts")
		mustContain(t, r.body, `id="add"`, "Tidak ada yang siaga sekarang.", `href="/contacts"`)

		refuses(t, "/contacts",
			refusal{adm, url.Values{"jurisdiction": {"Indonesia"}, "role": {"pic"}, "name": {"x"}}, http.StatusUnprocessableEntity, "Yurisdiksi: tidak sah"},
			refusal{adm, url.Values{"jurisdiction": {"ID"}, "role": {"boss"}, "name": {"x"}}, http.StatusUnprocessableEntity, "Peran: tidak sah"},
			refusal{adm, url.Values{"jurisdiction": {"ID"}, "role": {"on_call"}, "name": {"x"}}, http.StatusUnprocessableEntity, "Alamat e-mail: wajib diisi"},
			refusal{adm, url.Values{"jurisdiction": {"ID"}, "role": {"pic"}, "name": {"x"}, "time_zone": {"Mars/Olympus"}}, http.StatusUnprocessableEntity, "Zona waktu: tidak sah"},
			refusal{adm, url.Values{"jurisdiction": {"ID"}, "role": {"pic"}, "name": {"x"}, "position": {"first"}}, http.StatusUnprocessableEntity, "Urutan dalam giliran: tidak sah"},
		)
		if n := count(); n != 0 {
			t.Fatalf("refused forms stored %d contacts", n)
		}

		for _, f := range []url.Values{
			{"jurisdiction": {"ID"}, "role": {"legal_representative"}, "name": {"Wakil " + xss}, "email": {"legal@platform.example"}, "time_zone": {"Asia/Jakarta"}},
			{"jurisdiction": {"ID"}, "role": {"pic"}, "name": {"Pak PIC"}, "email": {"pic@platform.example"}, "time_zone": {"Asia/Jakarta"}},
			{"jurisdiction": {"ID"}, "role": {"on_call"}, "name": {"Siaga Satu"}, "email": {"oncall@platform.example"}, "time_zone": {"Asia/Jakarta"},
				"languages": {"id, en"}, "position": {"1"}},
		} {
			r := adm.post("/contacts", f)
			if r.status != http.StatusSeeOther || !strings.Contains(r.location(), "done=saved") {
				t.Fatalf("add %v: %d %q %s", f, r.status, r.location(), r.body)
			}
		}
		r = adm.get("/contacts?jurisdiction=ID")
		mustContain(t, r.body, "Wakil &lt;script&gt;", "Pak PIC", "Siaga Satu", `id="current"`, "Asia/Jakarta", `id="rotation"`, `id="pics"`)
		if strings.Contains(r.body, "<script>alert") {
			t.Error("the contacts page renders markup from a name")
		}

		if r := adm.post("/contacts", url.Values{"jurisdiction": {"*"}, "role": {"pic"}, "name": {"Cadangan"}}); r.status != http.StatusSeeOther {
			t.Fatalf("add a fallback contact: %d %s", r.status, r.body)
		}
		mustContain(t, adm.get("/contacts?jurisdiction=*").body, "Cadangan")

		auth := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
		auth.lang = "en"
		r = auth.get("/contacts")
		mustContain(t, r.body, "Contacts and on-call", "Wakil &lt;script&gt;", "Siaga Satu", `href="/contacts"`)
		for _, no := range []string{"Pak PIC", `id="add"`, `id="rotation"`, "/remove"} {
			if strings.Contains(r.body, no) {
				t.Errorf("an authority's contacts page shows %q", no)
			}
		}
		fl := aFlagger(t, e)
		if r := fl.get("/contacts"); r.status != http.StatusNotFound {
			t.Errorf("flagger GET /contacts: %d", r.status)
		}
		aud := signedIn(t, e, e.platform, "audit@platform.example", org.RoleAuditor)
		if r := aud.get("/contacts"); r.status != http.StatusOK || strings.Contains(r.body, `id="add"`) {
			t.Errorf("auditor: %d, or offered the form", r.status)
		}
		add := url.Values{"jurisdiction": {"ID"}, "role": {"pic"}, "name": {"Palsu"}, "email": {"x@example.org"}}
		for name, c := range map[string]*client{"authority": auth, "flagger": fl, "auditor": aud} {
			if r := c.post("/contacts", add); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
				t.Errorf("%s POST: %d", name, r.status)
			}
		}
		refusesForged(t, adm, "/contacts", add)
		if n := count(); n != 4 {
			t.Errorf("refused posts left %d contacts, want 4", n)
		}
	})
}
