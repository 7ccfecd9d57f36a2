package web_test

import (
	"testing"

	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/org"
)

func TestNoticePageShowsTCOAnnexI(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
		body := `{"kind": "order", "regime": "EU-TCO", "category": "terrorism", "explanation": "x", "legal_basis": "TCO Art. 3",
			"reference": "BKA-TCO-9", "subjects": [{"url": "https://t.me/tco_web/1"}],
			"tco": {"issuing_member_state": "DE", "issued_at": "2026-12-07T01:00:00Z", "reasons": ["instruction"],
			        "withhold_from_provider": true, "issuing_authority": {"type": "judicial", "name": "Amtsgericht <Wiesbaden>", "file_number": "AZ 7/26"},
			        "redress": {"body": "OLG Frankfurt", "law_url": "https://example.org/law"}}}`
		caller := org.Caller{OrgID: e.authority, OrgKind: org.KindAuthority, Role: org.RoleAuthority}
		res, err := e.s.Intake.Submit(t.Context(), caller, "", []byte(body), "")
		if err != nil {
			t.Fatal(err)
		}
		page := c.get("/notices/" + res.Notice.ID)
		mustContain(t, page.body, `id="tco"`, i18n.T(i18n.ID, "tco.title"), i18n.T(i18n.ID, "tco.reason.instruction"),
			"Amtsgericht &lt;Wiesbaden&gt;", i18n.T(i18n.ID, "tco.type.judicial"), "AZ 7/26", `href="https://example.org/law"`)
	})
}
