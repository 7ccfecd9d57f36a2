package httpapi_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"math/big"
	"strings"
	"testing"
)

// TestMailSenders registers, lists and removes e-mail senders as an org's
// admin, and checks malformed, hostile and unauthorised requests change nothing.
func TestMailSenders(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, en *env) {
		orgA, orgB := en.org(t, "Komdigi", "authority"), en.org(t, "Polri", "authority")
		flagger := en.org(t, "Flagger", "flagger")
		adminA, adminB, authA := en.key(t, orgA, "admin"), en.key(t, orgB, "admin"), en.key(t, orgA, "authority")
		pub, _, _ := ed25519.GenerateKey(rand.Reader)
		der, _ := x509.MarshalPKIXPublicKey(pub)
		edKey := base64.StdEncoding.EncodeToString(der)
		// Go no longer makes keys under 1024 bits; a 512-bit modulus is made by hand.
		smallDER, err := x509.MarshalPKIXPublicKey(&rsa.PublicKey{N: new(big.Int).SetBit(big.NewInt(1), 511, 1), E: 65537})
		if err != nil {
			t.Fatal(err)
		}
		good := map[string]string{"address": "pejabat@komdigi.go.id", "dkim_domain": "komdigi.go.id", "dkim_selector": "sigap", "dkim_public_key": edKey}
		with := func(k, v string) map[string]string {
			m := map[string]string{}
			for a, b := range good {
				m[a] = b
			}
			m[k] = v
			return m
		}
		path := "/v1/orgs/" + orgA + "/mail-senders"
		bad := []struct {
			name       string
			key, path  string
			body       any
			status     int
			field, why string
		}{
			{"no key", "", path, good, 401, "", ""},
			{"an authority key, not an admin", authA, path, good, 403, "", ""},
			{"another org's admin", adminB, path, good, 404, "", ""},
			{"a flagger org", en.admin, "/v1/orgs/" + flagger + "/mail-senders", good, 422, "org_id", "not_authority"},
			{"unknown field", adminA, path, map[string]string{"address": "a@komdigi.go.id", "evil": "1"}, 422, "evil", "unknown_field"},
			{"display name in the address", adminA, path, with("address", "Pejabat <pejabat@komdigi.go.id>"), 422, "address", "invalid"},
			{"header injection in the address", adminA, path, with("address", "pejabat@komdigi.go.id\r\nBcc: x@y.z"), 422, "address", "invalid"},
			{"address outside the DKIM domain", adminA, path, with("address", "pejabat@gmail.com"), 422, "dkim_domain", "not_aligned"},
			{"bad domain", adminA, path, with("dkim_domain", "komdigi..go.id"), 422, "dkim_domain", "invalid"},
			{"bad selector", adminA, path, with("dkim_selector", "a b;c=d"), 422, "dkim_selector", "invalid"},
			{"key not base64", adminA, path, with("dkim_public_key", "not base64!"), 422, "dkim_public_key", "invalid"},
			{"key not DER", adminA, path, with("dkim_public_key", base64.StdEncoding.EncodeToString([]byte("hello"))), 422, "dkim_public_key", "invalid"},
			{"RSA key too short", adminA, path, with("dkim_public_key", base64.StdEncoding.EncodeToString(smallDER)), 422, "dkim_public_key", "invalid"},
			{"oversized", adminA, path, with("dkim_public_key", strings.Repeat("A", 9<<20)), 413, "", ""},
		}
		for _, tc := range bad {
			r := en.json(t, "POST", tc.path, tc.key, tc.body)
			if r.Status != tc.status {
				t.Errorf("%s: %d %s, want %d", tc.name, r.Status, r.Body, tc.status)
				continue
			}
			if tc.field != "" && !r.problem(t).hasError(tc.field, tc.why) {
				t.Errorf("%s: %s, want %s/%s", tc.name, r.Body, tc.field, tc.why)
			}
		}
		var list struct{ Items []map[string]any }
		en.do(t, "GET", path, adminA, nil).want(t, 200, "list").decode(t, &list)
		if len(list.Items) != 0 {
			t.Fatalf("refused requests registered %v", list.Items)
		}

		var s struct{ ID, Address, DKIMDomain string }
		en.json(t, "POST", path, adminA, with("address", "Pejabat@Komdigi.GO.ID")).want(t, 201, "register").decode(t, &s)
		if s.ID == "" || s.Address != "pejabat@komdigi.go.id" {
			t.Errorf("registered %+v", s)
		}
		if r := en.json(t, "POST", "/v1/orgs/"+orgB+"/mail-senders", adminB, with("address", "pejabat@komdigi.go.id")); r.Status != 409 {
			t.Errorf("the same address for another org: %d, want 409", r.Status)
		}
		en.do(t, "GET", path, adminA, nil).want(t, 200, "list").decode(t, &list)
		if len(list.Items) != 1 || list.Items[0]["id"] != s.ID {
			t.Errorf("list %v", list.Items)
		}
		if r := en.do(t, "DELETE", path+"/"+s.ID, adminB, nil); r.Status != 404 {
			t.Errorf("another org's admin removed a sender: %d", r.Status)
		}
		en.do(t, "DELETE", path+"/"+s.ID, adminA, nil).want(t, 200, "remove")
		if r := en.do(t, "DELETE", path+"/"+s.ID, adminA, nil); r.Status != 404 {
			t.Errorf("removing twice: %d, want 404", r.Status)
		}
		var audit struct {
			Items []struct{ Action, Object string }
		}
		en.do(t, "GET", "/v1/audit", adminA, nil).want(t, 200, "audit").decode(t, &audit)
		var acts []string
		for _, it := range audit.Items {
			if it.Object == s.ID {
				acts = append(acts, it.Action)
			}
		}
		if strings.Join(acts, ",") != "mail_sender.removed,mail_sender.added" {
			t.Errorf("audit of the sender: %v", acts)
		}
	})
}
