package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"os"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	noticepkg "github.com/sigap/sigap/internal/notice"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// docURL names openapi.json inside the schema compiler; every "#/..." ref in
// the document resolves against it.
const docURL = "https://sigap.dev/openapi.json"

// apiDoc is openapi.json with a compiled JSON Schema for every documented
// response body and request body.
type apiDoc struct {
	raw       map[string]any
	responses map[string]map[string]*jsonschema.Schema // "GET /v1/x 200" -> media type -> schema
	requests  map[string]map[string]*jsonschema.Schema // "POST /v1/x" -> media type -> body schema (nil unless JSON)
	ops       map[string]bool                          // "GET /v1/x"
	headers   map[string][]string                      // "GET /v1/x 200" -> headers the document marks required
	templates []pathTemplate
	problem   *jsonschema.Schema
}

type pathTemplate struct {
	pattern string
	re      *regexp.Regexp
}

var loadDoc = sync.OnceValues(func() (*apiDoc, error) {
	f, err := os.Open("openapi.json")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	v, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	raw, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("openapi.json is not an object")
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(docURL, raw); err != nil {
		return nil, err
	}
	d := &apiDoc{raw: raw, responses: map[string]map[string]*jsonschema.Schema{}, requests: map[string]map[string]*jsonschema.Schema{}, ops: map[string]bool{}, headers: map[string][]string{}}
	if d.problem, err = c.Compile(docURL + "#/components/schemas/Problem"); err != nil {
		return nil, fmt.Errorf("compile Problem: %w", err)
	}
	paths, _ := raw["paths"].(map[string]any)
	for p, item := range paths {
		re := "^" + regexp.MustCompile(`\\\{[^}]+\\\}`).ReplaceAllString(regexp.QuoteMeta(p), `[^/]+`) + "$"
		d.templates = append(d.templates, pathTemplate{p, regexp.MustCompile(re)})
		ops, _ := item.(map[string]any)
		for method, o := range ops {
			op, _ := o.(map[string]any)
			if op == nil {
				continue
			}
			opPtr := "#/paths/" + escapePtr(p) + "/" + method
			d.ops[strings.ToUpper(method)+" "+p] = true
			if rb, ok := op["requestBody"].(map[string]any); ok {
				rbPtr := opPtr + "/requestBody"
				if ref, ok := rb["$ref"].(string); ok {
					rbPtr = ref
					if rb, err = lookup(raw, ref); err != nil {
						return nil, fmt.Errorf("%s %s request: %w", method, p, err)
					}
				}
				content, _ := rb["content"].(map[string]any)
				m := map[string]*jsonschema.Schema{}
				for mt, mo := range content {
					m[mt] = nil
					if mo, _ := mo.(map[string]any); mo["schema"] == nil || !isJSON(mt) {
						continue
					}
					if m[mt], err = c.Compile(docURL + rbPtr + "/content/" + escapePtr(mt) + "/schema"); err != nil {
						return nil, fmt.Errorf("compile %s %s request %s: %w", method, p, mt, err)
					}
				}
				d.requests[strings.ToUpper(method)+" "+p] = m
			}
			resps, _ := op["responses"].(map[string]any)
			for status, r := range resps {
				ptr := opPtr + "/responses/" + status
				resp, _ := r.(map[string]any)
				if ref, ok := resp["$ref"].(string); ok {
					ptr = ref
					if resp, err = lookup(raw, ref); err != nil {
						return nil, fmt.Errorf("%s %s %s: %w", method, p, status, err)
					}
				}
				key := strings.ToUpper(method) + " " + p + " " + status
				d.responses[key] = map[string]*jsonschema.Schema{}
				hs, _ := resp["headers"].(map[string]any)
				for name, h := range hs {
					if h, _ := h.(map[string]any); h["required"] == true {
						d.headers[key] = append(d.headers[key], name)
					}
				}
				content, _ := resp["content"].(map[string]any)
				for mt, mo := range content {
					d.responses[key][mt] = nil
					if mo, _ := mo.(map[string]any); mo["schema"] == nil {
						continue
					}
					s, err := c.Compile(docURL + ptr + "/content/" + escapePtr(mt) + "/schema")
					if err != nil {
						return nil, fmt.Errorf("compile %s %s: %w", key, mt, err)
					}
					d.responses[key][mt] = s
				}
			}
		}
	}
	// Literal paths before templated ones, so /v1/orgs never matches a template meant for something else.
	sort.Slice(d.templates, func(i, j int) bool {
		ti, tj := strings.Contains(d.templates[i].pattern, "{"), strings.Contains(d.templates[j].pattern, "{")
		if ti != tj {
			return !ti
		}
		return d.templates[i].pattern < d.templates[j].pattern
	})
	return d, nil
})

func escapePtr(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// lookup resolves a local "#/a/b" reference inside the document.
func lookup(doc map[string]any, ref string) (map[string]any, error) {
	ptr, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, fmt.Errorf("ref %q is not local", ref)
	}
	var cur any = doc
	for _, tok := range strings.Split(ptr, "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("ref %q does not resolve", ref)
		}
		if cur, ok = m[tok]; !ok {
			return nil, fmt.Errorf("ref %q does not resolve", ref)
		}
	}
	m, ok := cur.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("ref %q points at a %T, not an object", ref, cur)
	}
	return m, nil
}

func mustDoc(t *testing.T) *apiDoc {
	t.Helper()
	d, err := loadDoc()
	if err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return d
}

// pattern finds the documented path template a concrete path belongs to.
func (d *apiDoc) pattern(path string) (string, bool) {
	for _, tp := range d.templates {
		if tp.re.MatchString(path) {
			return tp.pattern, true
		}
	}
	return "", false
}

// checkResponse fails t when method pattern status is not documented, when the
// answer's media type is not one the document lists for it, or when a JSON body
// does not validate against the documented schema.
func checkResponse(t *testing.T, method, pattern string, status int, contentType string, body []byte) {
	t.Helper()
	d := mustDoc(t)
	key := method + " " + pattern + " " + strconv.Itoa(status)
	content, ok := d.responses[key]
	if !ok {
		t.Errorf("openapi.json does not document %s (body: %.300s)", key, body)
		return
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		t.Errorf("%s: Content-Type %q: %v", key, contentType, err)
		return
	}
	schema, ok := content[mt]
	if !ok {
		t.Errorf("%s: Content-Type %s is not documented (documented: %v)", key, mt, keys(content))
		return
	}
	if !isJSON(mt) || schema == nil {
		return
	}
	if err := validate(schema, body); err != nil {
		t.Errorf("%s: body %v\nbody: %.2000s", key, err, body)
	}
}

// checkRequest fails t when a request body the server accepted does not fit
// the document: its media type must be one the operation lists, and a JSON
// body must validate against the documented schema, so the document never
// refuses what the API takes.
func checkRequest(t *testing.T, method, pattern, contentType string, body []byte) {
	t.Helper()
	content, ok := mustDoc(t).requests[method+" "+pattern]
	if !ok {
		t.Errorf("openapi.json documents no request body for %s %s", method, pattern)
		return
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	s, ok := content[mt]
	if !ok {
		for documented, ds := range content {
			if m, _ := path.Match(documented, mt); m {
				s, ok = ds, true
			}
		}
	}
	if !ok {
		t.Errorf("%s %s: request Content-Type %q is not documented (documented: %v)", method, pattern, contentType, keys(content))
		return
	}
	if !isJSON(mt) {
		return
	}
	if err := validate(s, body); err != nil {
		t.Errorf("%s %s: an accepted request %v", method, pattern, err)
	}
}

// isJSON reports whether a media type is JSON (application/json or a +json type).
func isJSON(mt string) bool { return mt == "application/json" || strings.HasSuffix(mt, "+json") }

// checkProblem validates an answer for a path outside the document (an
// unknown route) against the Problem schema.
func checkProblem(t *testing.T, contentType string, body []byte) {
	t.Helper()
	if mt, _, _ := mime.ParseMediaType(contentType); mt != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json", contentType)
	}
	if err := validate(mustDoc(t).problem, body); err != nil {
		t.Errorf("problem %v\nbody: %s", err, body)
	}
}

// validate checks body against s; its error says whether body is not JSON
// or does not match.
func validate(s *jsonschema.Schema, body []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("is not JSON: %w", err)
	}
	if err := s.Validate(v); err != nil {
		return fmt.Errorf("does not match openapi.json: %w", err)
	}
	return nil
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// routeRe reads the route table of api.go: mux.Handle("GET /path", ...).
var routeRe = regexp.MustCompile(`mux\.Handle(?:Func)?\("([A-Z]+) ([^"]+)"`)

// TestEveryRouteDocumented checks the route table and the document both ways.
func TestEveryRouteDocumented(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("api.go")
	if err != nil {
		t.Fatal(err)
	}
	d := mustDoc(t)
	routes := map[string]bool{}
	for _, m := range routeRe.FindAllStringSubmatch(string(src), -1) {
		routes[m[1]+" "+m[2]] = true
	}
	if len(routes) < 10 {
		t.Fatalf("found only %d routes in api.go; has its route table changed shape? %v", len(routes), keys(routes))
	}
	documented := map[string]bool{}
	paths, _ := d.raw["paths"].(map[string]any)
	for p, item := range paths {
		for m := range item.(map[string]any) {
			if slices.Contains([]string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}, m) {
				documented[strings.ToUpper(m)+" "+p] = true
			}
		}
	}
	for r := range routes {
		if !documented[r] {
			t.Errorf("api.go routes %s but openapi.json does not document it", r)
		}
	}
	for r := range documented {
		if !routes[r] {
			t.Errorf("openapi.json documents %s but api.go has no such route", r)
		}
	}
}

// TestOpenAPIDocumentIsValid checks the document's structure: OpenAPI 3.1,
// info, paths, operations with unique IDs, declared path parameters, every
// $ref resolving, and every schema compiling as JSON Schema 2020-12.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	t.Parallel()
	d := mustDoc(t)
	raw := d.raw
	if v, _ := raw["openapi"].(string); !regexp.MustCompile(`^3\.1\.\d+$`).MatchString(v) {
		t.Errorf("openapi = %q, want 3.1.x", v)
	}
	info, _ := raw["info"].(map[string]any)
	if info == nil || info["title"] == "" || info["version"] == "" || info["title"] == nil || info["version"] == nil {
		t.Errorf("info needs title and version: %v", info)
	}
	paths, _ := raw["paths"].(map[string]any)
	if len(paths) == 0 {
		t.Fatal("no paths")
	}
	schemes, _ := raw["components"].(map[string]any)["securitySchemes"].(map[string]any)
	if b, _ := schemes["bearer"].(map[string]any); b["type"] != "http" || b["scheme"] != "bearer" {
		t.Errorf("securitySchemes.bearer = %v, want http bearer", b)
	}
	opIDs := map[string]string{}
	paramRe := regexp.MustCompile(`\{([^}]+)\}`)
	for p, item := range paths {
		if !strings.HasPrefix(p, "/") {
			t.Errorf("path %q does not start with /", p)
		}
		for m, o := range item.(map[string]any) {
			op, ok := o.(map[string]any)
			if !ok {
				continue
			}
			where := strings.ToUpper(m) + " " + p
			id, _ := op["operationId"].(string)
			if id == "" {
				t.Errorf("%s has no operationId", where)
			} else if prev, dup := opIDs[id]; dup {
				t.Errorf("operationId %q used by %s and %s", id, prev, where)
			}
			opIDs[id] = where
			resps, _ := op["responses"].(map[string]any)
			if len(resps) == 0 {
				t.Errorf("%s has no responses", where)
			}
			for status := range resps {
				if !regexp.MustCompile(`^[1-5]\d\d$`).MatchString(status) {
					t.Errorf("%s: response key %q is not a status code", where, status)
				}
			}
			declared := map[string]bool{}
			params, _ := op["parameters"].([]any)
			for _, pa := range params {
				pm, _ := pa.(map[string]any)
				if ref, ok := pm["$ref"].(string); ok {
					var err error
					if pm, err = lookup(raw, ref); err != nil {
						t.Errorf("%s: %v", where, err)
						continue
					}
				}
				if pm["in"] == "path" {
					declared[pm["name"].(string)] = true
					if pm["required"] != true {
						t.Errorf("%s: path parameter %v must be required", where, pm["name"])
					}
				}
			}
			for _, want := range paramRe.FindAllStringSubmatch(p, -1) {
				if !declared[want[1]] {
					t.Errorf("%s: path parameter {%s} is not declared", where, want[1])
				}
			}
			if len(declared) != len(paramRe.FindAllString(p, -1)) {
				t.Errorf("%s: declares path parameters %v the path does not have", where, keys(declared))
			}
		}
	}
	// Every $ref resolves.
	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				if _, err := lookup(raw, ref); err != nil {
					t.Errorf("%s: %v", at, err)
				}
			}
			for k, e := range x {
				walk(at+"/"+k, e)
			}
		case []any:
			for i, e := range x {
				walk(at+"/"+strconv.Itoa(i), e)
			}
		}
	}
	walk("#", raw)
	// Every component schema compiles on its own.
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(docURL, raw); err != nil {
		t.Fatal(err)
	}
	schemas, _ := raw["components"].(map[string]any)["schemas"].(map[string]any)
	for name := range schemas {
		if _, err := c.Compile(docURL + "#/components/schemas/" + name); err != nil {
			t.Errorf("schema %s: %v", name, err)
		}
	}
	// The document is valid JSON that the server embeds verbatim.
	b, err := os.ReadFile("openapi.json")
	if err != nil || !json.Valid(b) {
		t.Errorf("openapi.json is not valid JSON: %v", err)
	}
}

// TestSchemasCatchDrift makes sure the schemas are strict: documents that
// drift from the API in the usual ways are refused.
func TestSchemasCatchDrift(t *testing.T) {
	t.Parallel()
	d := mustDoc(t)
	org := `{"id":"org_1","name":"Kominfo","kind":"authority","created_at":"2026-11-27T10:00:00Z"}`
	problem := `{"type":"https://sigap.dev/problems/not_found","title":"Not found","status":404,"detail":"no such object","code":"not_found"}`
	cases := []struct {
		name, key, body string
		ok              bool
	}{
		{"org", "GET /v1/orgs/{org_id} 200", org, true},
		{"org with unknown field", "GET /v1/orgs/{org_id} 200", strings.Replace(org, `"id"`, `"extra":1,"id"`, 1), false},
		{"org without created_at", "GET /v1/orgs/{org_id} 200", strings.Replace(org, `,"created_at":"2026-11-27T10:00:00Z"`, "", 1), false},
		{"org of unknown kind", "GET /v1/orgs/{org_id} 200", strings.Replace(org, `"authority"`, `"ministry"`, 1), false},
		{"org time not a time", "GET /v1/orgs/{org_id} 200", strings.Replace(org, `2026-11-27T10:00:00Z`, `yesterday`, 1), false},
		{"org time not UTC", "GET /v1/orgs/{org_id} 200", strings.Replace(org, `10:00:00Z`, `17:00:00+07:00`, 1), false},
		{"problem", "GET /v1/orgs/{org_id} 404", problem, true},
		{"problem with wrong status", "GET /v1/orgs/{org_id} 404", strings.Replace(problem, "404", "400", 1), false},
		{"problem without detail", "GET /v1/orgs/{org_id} 404", strings.Replace(problem, `"detail":"no such object",`, "", 1), false},
		{"422 without errors", "POST /v1/notices 422", strings.Replace(strings.Replace(problem, "404", "422", 1), "not_found", "validation", 2), false},
		{"key with wrong role", "POST /v1/orgs/{org_id}/keys 201", `{"id":"key_1","key":"sgp_` + strings.Repeat("a", 43) + `","org_id":"org_1","role":"superuser"}`, false},
		{"key", "POST /v1/orgs/{org_id}/keys 201", `{"id":"key_1","key":"sgp_` + strings.Repeat("a", 43) + `","org_id":"org_1","role":"auditor"}`, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			method, rest, _ := strings.Cut(tc.key, " ")
			pattern, status, _ := strings.Cut(rest, " ")
			mt := "application/json"
			if !strings.HasPrefix(status, "2") {
				mt = "application/problem+json"
			}
			s := d.responses[method+" "+pattern+" "+status][mt]
			if s == nil {
				t.Fatalf("no schema for %s %s", tc.key, mt)
			}
			v, err := jsonschema.UnmarshalJSON(strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Validate(v); (err == nil) != tc.ok {
				t.Errorf("validate %s: err = %v, want ok=%v", tc.body, err, tc.ok)
			}
		})
	}
}

// apiClient talks to a test server; every answer is checked against openapi.json.
type apiClient struct {
	base string
	hc   *http.Client
}

// reply is one answer, body read.
type reply struct {
	Status int
	Header http.Header
	Body   []byte
}

// decode reads the answer's JSON body into v.
// want fails the test, as what, unless the answer's status is status.
func (r reply) want(t *testing.T, status int, what string) reply {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: %d %s", what, r.Status, r.Body)
	}
	return r
}

func (r reply) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %T: %v: %.300s", v, err, r.Body)
	}
}

// problem decodes a problem answer and checks the contract's members.
func (r reply) problem(t *testing.T) problemDoc {
	t.Helper()
	var p problemDoc
	r.decode(t, &p)
	if p.Type == "" || p.Title == "" || p.Detail == "" || p.Status != r.Status {
		t.Errorf("problem lacks type/title/detail or its status %d is not the HTTP status %d: %s", p.Status, r.Status, r.Body)
	}
	return p
}

type problemDoc struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
	Errors []struct {
		Field   string `json:"field"`
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"errors"`
}

// hasError reports whether the problem lists field with code.
func (p problemDoc) hasError(field, code string) bool {
	for _, e := range p.Errors {
		if e.Field == field && e.Code == code {
			return true
		}
	}
	return false
}

// do sends one request and checks the answer against the document. A nil
// body sends none; headers come in name, value pairs.
func (c *apiClient) do(t *testing.T, method, path, key string, body []byte, headers ...string) reply {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	var req *http.Request
	var err error
	if rd != nil {
		req, err = http.NewRequest(method, c.base+path, rd)
	} else {
		req, err = http.NewRequest(method, c.base+path, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	if body != nil && json.Valid(body) {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		t.Fatalf("%s %s: read answer: %v", method, path, err)
	}
	r := reply{Status: resp.StatusCode, Header: resp.Header, Body: buf.Bytes()}
	p := req.URL.Path
	pattern, ok := mustDoc(t).pattern(p)
	if ok && !mustDoc(t).ops[method+" "+pattern] {
		ok = false // a documented path, but not with this method
	}
	if !ok {
		// Outside the document: only an error answer is right.
		if r.Status < 400 {
			t.Errorf("%s %s answered %d but openapi.json does not document the path", method, p, r.Status)
		}
		checkProblem(t, resp.Header.Get("Content-Type"), r.Body)
		return r
	}
	checkResponse(t, method, pattern, r.Status, resp.Header.Get("Content-Type"), r.Body)
	for _, h := range mustDoc(t).headers[method+" "+pattern+" "+strconv.Itoa(r.Status)] {
		if resp.Header.Get(h) == "" {
			t.Errorf("%s %s %d: openapi.json says header %s is always sent; it is missing", method, pattern, r.Status, h)
		}
	}
	if r.Status >= 400 {
		if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "application/problem+json" {
			t.Errorf("%s %s: error answer has Content-Type %q", method, p, resp.Header.Get("Content-Type"))
		}
		r.problem(t)
	}
	if r.Status < 300 && body != nil && len(body) < 1<<20 {
		checkRequest(t, method, pattern, req.Header.Get("Content-Type"), body)
	}
	return r
}

// json sends v as a JSON body.
func (c *apiClient) json(t *testing.T, method, path, key string, v any, headers ...string) reply {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return c.do(t, method, path, key, b, headers...)
}

// TestNoticeKindEnum keeps the document's notice kinds those of the kind table,
// so a new kind cannot be added to one and forgotten in the other.
func TestNoticeKindEnum(t *testing.T) {
	t.Parallel()
	d := mustDoc(t)
	schemas, _ := d.raw["components"].(map[string]any)["schemas"].(map[string]any)
	kind, _ := schemas["NoticeKind"].(map[string]any)
	raw, _ := kind["enum"].([]any)
	var got []string
	for _, v := range raw {
		s, _ := v.(string)
		got = append(got, s)
	}
	if want := noticepkg.KindNames(); !slices.Equal(got, want) {
		t.Errorf("openapi.json NoticeKind enum = %v; the kind table in internal/notice/kind.go has %v", got, want)
	}
}
