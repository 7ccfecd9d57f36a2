package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/feed"
	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// TestExchangePage: the platform's admin sees which shared entries a
// subscriber reported as false positives, in both languages, and withdraws
// one; an auditor sees the page but may not withdraw, and another org's
// user does not see it.
func TestExchangePage(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		caller := org.Caller{OrgID: e.platform, OrgKind: org.KindPlatform, Role: org.RoleAdmin}
		bank, err := e.s.Banks.Create(ctx, caller, filterset.CreateInput{Name: "shared", Policy: "review"})
		if err != nil {
			t.Fatal(err)
		}
		ent, err := e.s.Banks.AddEntry(ctx, caller, bank.ID, filterset.Item{Type: "sha256", Value: strings.Repeat("ab", 32)})
		if err != nil {
			t.Fatal(err)
		}
		sh, err := e.s.Feeds.CreateShare(ctx, store.FamilyBank, bank.ID, "http://sigap.test", feed.ShareInput{Name: "Platform B"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Feeds.Read(ctx, sh.ID, sh.Token, 0, 10); err != nil {
			t.Fatal(err)
		}
		if err := e.s.Feeds.Receive(ctx, sh.ID, sh.Token, ent.ID, feed.VerdictFalsePositive); err != nil {
			t.Fatal(err)
		}
		_, adminTOTP := e.user(e.platform, "admin@platform.test", org.RoleAdmin, true)
		_, auditorTOTP := e.user(e.platform, "auditor@platform.test", org.RoleAuditor, true)
		_, otherTOTP := e.user(e.authority, "admin@kominfo.go.id", org.RoleAdmin, true)

		admin := e.client()
		admin.signIn("admin@platform.test", adminTOTP)
		r := admin.get("/exchange")
		if r.status != 200 {
			t.Fatalf("exchange page: %d", r.status)
		}
		mustContain(t, r.body, "Pertukaran dengan platform lain", "Platform B", "positif palsu", "/exchange/withdraw/bank/"+bank.ID+"/"+ent.ID)
		admin.lang = "en"
		mustContain(t, admin.get("/exchange").body, "Exchange with other platforms", "false positive", "Withdraw")

		auditor := e.client()
		auditor.signIn("auditor@platform.test", auditorTOTP)
		if r := auditor.get("/exchange"); r.status != 200 || strings.Contains(r.body, "/exchange/withdraw/") {
			t.Fatalf("the auditor's page: %d, offers withdrawal: %v", r.status, strings.Contains(r.body, "/exchange/withdraw/"))
		}
		if r := auditor.post("/exchange/withdraw/bank/"+bank.ID+"/"+ent.ID, url.Values{}); r.status != 403 {
			t.Fatalf("an auditor withdrawing: want 403, got %d", r.status)
		}
		other := e.client()
		other.signIn("admin@kominfo.go.id", otherTOTP)
		if r := other.get("/exchange"); r.status == 200 {
			t.Fatal("an authority's admin sees the exchange page")
		}

		if r := admin.post("/exchange/withdraw/bank/"+bank.ID+"/"+ent.ID, url.Values{}); r.status != 303 {
			t.Fatalf("withdraw: want 303, got %d %s", r.status, r.body)
		}
		got, err := e.s.Banks.Entry(ctx, bank.ID, ent.ID)
		if err != nil || got.RemovedAt == nil {
			t.Fatalf("the withdrawn entry is still live: %+v %v", got, err)
		}
		p, err := e.s.Feeds.Read(ctx, sh.ID, sh.Token, 1, 10)
		if err != nil || len(p.Events) != 1 || p.Events[0].Op != feed.OpRemove {
			t.Fatalf("the withdrawal is not the feed's next event: %+v %v", p.Events, err)
		}
		mustContain(t, admin.get("/exchange").body, "withdrawn")
	})
}
