package httpapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/casetest"
	"github.com/sigap/sigap/internal/jobs"
	"github.com/sigap/sigap/internal/mailgate"
	"github.com/sigap/sigap/internal/store"
)

// TestMailOutbox: a reply by e-mail that cannot leave (no relay is set in
// the tests) is dead-lettered, and GET /v1/mail/outbox lists it for the
// platform's admin and auditor, by state; others are refused.
func TestMailOutbox(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newEnforceEnv, func(ctx context.Context, t *testing.T, e *reviewEnv) {
		err := e.srv.DB.Write(ctx, func(tx *store.Tx) error {
			return jobs.EnqueueTx(ctx, tx, e.clk.Now(), jobs.Spec{Kind: mailgate.ReplyKind,
				Payload: map[string]any{"to": "pejabat@komdigi.go.id", "subject": "SP-2026-0100 Perintah", "notice_id": "ntc_x"}})
		})
		if err != nil {
			t.Fatal(err)
		}
		e.drain(t)
		type outbox struct {
			Items []struct {
				To, Subject, State string
				LastError          string `json:"last_error"`
				Attempts           int
				DeadAt             *time.Time `json:"dead_at"`
			}
		}
		for _, c := range []struct {
			key, query string
			status, n  int
		}{
			{e.admin, "", 200, 1},
			{e.auditor, "?state=dead", 200, 1},
			{e.admin, "?state=pending", 200, 0},
			{e.admin, "?state=sent", 200, 0},
			{e.admin, "?state=bogus", 422, 0},
			{e.admin, "?limit=-3", 422, 0},
			{e.rev1, "", 403, 0},
			{e.authA, "", 403, 0},
			{"", "", 401, 0},
		} {
			r := e.do(t, "GET", "/v1/mail/outbox"+c.query, c.key, nil)
			if r.Status != c.status {
				t.Errorf("%s: %d %s, want %d", c.query, r.Status, r.Body, c.status)
				continue
			}
			if c.status != 200 {
				continue
			}
			var o outbox
			r.decode(t, &o)
			if len(o.Items) != c.n {
				t.Errorf("%s: %d items, want %d", c.query, len(o.Items), c.n)
			}
			for _, it := range o.Items {
				if it.To != "pejabat@komdigi.go.id" || it.Subject != "SP-2026-0100 Perintah" || it.State != "dead" || it.DeadAt == nil ||
					it.Attempts != 1 || !strings.Contains(it.LastError, "smtp-relay") {
					t.Errorf("%s: %+v", c.query, it)
				}
			}
		}
	})
}
