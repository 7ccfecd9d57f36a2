package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/evidence"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

func TestEvidencePages(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		auth := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
		nid := fileNotice(t, auth)
		cases, err := e.db.NoticeCases(ctx, nid)
		if err != nil || len(cases) == 0 {
			t.Fatalf("cases: %v %d", err, len(cases))
		}
		const hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
		now := e.clk.Now()
		ev := &evidence.Evidence{ID: "evd_test1", ActionID: "act_test1", CaseID: cases[0].ID, SHA256: hash, SnapshotRef: "snap/" + xss,
			PreservedAt: now, KeepUntil: now.AddDate(0, 6, 0)}
		if err := e.db.Write(ctx, func(tx *store.Tx) error { _, err := tx.InsertEvidence(ctx, ev); return err }); err != nil {
			t.Fatal(err)
		}
		held := func() *time.Time {
			got, err := e.db.Evidence(ctx, ev.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got.HoldUntil
		}

		r := auth.get("/evidence")
		mustContain(t, r.body, ev.ID, `href="/evidence/`+ev.ID+`"`, `href="/evidence"`)
		if strings.Contains(r.body, hash) {
			t.Error("the list shows a hash; only the logged single view may")
		}
		r = auth.get("/evidence/" + ev.ID)
		mustContain(t, r.body, hash, "snap/&lt;script&gt;", `id="apply"`)
		if strings.Contains(r.body, "<script>alert") {
			t.Error("the evidence page renders markup from a snapshot reference")
		}

		// Another authority sees neither the record nor it in the list.
		oc := anotherOfficer(t, e)
		if r := oc.get("/evidence"); strings.Contains(r.body, ev.ID) {
			t.Error("another authority's list shows the record")
		}
		if r := oc.get("/evidence/" + ev.ID); r.status != http.StatusNotFound {
			t.Errorf("another authority's view: %d", r.status)
		}
		hold := url.Values{"until": {"2027-12-31"}, "reason": {"Penyidikan " + xss}}
		if r := oc.post("/evidence/"+ev.ID+"/hold", hold); r.status != http.StatusNotFound {
			t.Errorf("another authority's hold: %d", r.status)
		}
		rev := signedIn(t, e, e.platform, "rev@platform.example", org.RoleReviewer)
		if r := rev.get("/evidence/" + ev.ID); r.status != http.StatusOK || strings.Contains(r.body, `id="apply"`) {
			t.Errorf("platform reviewer view: %d, or offered a hold", r.status)
		}
		if r := rev.post("/evidence/"+ev.ID+"/hold", hold); r.status != http.StatusForbidden {
			t.Errorf("reviewer hold: %d", r.status)
		}
		refusesForged(t, auth, "/evidence/"+ev.ID+"/hold", hold)
		refuses(t, "/evidence/"+ev.ID+"/hold",
			refusal{auth, url.Values{"until": {"tomorrow"}, "reason": {"x"}}, http.StatusUnprocessableEntity, `id="errors"`},
			refusal{auth, url.Values{"until": {"2027-01-01"}}, http.StatusUnprocessableEntity, `id="errors"`},
			refusal{auth, url.Values{"until": {"2020-01-01"}, "reason": {"x"}}, http.StatusUnprocessableEntity, `id="errors"`},
		)
		if h := held(); h != nil {
			t.Fatalf("a refused hold set one until %v", h)
		}

		r = auth.post("/evidence/"+ev.ID+"/hold", hold)
		if r.status != http.StatusSeeOther || r.location() != "/evidence/"+ev.ID+"?done=held" {
			t.Fatalf("hold: %d %q %s", r.status, r.location(), r.body)
		}
		if h := held(); h == nil || h.Before(time.Date(2027, 12, 31, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("hold until %v", h)
		}
		auth.lang = "en"
		mustContain(t, auth.get(r.location()).body, `id="done"`, "Penyidikan &lt;script&gt;", "Legal hold until")
	})
}
