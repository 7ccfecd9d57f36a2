package httpapi_test

import (
	flagpkg "flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/httpapi"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store/storetest"
)

var updateAPIDoc = flagpkg.Bool("update-api-doc", false, "rewrite the route table in docs/api.md from api.go")

// The route table in docs/api.md sits between these markers and is written
// from the API's own route table, so the document cannot drift from the code.
const (
	apiDocPath  = "../../docs/api.md"
	apiDocBegin = "<!-- routes: begin (written by go test ./internal/httpapi -run TestAPIDocRoutes -update-api-doc) -->"
	apiDocEnd   = "<!-- routes: end -->"
)

// TestAPIDocRoutes checks that docs/api.md lists every route with exactly the
// callers the route table admits.
func TestAPIDocRoutes(t *testing.T) {
	t.Parallel()
	// A server on a public address: on loopback alone /metrics needs no key.
	e := newEnvWith(t, storetest.Engine{Name: "sqlite", Dir: t.TempDir()}, func(c *config.Config) { c.Addr = "0.0.0.0:8080" })
	var b strings.Builder
	b.WriteString("| route | who may call it |\n| --- | --- |\n")
	for _, r := range e.srv.API.Routes() {
		fmt.Fprintf(&b, "| `%s` | %s |\n", r.Pattern, whoMay(r))
	}
	want := b.String()
	src, err := os.ReadFile(apiDocPath)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(src)
	i, j := strings.Index(doc, apiDocBegin), strings.Index(doc, apiDocEnd)
	if i < 0 || j < i {
		t.Fatalf("docs/api.md has lost its route markers %q ... %q", apiDocBegin, apiDocEnd)
	}
	got := doc[i+len(apiDocBegin)+1 : j]
	if got == want {
		return
	}
	if *updateAPIDoc {
		if err := os.WriteFile(apiDocPath, []byte(doc[:i+len(apiDocBegin)+1]+want+doc[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("docs/api.md's route table is not api.go's; run go test ./internal/httpapi -run TestAPIDocRoutes -update-api-doc and review the diff")
}

// whoMay says in words which keys a route admits.
func whoMay(r httpapi.RouteAccess) string {
	if r.Public {
		return "anyone, no key"
	}
	var parts []string
	for _, role := range r.Roles {
		s := string(role)
		if contains(r.Platform, role) {
			s += " (platform)"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

func contains(rs []org.Role, r org.Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}
