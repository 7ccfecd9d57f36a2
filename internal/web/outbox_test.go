package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/webhook"
)

func TestOutboxPage(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		evil, err := e.s.Admin.CreateOrg(ctx, "Penerima "+xss, org.KindFlagger, "")
		if err != nil {
			t.Fatal(err)
		}
		const dead, sent = "msg_dead1", "msg_sent1"
		err = e.db.Write(ctx, func(tx *store.Tx) error {
			for _, id := range []string{dead, sent} {
				if _, err := webhook.EnqueueTx(ctx, tx, e.clk.Now(), webhook.Message{ID: id, OrgID: evil.ID, Type: "notice.updated", Data: map[string]string{}}); err != nil {
					return err
				}
			}
			if err := tx.SetDeliveryState(ctx, sent, store.DeliveryDelivered); err != nil {
				return err
			}
			return tx.SetDeliveryState(ctx, dead, store.DeliveryDead)
		})
		if err != nil {
			t.Fatal(err)
		}
		state := func(id string) string {
			d, err := e.db.Delivery(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return d.State
		}

		adm := signedIn(t, e, e.platform, "admin@platform.example", org.RoleAdmin)
		r := adm.get("/outbox")
		mustContain(t, r.body, dead, sent, "notice.updated", "Penerima &lt;script&gt;", `id="retry-`+dead+`"`, "mati", "terkirim", `href="/outbox"`)
		if strings.Contains(r.body, `id="retry-`+sent+`"`) {
			t.Error("a delivered message is offered a retry")
		}
		if strings.Contains(r.body, "<script>alert") {
			t.Error("the outbox renders markup from an org name")
		}
		if r := adm.get("/outbox?state=dead"); strings.Contains(r.body, sent) || !strings.Contains(r.body, dead) {
			t.Error("the state filter does not filter")
		}

		aud := signedIn(t, e, e.platform, "audit@platform.example", org.RoleAuditor)
		aud.lang = "en"
		r = aud.get("/outbox")
		mustContain(t, r.body, "Webhook outbox", dead, "dead")
		if strings.Contains(r.body, "/retry") {
			t.Error("an auditor is offered a retry")
		}
		auth := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
		if r := auth.get("/outbox"); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
			t.Errorf("authority GET /outbox: %d", r.status)
		}
		if strings.Contains(auth.get("/dashboard").body, `href="/outbox"`) {
			t.Error("an authority's menu links the outbox")
		}
		for name, c := range map[string]*client{"auditor": aud, "authority": auth} {
			if r := c.post("/outbox/"+dead+"/retry", url.Values{}); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
				t.Errorf("%s retry: %d", name, r.status)
			}
		}
		refusesForged(t, adm, "/outbox/"+dead+"/retry", url.Values{})
		if s := state(dead); s != store.DeliveryDead {
			t.Fatalf("a refused retry changed the delivery to %s", s)
		}

		r = adm.post("/outbox/"+dead+"/retry", url.Values{})
		if r.status != http.StatusSeeOther || r.location() != "/outbox?done=retried" {
			t.Fatalf("retry: %d %q %s", r.status, r.location(), r.body)
		}
		if s := state(dead); s != store.DeliveryPending {
			t.Errorf("after retry the delivery is %s, want pending", s)
		}
		mustContain(t, adm.get(r.location()).body, `id="done"`)
		if r := adm.post("/outbox/msg_nosuch/retry", url.Values{}); r.status != http.StatusNotFound {
			t.Errorf("retry of an unknown delivery: %d", r.status)
		}
	})
}
