package httpapi

import (
	"os"
	"regexp"
	"testing"
)

// TestAuditedRoutesExist checks every route the route table audits is in
// api.go, so a renamed route cannot silently lose its audit entries.
func TestAuditedRoutesExist(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("api.go")
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]bool{}
	for _, m := range regexp.MustCompile(`mux\.Handle\("([A-Z]+ [^"]+)"`).FindAllStringSubmatch(string(src), -1) {
		routes[m[1]] = true
	}
	if len(routes) < 50 {
		t.Fatalf("found %d routes in api.go; has the route table changed shape?", len(routes))
	}
	for pattern, action := range auditedRoutes() {
		if !routes[pattern] {
			t.Errorf("auditedRoutes records %s for %q, which api.go does not route", action, pattern)
		}
	}
}
