package web_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/evidence"
	"github.com/sigap/sigap/internal/incident"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// seeded is a portal with something on every page: an order decided and
// one waiting, a bank and a list with entries and a hit, a flagger, held
// evidence, and a signed-in client for each role a page needs.
type seeded struct {
	*env
	as       map[string]*client // by seat: "admin", "reviewer", "auditor", "authority", "flagger"
	notice   string             // a decided order
	open     string             // an order still waiting
	caseID   string
	decision string
	bank     string
	list     string
	flagger  string
	evidence string
	incident string
	setPw    string // a set-password token nobody has used
}

// seedPortal fills e the way a week of work would.
func seedPortal(t *testing.T, e *env) *seeded {
	t.Helper()
	ctx := t.Context()
	s := &seeded{env: e, as: map[string]*client{}}
	fl, err := e.s.Admin.CreateOrg(ctx, "Masyarakat Anti Fitnah Indonesia", org.KindFlagger, "")
	if err != nil {
		t.Fatal(err)
	}
	s.flagger = fl.ID
	for _, u := range []struct {
		seat, org, email string
		role             org.Role
	}{
		{"admin", e.platform, "dewi@platform.example", org.RoleAdmin},
		{"reviewer", e.platform, "rina@platform.example", org.RoleReviewer},
		{"auditor", e.platform, "agus@platform.example", org.RoleAuditor},
		{"authority", e.authority, "ana@kominfo.go.id", org.RoleAuthority},
		{"flagger", fl.ID, "sari@mafindo.or.id", org.RoleFlagger},
	} {
		s.as[u.seat] = signedIn(t, e, u.org, u.email, u.role)
	}
	s.notice = fileOrder(t, s.as["authority"], "t.me/kanaldua")
	s.open = fileOrder(t, s.as["authority"], "https://t.me/s/KanalSatu/12", "t.me/kanaltiga")
	s.caseID = claim(t, s.as["reviewer"])
	if r := s.as["reviewer"].post("/review/cases/"+s.caseID+"/decision", decisionForm("remove")); r.status != http.StatusSeeOther {
		t.Fatalf("decide: %d %s", r.status, r.body)
	}
	ds := e.decisions(s.caseID)
	if len(ds) == 0 {
		t.Fatal("no decision stored")
	}
	s.decision = ds[0].ID
	adm := s.as["admin"]
	s.bank = fltCreate(t, adm, "/banks", url.Values{"name": {"GIFCT"}, "policy": {"review"}, "labels": {"terrorism"}})
	if r := adm.post("/banks/"+s.bank+"/entries", url.Values{"type": {"md5"}, "value": {"9e107d9d372bb6826bd81d3542a419d6"}}); r.status != http.StatusSeeOther {
		t.Fatalf("bank entry: %d %s", r.status, r.body)
	}
	s.list = fltCreate(t, adm, "/lists", url.Values{"name": {"Propaganda ISIS"}, "kind": {"keyword"}, "policy": {"shadow"},
		"labels": {"terrorism"}, "language": {"id"}})
	if r := adm.post("/lists/"+s.list+"/entries", url.Values{"value": {"bom bunuh diri"}}); r.status != http.StatusSeeOther {
		t.Fatalf("list entry: %d %s", r.status, r.body)
	}
	fltScan(t, e, "kanalsatu", "7", "ajakan bom bunuh diri")
	now := e.clk.Now()
	ev := &evidence.Evidence{ID: "evd_seed1", ActionID: "act_seed1", CaseID: s.caseID,
		SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", SnapshotRef: "snap/seed1",
		PreservedAt: now, KeepUntil: now.AddDate(0, 6, 0)}
	if err := e.db.Write(ctx, func(tx *store.Tx) error { _, err := tx.InsertEvidence(ctx, ev); return err }); err != nil {
		t.Fatal(err)
	}
	s.evidence = ev.ID
	_, link, err := e.acc.CreateUser(ctx, e.authority, "baru@kominfo.go.id", "Baru", org.RoleAuthority)
	if err != nil {
		t.Fatal(err)
	}
	s.setPw = link.Token
	inc, err := e.s.Incidents.Declare(ctx, org.Caller{OrgID: e.platform, Role: org.RoleAdmin}, incident.DeclareInput{Name: "Serangan Surabaya", Labels: []string{"terrorism"}})
	if err != nil {
		t.Fatal(err)
	}
	s.incident = inc.ID
	return s
}

// pageVisit is one page as one seat sees it; an empty seat is a visitor
// who is not signed in.
type pageVisit struct {
	pattern, path, seat string
}

// notPages are GET routes that answer with something other than a page
// (files, downloads, a redirect to another site).
var notPages = []string{"/static/", "/notices/{id}/receipt.json", "/notices/{id}/documents/{index}", "/banks/{id}/export", "/lists/{id}/export",
	"/flaggers/{id}/report.csv", "/trust/report.csv", "/transparency/report.csv", "/transparency/tco.csv",
	"/transparency/ledger.csv", "/transparency/dsa-sor.jsonl", "/login/oidc", "/login/oidc/callback", "/{$}"}

// visits lists every page of the portal, found by walking the route table
// in the package's source, with the seat that sees it; a new GET route
// whose path holds a parameter fails the test until samples below names a
// value for it, so no page escapes the checks that use this.
func (s *seeded) visits(t *testing.T) []pageVisit {
	t.Helper()
	samples := map[string]pageVisit{
		"/login":                           {path: "/login"},
		"/set-password/{token}":            {path: "/set-password/" + s.setPw},
		"/login/totp":                      {path: "/login/totp"},
		"/login/passkey":                   {path: "/login/passkey"},
		"/account/totp":                    {path: "/account/totp"},
		"/notices/new":                     {seat: "authority"},
		"/notices/{id}":                    {path: "/notices/" + s.notice, seat: "authority"},
		"/admin/orgs/{id}":                 {path: "/admin/orgs/" + s.authority, seat: "admin"},
		"/admin/orgs/{id}/mail-senders":    {path: "/admin/orgs/" + s.authority + "/mail-senders", seat: "admin"},
		"/incidents/{id}":                  {path: "/incidents/" + s.incident, seat: "admin"},
		"/banks/{id}":                      {path: "/banks/" + s.bank, seat: "admin"},
		"/lists/{id}":                      {path: "/lists/" + s.list, seat: "admin"},
		"/flaggers/{id}":                   {path: "/flaggers/" + s.flagger, seat: "admin"},
		"/trust":                           {seat: "flagger"},
		"/review":                          {seat: "reviewer"},
		"/review/cases/{id}":               {path: "/review/cases/" + s.caseID, seat: "reviewer"},
		"/review/decisions/{id}/statement": {path: "/review/decisions/" + s.decision + "/statement", seat: "reviewer"},
		"/evidence/{id}":                   {path: "/evidence/" + s.evidence, seat: "authority"},
		"/evidence":                        {seat: "authority"},
		"/escalations":                     {seat: "reviewer"},
		"/transparency/ledger":             {seat: "authority"},
		"/transparency/report":             {seat: "admin"},
		"/notices":                         {seat: "authority"},
		"/dashboard":                       {seat: "authority"},
		"/transparency":                    {seat: "admin"},
		"/review/approvals":                {seat: "reviewer"},
		"/review/appeals":                  {seat: "reviewer"},
	}
	var out []pageVisit
	for _, pat := range portalGETRoutes(t) {
		if slices.Contains(notPages, pat) {
			continue
		}
		v, ok := samples[pat]
		if !ok && strings.Contains(pat, "{") {
			t.Errorf("GET %s: no sample page for it; add one to samples in seeded.visits", pat)
			continue
		}
		v.pattern = pat
		if v.path == "" {
			v.path = pat
		}
		if !ok {
			v.seat = "admin"
		}
		out = append(out, v)
	}
	// The pages platform and authority staff see differently.
	out = append(out, pageVisit{pattern: "/dashboard", path: "/dashboard", seat: "admin"},
		pageVisit{pattern: "/dashboard", path: "/dashboard", seat: "reviewer"},
		pageVisit{pattern: "/notices/{id}", path: "/notices/" + s.notice, seat: "reviewer"})
	return out
}

// portalGETRoutes reads the GET patterns the portal registers, from every
// mux.Handle and mux.HandleFunc call in the package's source.
func portalGETRoutes(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "Handle" && sel.Sel.Name != "HandleFunc") {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			pat, err := strconv.Unquote(lit.Value)
			if err == nil && strings.HasPrefix(pat, "GET ") {
				out = append(out, strings.TrimPrefix(pat, "GET "))
			}
			return true
		})
	}
	if len(out) < 30 {
		t.Fatalf("found %d GET routes in the source; the walk is broken", len(out))
	}
	slices.Sort(out)
	return slices.Compact(out)
}
