package httpapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/org"
)

// pathParam is a {name} or {name...} in a route pattern.
var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// TestRouteTableAccess walks the route table: on every route a key of each
// role the route does not list gets 403 forbidden_role, a key of another org
// in a role the route admits only from the platform gets the route's refusal,
// and the keys it admits get past the auth middleware.
func TestRouteTableAccess(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		var orgs struct {
			Items []orgView `json:"items"`
		}
		e.do(t, "GET", "/v1/orgs", e.admin, nil).decode(t, &orgs)
		platformID := ""
		for _, o := range orgs.Items {
			if o.Kind == "platform" {
				platformID = o.ID
			}
		}
		if platformID == "" {
			t.Fatal("no platform org")
		}
		authorityID := e.org(t, "Kominfo", "authority")
		flaggerID := e.org(t, "Flagger", "flagger")
		// platformKey is a key of the role from the platform's org where the
		// role fits it, else from the org of its kind.
		platformKey := map[org.Role]string{
			org.RoleAdmin:     e.admin,
			org.RoleReviewer:  e.key(t, platformID, "reviewer"),
			org.RoleAuditor:   e.key(t, platformID, "auditor"),
			org.RoleAuthority: e.key(t, authorityID, "authority"),
			org.RoleFlagger:   e.key(t, flaggerID, "flagger"),
		}
		// otherKey is a key of the role from an org that is not the platform.
		otherKey := map[org.Role]string{
			org.RoleAdmin:     e.key(t, authorityID, "admin"),
			org.RoleAuditor:   e.key(t, authorityID, "auditor"),
			org.RoleAuthority: platformKey[org.RoleAuthority],
			org.RoleFlagger:   platformKey[org.RoleFlagger],
		}
		allRoles := []org.Role{org.RoleAdmin, org.RoleReviewer, org.RoleAuditor, org.RoleAuthority, org.RoleFlagger}
		routes := e.srv.API.Routes()
		if len(routes) < 50 {
			t.Fatalf("the route table has %d routes; want the whole API", len(routes))
		}
		for _, rt := range routes {
			if rt.Public {
				continue
			}
			method, path, _ := strings.Cut(rt.Pattern, " ")
			path = pathParam.ReplaceAllString(path, "x")
			if len(rt.Roles) == 0 {
				t.Errorf("%s admits no role", rt.Pattern)
			}
			for _, role := range allRoles {
				listed, platformOnly := slices.Contains(rt.Roles, role), slices.Contains(rt.Platform, role)
				if !listed {
					if st, code := call(t, e, method, path, platformKey[role]); st != http.StatusForbidden || code != "forbidden_role" {
						t.Errorf("%s by a %s key: %d %s, want 403 forbidden_role", rt.Pattern, role, st, code)
					}
					continue
				}
				if st, code := call(t, e, method, path, platformKey[role]); st == http.StatusUnauthorized || code == "forbidden_role" ||
					code == "platform_only" || code == "forbidden_tenant" {
					t.Errorf("%s by the platform's %s key: %d %s, want it admitted", rt.Pattern, role, st, code)
				}
				other, ok := otherKey[role]
				if !ok {
					continue // a reviewer is always the platform's
				}
				st, code := call(t, e, method, path, other)
				switch {
				case platformOnly && (rt.RefusalStatus != http.StatusForbidden && rt.RefusalStatus != http.StatusNotFound):
					t.Errorf("%s refuses other orgs' keys with %d; want 403, or 404 where admitting the object exists would leak it", rt.Pattern, rt.RefusalStatus)
				case platformOnly && (st != rt.RefusalStatus || code != rt.RefusalCode):
					t.Errorf("%s by another org's %s key: %d %s, want %d %s", rt.Pattern, role, st, code, rt.RefusalStatus, rt.RefusalCode)
				case !platformOnly && (code == "forbidden_role" || code == "platform_only" || code == "forbidden_tenant"):
					t.Errorf("%s by another org's %s key: %d %s, want it admitted", rt.Pattern, role, st, code)
				}
			}
		}
	})
}

// call sends a bodiless request with key and returns the status and the
// problem's code, if any.
func call(t *testing.T, e *env, method, path, key string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, e.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := e.hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read answer: %v", method, path, err)
	}
	var p struct {
		Code string `json:"code"`
	}
	_ = json.Unmarshal(b, &p) // a success need not be a problem
	return resp.StatusCode, p.Code
}
