package httpapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/casetest"
	"github.com/sigap/sigap/internal/store"
)

// TestClaimIncidentLane: the claim's lane filter takes "incident" and gets
// the case an incident's hit moved there before the order filed earlier;
// an unknown lane is refused and names the lanes there are.
func TestClaimIncidentLane(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newReviewEnv, func(ctx context.Context, t *testing.T, e *reviewEnv) {
		_, first := e.notice(t, e.authA, "order", "ID-PSE", "https://t.me/badchan/1")
		ntc, second := e.notice(t, e.authA, "order", "ID-PSE", "https://t.me/badchan/2")
		if err := e.srv.DB.Write(ctx, func(tx *store.Tx) error {
			return tx.FileIncidentCase(ctx, store.IncidentCase{IncidentID: "inc_test", CaseID: second, NoticeID: ntc,
				Post: "https://t.me/badchan/2", At: e.clk.Now()}, e.clk.Now().Add(time.Hour))
		}); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name, lane string
			status     int
			want       string
		}{
			{"unknown lane", "bogus", 422, "incident, emergency, order, trusted, standard"},
			{"hostile lane", "incident' OR 1=1 --", 422, `"lane"`},
			{"incident lane", "incident", 200, second},
			{"order lane", "order", 200, first},
		}
		for _, tc := range tests {
			r := e.json(t, "POST", "/v1/queue/claim", e.rev1, map[string]any{"lane": tc.lane}).want(t, tc.status, tc.name)
			if !strings.Contains(string(r.Body), tc.want) {
				t.Errorf("%s: %s lacks %s", tc.name, r.Body, tc.want)
			}
			if tc.status == 200 && !strings.Contains(string(r.Body), `"lane":"`+tc.lane+`"`) {
				t.Errorf("%s: the claimed case is not in lane %s: %s", tc.name, tc.lane, r.Body)
			}
		}
	})
}
