package web_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"net/http"
	"net/url"
	"testing"

	"github.com/sigap/sigap/internal/org"
)

// TestMailSendersPage registers and removes an authority's e-mail sender in
// the portal, in both languages, and checks refused forms and another org's
// admin change nothing.
func TestMailSendersPage(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		count := func() int {
			ss, err := e.db.MailSenders(ctx, e.authority)
			if err != nil {
				t.Fatal(err)
			}
			return len(ss)
		}
		pub, _, _ := ed25519.GenerateKey(rand.Reader)
		der, _ := x509.MarshalPKIXPublicKey(pub)
		key := base64.StdEncoding.EncodeToString(der)
		adm := signedIn(t, e, e.authority, "admin@kominfo.example", org.RoleAdmin)
		page := "/admin/orgs/" + e.authority + "/mail-senders"
		mustContain(t, adm.get("/admin/orgs/"+e.authority).body, `href="`+page+`"`)
		mustContain(t, adm.get(page).body, "Pengirim surel", "Belum ada pengirim terdaftar.")
		refuses(t, page,
			refusal{adm, url.Values{"address": {"pejabat@gmail.com"}, "dkim_domain": {"komdigi.go.id"}, "dkim_selector": {"s1"}, "dkim_public_key": {key}}, http.StatusUnprocessableEntity, "Domain DKIM: alamat harus berada di bawah domain DKIM"},
			refusal{adm, url.Values{"address": {"pejabat@komdigi.go.id"}, "dkim_domain": {"komdigi.go.id"}, "dkim_selector": {"s1"}, "dkim_public_key": {"bukan kunci"}}, http.StatusUnprocessableEntity, "Kunci publik DKIM: tidak sah"},
			refusal{adm, url.Values{"address": {xss}, "dkim_domain": {"komdigi.go.id"}, "dkim_selector": {"s1"}, "dkim_public_key": {key}}, http.StatusUnprocessableEntity, "Alamat: tidak sah"},
		)
		if n := count(); n != 0 {
			t.Fatalf("refused forms stored %d senders", n)
		}
		r := adm.post(page, url.Values{"address": {"Pejabat@Komdigi.go.id"}, "dkim_domain": {"komdigi.go.id"}, "dkim_selector": {"s1"}, "dkim_public_key": {key}})
		if r.status != http.StatusSeeOther || count() != 1 {
			t.Fatalf("register: %d, %d senders", r.status, count())
		}
		mustContain(t, adm.get(page).body, "pejabat@komdigi.go.id", "WIB", "Hapus")
		adm.post("/lang", url.Values{"lang": {"en"}, "back": {page}})
		mustContain(t, adm.get(page).body, "E-mail senders", "pejabat@komdigi.go.id", "Remove")

		// The platform's admin of another org may not see this one's page as an authority's admin could.
		other, _ := e.s.Admin.CreateOrg(ctx, "Other", org.KindAuthority, "")
		stranger := signedIn(t, e, other.ID, "admin@other.example", org.RoleAdmin)
		if r := stranger.get(page); r.status != http.StatusNotFound {
			t.Errorf("another org's admin: %d, want 404", r.status)
		}
		ss, _ := e.db.MailSenders(ctx, e.authority)
		if r := stranger.post(page+"/"+ss[0].ID+"/remove", nil); r.status != http.StatusNotFound || count() != 1 {
			t.Errorf("another org's admin removed a sender: %d", r.status)
		}
		if r := adm.post(page+"/"+ss[0].ID+"/remove", nil); r.status != http.StatusSeeOther || count() != 0 {
			t.Errorf("remove: %d, %d senders left", r.status, count())
		}
	})
}
