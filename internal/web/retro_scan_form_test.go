package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestRetroScanForm: an admin starts a retroactive scan of a bank from the
// incidents page; a bad window, an unknown or hostile set and a user who is
// not an admin are refused and queue nothing.
func TestRetroScanForm(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		adm, rev, auth := incidentReaders(t, e)
		mustContain(t, adm.get("/incidents").body, "Belum ada bank atau daftar untuk dipindai.")
		bank := fltCreate(t, adm, "/banks", url.Values{"name": {"Bank " + xss}, "policy": {"review"}, "labels": {"terrorism"}})
		if r := adm.post("/incidents/retro-scans", url.Values{"set_id": {bank}}); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "tidak punya entri aktif") {
			t.Errorf("scan of an empty bank: %d", r.status)
		}
		if r := adm.post("/banks/"+bank+"/entries", url.Values{"type": {"pdq"}, "value": {pdqA}}); r.status != http.StatusSeeOther {
			t.Fatalf("add an entry: %d", r.status)
		}
		r := adm.get("/incidents")
		mustContain(t, r.body, `id="retro-form"`, `<option value="`+bank+`"`, "Bank: Bank &lt;script&gt;", "Mulai pemindaian retroaktif")
		if strings.Contains(rev.get("/incidents").body, `id="retro-form"`) {
			t.Error("a reviewer is offered the retroactive-scan form")
		}

		before := e.counts()
		refuses(t, "/incidents/retro-scans",
			refusal{adm, url.Values{"set_id": {bank}, "window_hours": {"seminggu"}}, http.StatusUnprocessableEntity, "paling banyak 720"},
			refusal{adm, url.Values{"set_id": {bank}, "window_hours": {"0"}}, http.StatusUnprocessableEntity, `id="scan-errors"`},
			refusal{adm, url.Values{"set_id": {bank}, "window_hours": {"721"}}, http.StatusUnprocessableEntity, `id="scan-errors"`},
			refusal{adm, url.Values{"set_id": {bank}, "window_hours": {"NaN"}}, http.StatusUnprocessableEntity, `id="scan-errors"`},
			refusal{adm, url.Values{"set_id": {"bnk_nothing"}}, http.StatusUnprocessableEntity, "Bank atau daftar itu tidak ada."},
			refusal{adm, url.Values{"set_id": {"' OR 1=1 --" + xss}}, http.StatusUnprocessableEntity, "Bank atau daftar itu tidak ada."},
			refusal{adm, url.Values{"set_id": {strings.Repeat("x", 100000)}}, http.StatusUnprocessableEntity, ""},
			refusal{rev, url.Values{"set_id": {bank}}, http.StatusForbidden, ""},
			refusal{auth, url.Values{"set_id": {bank}}, http.StatusNotFound, ""},
		)
		sameCounts(t, before, e.counts())

		r = adm.post("/incidents/retro-scans", url.Values{"set_id": {bank}, "window_hours": {"2"}})
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/incidents?done=retro_started&scan=") {
			t.Fatalf("start: %d %q %s", r.status, r.location(), r.body)
		}
		scan := strings.TrimPrefix(r.location(), "/incidents?done=retro_started&scan=")
		mustContain(t, adm.get(r.location()).body, `id="done"`, "Pemindaian retroaktif "+scan+" masuk antrean.", "<code>"+scan+"</code>")
	})
}
