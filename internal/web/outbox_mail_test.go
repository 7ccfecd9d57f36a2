package web_test

import (
	"testing"

	"github.com/sigap/sigap/internal/jobs"
	"github.com/sigap/sigap/internal/mailgate"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// TestOutboxMail: a reply by e-mail that cannot leave (no relay is set in
// the tests) is dead-lettered at once, and the outbox page shows it beside
// the webhook deliveries: to, subject, attempts, last error, times in WIB
// and UTC, escaped; an authority's user does not see the outbox.
func TestOutboxMail(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		to := "pejabat" + xss + "@komdigi.go.id"
		err := e.db.Write(ctx, func(tx *store.Tx) error {
			return jobs.EnqueueTx(ctx, tx, e.clk.Now(), jobs.Spec{Kind: mailgate.ReplyKind,
				Payload: map[string]any{"to": to, "subject": "SP-2026-0099 Perintah", "problems": []map[string]string{{"id": "x", "en": "y"}}}})
		})
		if err != nil {
			t.Fatal(err)
		}
		for range 20 {
			if _, err := e.s.Jobs.RunDue(ctx, 8); err != nil {
				t.Fatal(err)
			}
			if out, err := mailgate.Outbox(ctx, e.db, mailgate.MailDead, 10); err != nil || len(out) == 1 {
				break
			}
		}
		adm := signedIn(t, e, e.platform, "admin@platform.example", org.RoleAdmin)
		r := adm.get("/outbox")
		mustContain(t, r.body, `id="mail-replies"`, "SP-2026-0099 Perintah", "pejabat&lt;script&gt;", "mati", "WIB", "UTC", "--smtp-relay", "penolakan")
		r = adm.get("/outbox?state=pending")
		mustContain(t, r.body, `id="mail-empty"`)
		aud := signedIn(t, e, e.platform, "auditor@platform.example", org.RoleAuditor)
		mustContain(t, aud.get("/outbox?state=dead").body, "SP-2026-0099 Perintah")
		if r := signedIn(t, e, e.authority, "pejabat@komdigi.go.id", org.RoleAdmin).get("/outbox"); r.status == 200 {
			t.Errorf("an authority's admin sees the outbox")
		}
	})
}
