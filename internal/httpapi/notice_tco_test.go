package httpapi_test

import (
	"testing"
)

func TestTCOAnnexIFields(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		_, key := e.member(t, "Bundeskriminalamt", "authority")
		annex := func(change func(m map[string]any)) map[string]any {
			m := map[string]any{"issuing_member_state": "DE", "issued_at": "2026-12-07T01:00:00Z", "reasons": []string{"incitement", "threat"},
				"additional_reasons": "Aufruf zu Anschlägen", "withhold_from_provider": true, "host_authority_copied": false,
				"issuing_authority": map[string]any{"type": "law_enforcement", "name": "BKA", "file_number": "ST 12/2026", "email": "tco@bka.example"},
				"follow_up":         map[string]any{"name": "Lagezentrum", "phone": "+49 611 55 0"},
				"redress":           map[string]any{"body": "Verwaltungsgericht Wiesbaden", "deadline": "1 month", "law_url": "https://www.gesetze-im-internet.de/tcodg/"}}
			if change != nil {
				change(m)
			}
			return m
		}
		order := func(n int, extra ...any) []byte {
			return mustJSON(t, notice("order", "terrorism", []string{"https://t.me/tco_chan/" + string(rune('0'+n))}, append([]any{"regime", "EU-TCO", "reference", "BKA-TCO-1"}, extra...)...))
		}
		type tcoView struct {
			ID  string `json:"id"`
			TCO *struct {
				IssuingMemberState   string                      `json:"issuing_member_state"`
				Reasons              []string                    `json:"reasons"`
				WithholdFromProvider bool                        `json:"withhold_from_provider"`
				IssuingAuthority     struct{ Type, Name string } `json:"issuing_authority"`
				Redress              *struct{ Body string }
			} `json:"tco"`
		}
		var created tcoView
		e.do(t, "POST", "/v1/notices", key, order(1, "tco", annex(nil))).want(t, 201, "order with annex I").decode(t, &created)
		var got tcoView
		e.do(t, "GET", "/v1/notices/"+created.ID, key, nil).want(t, 200, "get").decode(t, &got)
		for _, v := range []tcoView{created, got} {
			if v.TCO == nil || v.TCO.IssuingMemberState != "DE" || len(v.TCO.Reasons) != 2 || !v.TCO.WithholdFromProvider ||
				v.TCO.IssuingAuthority.Type != "law_enforcement" || v.TCO.Redress == nil || v.TCO.Redress.Body != "Verwaltungsgericht Wiesbaden" {
				t.Errorf("tco = %+v", v.TCO)
			}
		}
		// An EU-TCO order without the fields is still taken, as before.
		e.submit(t, key, order(2))

		tests := []struct {
			name        string
			body        []byte
			field, code string
		}{
			{"on an ID-PSE order", mustJSON(t, notice("order", "terrorism", []string{"https://t.me/tco_chan/3"}, "tco", annex(nil))), "tco", "not_allowed"},
			{"on a referral", mustJSON(t, notice("referral", "terrorism", []string{"https://t.me/tco_chan/3"}, "regime", "EU-TCO", "tco", annex(nil))), "tco", "not_allowed"},
			{"unknown member", order(3, "tco", annex(func(m map[string]any) { m["section_z"] = 1 })), "tco", "wrong_type"},
			{"member state", order(3, "tco", annex(func(m map[string]any) { m["issuing_member_state"] = "Germany" })), "tco.issuing_member_state", "invalid"},
			{"no issuing time", order(3, "tco", annex(func(m map[string]any) { delete(m, "issued_at") })), "tco.issued_at", "required"},
			{"no reasons", order(3, "tco", annex(func(m map[string]any) { m["reasons"] = []string{} })), "tco.reasons", "required"},
			{"unknown reason", order(3, "tco", annex(func(m map[string]any) { m["reasons"] = []string{"dislike"} })), "tco.reasons[0]", "unknown_value"},
			{"authority type", order(3, "tco", annex(func(m map[string]any) { m["issuing_authority"] = map[string]any{"type": "army", "name": "x"} })), "tco.issuing_authority.type", "unknown_value"},
			{"authority name", order(3, "tco", annex(func(m map[string]any) { m["issuing_authority"] = map[string]any{"type": "judicial"} })), "tco.issuing_authority.name", "required"},
			{"e-mail", order(3, "tco", annex(func(m map[string]any) {
				m["issuing_authority"] = map[string]any{"type": "judicial", "name": "x", "email": "not an address"}
			})), "tco.issuing_authority.email", "invalid"},
			{"law url", order(3, "tco", annex(func(m map[string]any) { m["redress"] = map[string]any{"body": "x", "law_url": "javascript:alert(1)"} })), "tco.redress.law_url", "invalid"},
			{"control characters", order(3, "tco", annex(func(m map[string]any) { m["additional_reasons"] = "a\x07b" })), "tco.additional_reasons", "invalid"},
		}
		for _, tt := range tests {
			p := e.do(t, "POST", "/v1/notices", key, tt.body).want(t, 422, tt.name).problem(t)
			if !p.hasError(tt.field, tt.code) {
				t.Errorf("%s: %+v, want %s on %s", tt.name, p.Errors, tt.code, tt.field)
			}
		}
		var list struct{ Items []struct{ ID string } }
		e.do(t, "GET", "/v1/notices", key, nil).want(t, 200, "list").decode(t, &list)
		if len(list.Items) != 2 {
			t.Errorf("%d notices stored, want the 2 taken", len(list.Items))
		}
	})
}
