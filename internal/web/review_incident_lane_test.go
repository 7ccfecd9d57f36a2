package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/store"
)

// TestQueueIncidentLane: a case an incident's hit moved into the incident
// lane is counted in its own lane, the lane filter accepts "incident" and
// shows only it, and an unknown lane is refused.
func TestQueueIncidentLane(t *testing.T) {
	t.Parallel()
	eachReviewEnv(t, func(t *testing.T, e *reviewEnv) {
		ctx := t.Context()
		cs, err := e.db.NoticeCases(ctx, e.notice)
		if err != nil || len(cs) != 1 {
			t.Fatalf("cases of the order: %v, %v", cs, err)
		}
		r := e.rina.get("/review")
		mustContain(t, r.body, `id="count-incident">0<`, `id="count-order">1<`, `<option value="incident"`)
		if err := e.db.Write(ctx, func(tx *store.Tx) error {
			return tx.FileIncidentCase(ctx, store.IncidentCase{IncidentID: "inc_test", CaseID: cs[0].ID, NoticeID: e.notice,
				Post: "telegram:channel/kanaldua", At: e.clk.Now()}, e.clk.Now().Add(3600e9))
		}); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			path   string
			status int
			want   []string
		}{
			{"/review", http.StatusOK, []string{`id="count-incident">1<`, `id="count-order">0<`}},
			{"/review?lane=incident", http.StatusOK, []string{`<option value="incident" selected`, "telegram:channel/kanaldua"}},
		}
		for _, tc := range tests {
			r := e.rina.get(tc.path)
			if r.status != tc.status {
				t.Fatalf("%s: %d, want %d\n%s", tc.path, r.status, tc.status, r.body)
			}
			mustContain(t, r.body, tc.want...)
		}
		// Filtered to another lane, the incident's case is not offered.
		if r := e.rina.get("/review?lane=order"); r.status != http.StatusOK || strings.Contains(r.body, "telegram:channel/kanaldua") {
			t.Errorf("lane=order: %d, shows the incident's case", r.status)
		}
		if r := e.rina.post("/review/claim", url.Values{"lane": {"bogus"}}); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, `id="refusal"`) {
			t.Errorf("claim in lane bogus: %d", r.status)
		}
		if r := e.rina.post("/review/claim", url.Values{"lane": {"order"}}); r.status != http.StatusOK {
			t.Errorf("claim in the empty order lane: %d %q", r.status, r.location())
		}
		r = e.rina.post("/review/claim", url.Values{"lane": {"incident"}})
		if r.status != http.StatusSeeOther || r.location() != "/review/cases/"+cs[0].ID {
			t.Errorf("claim in the incident lane: %d %q, want case %s", r.status, r.location(), cs[0].ID)
		}
	})
}
