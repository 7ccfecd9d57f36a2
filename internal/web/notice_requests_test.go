package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/org"
)

// file sends the new-notice form and returns the new notice's path.
func (c *client) file(t *testing.T, form url.Values) string {
	t.Helper()
	r := c.post("/notices/new", form)
	if r.status != http.StatusSeeOther {
		t.Fatalf("filing: %d %.400s", r.status, r.body)
	}
	return strings.TrimSuffix(r.location(), "?m=sent")
}

func TestPortalPreservationAndEmergency(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		_, as := e.user(e.authority, "ana@kominfo.go.id", org.RoleAuthority, true)
		_, rs := e.user(e.platform, "rina@platform.example", org.RoleReviewer, true)
		ana, rina := e.client(), e.client()
		ana.signIn("ana@kominfo.go.id", as)
		rina.signIn("rina@platform.example", rs)
		T := func(key string, args ...any) string { return i18n.T(i18n.ID, key, args...) }
		base := url.Values{"category": {"fraud"}, "regime": {"ID-PSE"}, "explanation": {"Penyidikan penipuan"},
			"legal_basis": {"KUHAP Pasal 39"}, "action": {"send"}}
		with := func(kv ...string) url.Values {
			f := url.Values{}
			for k, v := range base {
				f[k] = v
			}
			for i := 0; i+1 < len(kv); i += 2 {
				f.Set(kv[i], kv[i+1])
			}
			return f
		}

		// A preservation with a bad number of days is refused with its reason, nothing stored.
		before := e.counts()
		r := ana.post("/notices/new", with("kind", "preservation", "links", "https://t.me/prs_portal/1", "preserve_days", "9999", "idem", "web-prs0000000000001"))
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("9999 days: %d", r.status)
		}
		mustContain(t, r.body, T("field.preserve_days"), "preserve_days")
		sameCounts(t, before, e.counts())

		path := ana.file(t, with("kind", "preservation", "links", "https://t.me/prs_portal/1", "preserve_days", "30", "idem", "web-prs0000000000002"))
		page := ana.get(path)
		mustContain(t, page.body, `id="preservation"`, T("prs.days_n", 30), T("prs.waiting"))
		if strings.Contains(page.body, `id="preserve-form"`) {
			t.Error("the authority is offered the platform's confirmation form")
		}
		if r := ana.post(path+"/preservation", url.Values{}); r.status != http.StatusForbidden {
			t.Errorf("authority confirms: %d", r.status)
		}
		mustContain(t, rina.get(path).body, `id="preserve-form"`)
		if r := rina.post(path+"/preservation", url.Values{"sha256": {"nothex"}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, T("prs.err.sha256")) {
			t.Errorf("bad hash: %d", r.status)
		}
		r = rina.post(path+"/preservation", url.Values{"snapshot_ref": {"vault://prs/1"}})
		if r.status != http.StatusSeeOther || !strings.Contains(r.location(), "done=preserved") {
			t.Fatalf("confirm: %d %s", r.status, r.location())
		}
		mustContain(t, rina.get(r.location()).body, `id="keep-until"`, T("flash.preserved"))
		if r := rina.post(path+"/preservation", url.Values{}); r.status != http.StatusConflict || !strings.Contains(r.body, T("prs.err.confirmed")) {
			t.Errorf("confirm again: %d", r.status)
		}

		// An emergency: the platform records its Art. 18 notification.
		path = ana.file(t, with("kind", "emergency", "category", "violent_extremism", "links", "https://t.me/threat_portal/2", "idem", "web-emg0000000000001"))
		mustContain(t, ana.get(path).body, `id="art18-none"`, T("kind.emergency"))
		if r := rina.post(path+"/art18", url.Values{"authority": {"BKA"}, "member_state": {"Germany"}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, T("art18.err.member_state")) {
			t.Errorf("bad member state: %d", r.status)
		}
		if r := rina.post(path+"/art18", url.Values{"authority": {"Bundeskriminalamt"}, "member_state": {"de"}, "reference": {"BKA-7"}}); r.status != http.StatusSeeOther {
			t.Fatalf("art. 18: %d %.300s", r.status, r.body)
		}
		mustContain(t, ana.get(path).body, `id="art18"`, "Bundeskriminalamt (DE)", "BKA-7")
	})
}
