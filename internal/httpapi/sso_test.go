package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestSSOSettings sets, reads and removes the single sign-on setting; every
// answer is checked against openapi.json, and the secret never comes back.
func TestSSOSettings(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		good := func() map[string]any {
			return map[string]any{"issuer": "https://login.example.com/realms/platform", "client_id": "sigap",
				"client_secret": "top-secret-value", "role_claim": "groups",
				"role_map": map[string]string{"sigap-admins": "admin", "sigap-reviewers": "reviewer"}}
		}
		if r := e.do(t, "GET", "/v1/sso", e.admin, nil); r.Status != http.StatusNotFound {
			t.Fatalf("GET before any setting: %d", r.Status)
		}
		for _, tc := range []struct {
			name, field string
			value       any
			status      int
			code        string
		}{
			{"unknown member", "colour", "blue", http.StatusUnprocessableEntity, "unknown_field"},
			{"plain http off loopback", "issuer", "http://login.example.com", http.StatusUnprocessableEntity, "insecure"},
			{"authority role", "role_map", map[string]string{"x": "authority"}, http.StatusUnprocessableEntity, "unknown_value"},
			{"role map of numbers", "role_map", map[string]int{"x": 1}, http.StatusUnprocessableEntity, "wrong_type"},
		} {
			body := good()
			body[tc.field] = tc.value
			r := e.json(t, "PUT", "/v1/sso", e.admin, body)
			if r.Status != tc.status {
				t.Errorf("%s: %d %s, want %d", tc.name, r.Status, r.Body, tc.status)
				continue
			}
			p := r.problem(t)
			found := false
			for _, fe := range p.Errors {
				found = found || fe.Code == tc.code
			}
			if !found {
				t.Errorf("%s: %s, want code %s", tc.name, r.Body, tc.code)
			}
		}
		r := e.json(t, "PUT", "/v1/sso", e.admin, good())
		if r.Status != http.StatusOK || strings.Contains(string(r.Body), "top-secret-value") {
			t.Fatalf("PUT: %d %s", r.Status, r.Body)
		}
		var got struct {
			Issuer    string            `json:"issuer"`
			SecretSet bool              `json:"client_secret_set"`
			RoleMap   map[string]string `json:"role_map"`
		}
		r = e.do(t, "GET", "/v1/sso", e.admin, nil)
		r.decode(t, &got)
		if r.Status != http.StatusOK || !got.SecretSet || got.RoleMap["sigap-reviewers"] != "reviewer" ||
			strings.Contains(string(r.Body), "top-secret-value") {
			t.Fatalf("GET: %d %s", r.Status, r.Body)
		}
		// A 204 has no body for the document's checker to read.
		req, _ := http.NewRequest("DELETE", e.base+"/v1/sso", nil)
		req.Header.Set("Authorization", "Bearer "+e.admin)
		resp, err := e.hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("DELETE: %d", resp.StatusCode)
		}
		if r := e.do(t, "DELETE", "/v1/sso", e.admin, nil); r.Status != http.StatusNotFound {
			t.Fatalf("DELETE when off: %d %s", r.Status, r.Body)
		}
		if r := e.do(t, "GET", "/v1/sso", e.admin, nil); r.Status != http.StatusNotFound {
			t.Fatalf("GET after DELETE: %d", r.Status)
		}
	})
}
