package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

func TestEscalationsPage(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		auth := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
		mine := fileNotice(t, auth)
		oc := anotherOfficer(t, e)
		theirs := fileNotice(t, oc)
		now := e.clk.Now()
		err := e.db.Write(ctx, func(tx *store.Tx) error {
			for i, id := range []string{mine, theirs} {
				if err := tx.InsertAlert(ctx, &store.Alert{ID: "alr_t" + string(rune('a'+i)), At: now, Kind: store.AlertBreach, NoticeID: id,
					Fraction: 1, DueAt: &now, State: "pending"}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		adm := signedIn(t, e, e.platform, "admin@platform.example", org.RoleAdmin)
		r := adm.get("/escalations")
		mustContain(t, r.body, `id="clocks"`, `id="breaches"`, mine, theirs, "pada 50%", `href="/escalations"`)
		aud := signedIn(t, e, e.platform, "audit@platform.example", org.RoleAuditor)
		aud.lang = "en"
		mustContain(t, aud.get("/escalations").body, "Open clocks", "at 50%", "Deadlines breached")

		r = auth.get("/escalations")
		mustContain(t, r.body, `id="breaches"`, mine, `href="/escalations"`)
		if strings.Contains(r.body, theirs) || strings.Contains(r.body, `id="clocks"`) {
			t.Error("an authority sees another's breach or the platform's clocks")
		}
		fl := aFlagger(t, e)
		if r := fl.get("/escalations"); r.status != http.StatusNotFound {
			t.Errorf("flagger GET /escalations: %d", r.status)
		}
	})
}
