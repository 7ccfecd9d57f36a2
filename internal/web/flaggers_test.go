package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/org"
)

func TestFlaggerPages(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		adm := fltAdmin(t, e)
		fo, err := e.s.Admin.CreateOrg(ctx, "Mafindo "+xss, org.KindFlagger, "")
		if err != nil {
			t.Fatal(err)
		}
		r := adm.get("/flaggers")
		mustContain(t, r.body, "Mafindo &lt;script&gt;", "Kementerian Kominfo", "pemohon", `href="/flaggers/`+fo.ID+`"`)

		before := e.counts()
		refuses(t, "/flaggers/"+fo.ID,
			refusal{adm, url.Values{"status": {"active"}}, http.StatusUnprocessableEntity, "Alasan: wajib diisi"},
			refusal{adm, url.Values{"status": {"applicant"}, "reason": {"x"}}, http.StatusUnprocessableEntity, "Status: bukan nilai"},
			refusal{adm, url.Values{"status": {"active"}, "reason": {"x"}, "categories": {"weather"}}, http.StatusUnprocessableEntity, "Cakupan: bukan nilai"},
			refusal{adm, url.Values{"status": {"active"}, "reason": {"x"}, "daily_quota": {"many"}}, http.StatusUnprocessableEntity, "Kuota harian: tidak sah"},
			refusal{adm, url.Values{"status": {"suspended"}, "reason": {"x"}}, http.StatusUnprocessableEntity, "tidak diizinkan"},
		)
		sameCounts(t, before, e.counts())

		r = adm.post("/flaggers/"+fo.ID, url.Values{"status": {"active"}, "categories": {"terrorism", "hoax"}, "jurisdictions": {"id, my"},
			"daily_quota": {"50"}, "expertise": {"disinformasi " + xss}, "reason": {"Akreditasi " + xss}})
		if r.status != http.StatusSeeOther || r.location() != "/flaggers/"+fo.ID+"?done=saved" {
			t.Fatalf("accredit: %d %q %s", r.status, r.location(), r.body)
		}
		r = adm.get(r.location())
		mustContain(t, r.body, "Perubahan telah dicatat", `id="status">aktif<`, "terorisme", "ID, MY", `id="quota">50<`,
			"Akreditasi &lt;script&gt;", "disinformasi &lt;script&gt;", "perubahan status")
		if strings.Contains(r.body, "<script>alert") {
			t.Error("the org page renders markup from input")
		}
		if r := adm.post("/flaggers/"+e.platform, url.Values{"status": {"active"}, "reason": {"x"}}); r.status != http.StatusNotFound {
			t.Errorf("the platform's own org: %d", r.status)
		}

		// The flagger sees its standing, sends a flag and finds it in the yearly report.
		_, fl := signedInByPassword(t, e, fo.ID, "relawan@mafindo.or.id", org.RoleFlagger)
		form := noticeForm("send")
		form.Set("kind", "flag")
		form.Set("good_faith", "1")
		form.Del("urgent")
		form.Del("legal_basis")
		if r := fl.post("/notices/new", form); r.status != http.StatusSeeOther {
			t.Fatalf("flag: %d %s", r.status, r.body)
		}
		r = fl.get("/trust")
		mustContain(t, r.body, `id="status">aktif<`, "Mafindo &lt;script&gt;", "Akreditasi &lt;script&gt;", "Laporan tahunan 2026", "1 pemberitahuan",
			"belum diputus", `href="/trust/report.csv?year=2026"`, `href="/trust"`)
		if strings.Contains(r.body, "<script>alert") {
			t.Error("the flagger's page renders markup from input")
		}
		r = fl.get("/trust/report.csv?year=2026")
		if r.status != http.StatusOK || !strings.HasPrefix(r.body, "year,notifier,provider,category,action,subjects\n") ||
			!strings.Contains(r.body, "2026,Mafindo <script>alert(1)</script>,platform,terrorism,pending,3") ||
			!strings.Contains(r.h.Get("Content-Disposition"), "trusted-flagger-report-2026.csv") {
			t.Errorf("report CSV: %d %v\n%s", r.status, r.h, r.body)
		}
		if r := adm.get("/flaggers/" + fo.ID + "/report.csv"); !strings.Contains(r.body, "terrorism,pending,3") {
			t.Errorf("admin's report CSV: %s", r.body)
		}

		// Revocation is final; the history says so and the flagger can no longer send.
		if r := adm.post("/flaggers/"+fo.ID, url.Values{"status": {"revoked"}, "reason": {"misuse"}}); r.status != http.StatusSeeOther {
			t.Fatalf("revoke: %d %s", r.status, r.body)
		}
		if r := adm.post("/flaggers/"+fo.ID, url.Values{"status": {"active"}, "reason": {"again"}}); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "tidak diizinkan") {
			t.Errorf("reinstating a revoked flagger: %d", r.status)
		}
		mustContain(t, fl.get("/trust").body, `id="status">dicabut<`, "misuse")

		// Others: the flagger and an authority are refused the registry; an authority's admin gets 404.
		auth := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
		orgAdmin := signedIn(t, e, e.authority, "boss@kominfo.go.id", org.RoleAdmin)
		rev := signedIn(t, e, e.platform, "rev@platform.example", org.RoleReviewer)
		before = e.counts()
		for _, p := range []string{"/flaggers", "/flaggers/" + fo.ID, "/flaggers/" + fo.ID + "/report.csv"} {
			for name, c := range map[string]*client{"flagger": fl, "authority": auth} {
				if r := c.get(p); r.status != http.StatusForbidden {
					t.Errorf("%s GET %s: %d", name, p, r.status)
				}
			}
			if r := orgAdmin.get(p); r.status != http.StatusNotFound {
				t.Errorf("an authority's admin GET %s: %d", p, r.status)
			}
			if r := rev.get(p); r.status != http.StatusOK {
				t.Errorf("platform reviewer GET %s: %d", p, r.status)
			}
		}
		change := url.Values{"status": {"suspended"}, "reason": {"x"}}
		for name, c := range map[string]*client{"flagger": fl, "authority": auth, "reviewer": rev} {
			if r := c.post("/flaggers/"+e.authority, change); r.status != http.StatusForbidden {
				t.Errorf("%s POST: %d", name, r.status)
			}
		}
		if r := orgAdmin.post("/flaggers/"+e.authority, change); r.status != http.StatusNotFound {
			t.Errorf("an authority's admin POST: %d", r.status)
		}
		refusesForged(t, adm, "/flaggers/"+e.authority, url.Values{"status": {"active"}, "reason": {"forged"}})
		sameCounts(t, before, e.counts())
		if strings.Contains(rev.get("/flaggers/"+fo.ID).body, `id="apply"`) {
			t.Error("a reviewer is offered the accreditation form")
		}
		// An authority sees its own standing (its notices are measured too); the platform is sent to the registry.
		mustContain(t, auth.get("/trust").body, "Kedudukan kami dalam program", "pemohon")
		if r := adm.get("/trust"); r.location() != "/flaggers" {
			t.Errorf("platform admin /trust: %d %q", r.status, r.location())
		}
	})
}
