package httpapi_test

import (
	"testing"

	"github.com/sigap/sigap/internal/account"
	"github.com/sigap/sigap/internal/store"
)

func TestAuthPolicy(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.org(t, "Kominfo", "authority")
		b := e.org(t, "Polri", "authority")
		aAdmin := e.key(t, a, "admin")
		path := "/v1/orgs/" + a + "/auth-policy"
		var got struct {
			SecondFactor string `json:"second_factor"`
		}
		r := e.do(t, "GET", path, aAdmin, nil)
		r.decode(t, &got)
		if r.Status != 200 || got.SecondFactor != account.PolicyTOTPOrPasskey {
			t.Fatalf("default policy: %d %s", r.Status, r.Body)
		}
		entries := func() int {
			items, err := e.srv.DB.AuditItems(t.Context(), store.AuditQuery{OrgID: a, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, it := range items {
				if it.Action == account.AuditAuthPolicyChanged && it.Object == a {
					n++
				}
			}
			return n
		}
		for _, tc := range []struct {
			name, key, path string
			body            any
			status          int
		}{
			{"an org's own admin", aAdmin, path, map[string]string{"second_factor": "passkey_for_everyone"}, 403},
			{"unknown value", e.admin, path, map[string]string{"second_factor": "sms"}, 422},
			{"unknown member", e.admin, path, map[string]any{"second_factor": "passkey_for_admins", "extra": 1}, 422},
			{"unknown org", e.admin, "/v1/orgs/org_nope/auth-policy", map[string]string{"second_factor": "passkey_for_admins"}, 404},
		} {
			if r := e.json(t, "PUT", tc.path, tc.key, tc.body); r.Status != tc.status {
				t.Errorf("%s: %d %s, want %d", tc.name, r.Status, r.Body, tc.status)
			}
		}
		if n := entries(); n != 0 {
			t.Fatalf("refused changes wrote %d audit entries", n)
		}
		r = e.json(t, "PUT", path, e.admin, map[string]string{"second_factor": "passkey_for_admins"})
		r.decode(t, &got)
		if r.Status != 200 || got.SecondFactor != account.PolicyPasskeyForAdmins {
			t.Fatalf("set policy: %d %s", r.Status, r.Body)
		}
		if n := entries(); n != 1 {
			t.Errorf("%d audit entries for one change", n)
		}
		// Another org's admin cannot read it; the other org keeps the default.
		if r := e.do(t, "GET", path, e.key(t, b, "admin"), nil); r.Status != 404 {
			t.Errorf("another org's admin read the policy: %d", r.Status)
		}
		if p, _ := e.srv.Accounts.SecondFactorPolicy(t.Context(), b); p != account.PolicyTOTPOrPasskey {
			t.Errorf("other org's policy %q", p)
		}
	})
}
