package httpapi_test

import (
	"context"
	"maps"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/casetest"
	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/store/storetest"
)

// TestDuplicateNamesAndNUL sends bodies with a member name twice (400
// malformed_json naming the member) and text holding U+0000 (422, the field
// named, code invalid) to each kind of route, on both engines, and
// checks nothing was stored.
func TestDuplicateNamesAndNUL(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newBadFixture, func(ctx context.Context, t *testing.T, f *badFixture) {
		const subj = `"subjects": [{"url": "https://t.me/dup_chan/1"}]`
		const order = `"kind": "order", "category": "terrorism", "legal_basis": "UU ITE Pasal 40"`
		for _, tc := range []struct {
			name, method, path, key, body string
			status                        int
			// code is the problem's code; field and fieldCode, when set, the error listed.
			code, field, fieldCode, inDetail string
		}{
			{name: "notice with explanation twice", method: "POST", path: "/v1/notices", key: "authority",
				body:   `{` + order + `, "explanation": "benign", ` + subj + `, "explanation": "something else"}`,
				status: 400, code: "malformed_json", inDetail: `"explanation" appears twice`},
			{name: "notice with a subject's url twice", method: "POST", path: "/v1/notices", key: "authority",
				body:   `{` + order + `, "explanation": "x", "subjects": [{"url": "https://t.me/dup_chan/1", "url": "https://t.me/dup_chan/2"}]}`,
				status: 400, code: "malformed_json", inDetail: "subjects[0].url"},
			{name: "notice with a subject's url twice, in two cases", method: "POST", path: "/v1/notices", key: "authority",
				body:   `{` + order + `, "explanation": "x", "subjects": [{"url": "https://t.me/dup_chan/1", "URL": "https://t.me/dup_chan/2"}]}`,
				status: 400, code: "malformed_json", inDetail: `"url" and "URL" differ only in case`},
			{name: "org with name and Name", method: "POST", path: "/v1/orgs", key: "admin",
				body: `{"name": "Kominfo", "kind": "authority", "Name": "Other"}`, status: 400, code: "malformed_json", inDetail: "differ only in case"},
			{name: "notice with a NUL in its explanation", method: "POST", path: "/v1/notices", key: "authority",
				body:   `{` + order + `, "explanation": "a\u0000b", ` + subj + `}`,
				status: 422, code: "validation", field: "explanation", fieldCode: "invalid"},
			{name: "notice with a NUL in a link", method: "POST", path: "/v1/notices", key: "authority",
				body:   `{` + order + `, "explanation": "x", "subjects": [{"url": "https://t.me/dup_chan/1\u0000"}]}`,
				status: 422, code: "validation", field: "subjects[0].url", fieldCode: "invalid"},
			{name: "notice with a NUL in its contact", method: "POST", path: "/v1/notices", key: "flagger",
				body:   `{"kind": "flag", "category": "terrorism", "good_faith": true, "explanation": "x", ` + subj + `, "contact": {"name": "A\u0000", "email": "a@example.org"}}`,
				status: 422, code: "validation", field: "contact.name", fieldCode: "invalid"},
			{name: "message with a NUL", method: "POST", path: "/v1/notices/{N}/messages", key: "authority",
				body: `{"body": "hello\u0000world"}`, status: 422, code: "validation", field: "body", fieldCode: "invalid"},
			{name: "message with body twice", method: "POST", path: "/v1/notices/{N}/messages", key: "authority",
				body: `{"body": "a", "body": "b"}`, status: 400, code: "malformed_json", inDetail: `"body" appears twice`},
			{name: "org with a NUL in its name", method: "POST", path: "/v1/orgs", key: "admin",
				body: `{"name": "Kominfo\u0000", "kind": "authority"}`, status: 422, code: "validation", field: "name", fieldCode: "invalid"},
			{name: "org with kind twice", method: "POST", path: "/v1/orgs", key: "admin",
				body: `{"name": "Dup", "kind": "authority", "kind": "platform"}`, status: 400, code: "malformed_json", inDetail: `"kind"`},
			{name: "webhook with a NUL in its url", method: "PUT", path: "/v1/webhook", key: "authority",
				body: `{"url": "https://hooks.example.org/\u0000"}`, status: 422, code: "validation", field: "url", fieldCode: "invalid"},
			{name: "user with a NUL in the e-mail", method: "POST", path: "/v1/orgs/{A}/users", key: "admin",
				body: `{"email": "x\u0000@kominfo.example", "role": "authority"}`, status: 422, code: "validation", field: "email", fieldCode: "invalid"},
			{name: "cursor with a NUL", method: "GET", path: "/v1/notices?cursor=%00", key: "authority",
				status: 422, code: "validation", field: "cursor", fieldCode: "invalid", inDetail: "cursor"},
			{name: "an id with a NUL", method: "GET", path: "/v1/orgs/%00", key: "admin", status: 404, code: "not_found"},
			{name: "a notice id with a NUL", method: "GET", path: "/v1/notices/{N}%00", key: "authority", status: 404, code: "not_found"},
			{name: "a filter with a NUL", method: "GET", path: "/v1/webhook/deliveries?org_id=%00", key: "admin",
				status: 422, code: "validation", field: "org_id", fieldCode: "invalid", inDetail: "NUL"},
			{name: "a NUL in a parameter's name", method: "GET", path: "/v1/notices?a%00=1", key: "authority",
				status: 422, code: "validation", field: `a\u0000`, fieldCode: "invalid"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				path := tc.path
				for k, v := range f.ids {
					path = strings.ReplaceAll(path, k, v)
				}
				var body []byte
				if tc.body != "" {
					body = []byte(tc.body)
				}
				before := f.snapshot(t)
				r := f.do(t, tc.method, path, f.keys[tc.key], body)
				if r.Status != tc.status {
					t.Fatalf("%s %s: %d %s, want %d", tc.method, path, r.Status, r.Body, tc.status)
				}
				p := r.problem(t)
				if p.Code != tc.code || !strings.Contains(p.Detail, tc.inDetail) {
					t.Errorf("problem %s, want code %s and a detail with %q", r.Body, tc.code, tc.inDetail)
				}
				if tc.field != "" && !p.hasError(tc.field, tc.fieldCode) {
					t.Errorf("problem %s does not list %s %s", r.Body, tc.field, tc.fieldCode)
				}
				if after := f.snapshot(t); !maps.Equal(before, after) {
					t.Errorf("a refused request stored something: %v, then %v", before, after)
				}
			})
		}
	})
}

// TestWebhookPrivateDestination sets endpoints on loopback, private and
// link-local hosts: refused with a 422 that says how to allow them, and
// nothing stored. (The enforcement tests run a server that allows them and
// register loopback receivers.)
func TestWebhookPrivateDestination(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newBadFixture, func(ctx context.Context, t *testing.T, f *badFixture) {
		for _, url := range []string{
			"http://127.0.0.1:9/hook", "http://[::1]/hook", "http://10.0.0.8/hook", "http://192.168.1.1/hook",
			"http://169.254.169.254/latest/meta-data", "http://localhost:8080/hook", "http://hooks.localhost/hook",
			"http://100.64.0.1/hook", "http://0.0.0.0/hook",
		} {
			before := f.snapshot(t)
			r := f.json(t, "PUT", "/v1/webhook", f.keys["authority"], map[string]string{"url": url})
			if r.Status != 422 {
				t.Fatalf("PUT /v1/webhook %s: %d %s, want 422", url, r.Status, r.Body)
			}
			if p := r.problem(t); !p.hasError("url", "private_destination") || !strings.Contains(p.Detail, "--allow-private-webhooks") {
				t.Errorf("PUT /v1/webhook %s: %s; want url private_destination saying how to allow it", url, r.Body)
			}
			if after := f.snapshot(t); !maps.Equal(before, after) {
				t.Errorf("a refused endpoint stored something: %v, then %v", before, after)
			}
		}
		if r := f.do(t, "GET", "/v1/webhook", f.keys["authority"], nil); r.Status != 404 {
			t.Errorf("GET /v1/webhook after refusals: %d %s, want 404", r.Status, r.Body)
		}
	})
}

// newEnvWith is newEnv with the server's configuration changed by set.
func newEnvWith(t *testing.T, e storetest.Engine, set func(*config.Config)) *env {
	t.Helper()
	return startEnv(t, e, nil, set, nil)
}

// TestMetricsAndCheckpointAccess: /metrics is for the platform's admin and
// auditor keys, or the metrics token, or anyone when the server says it is
// public; signing a checkpoint is for the platform's admin and auditor keys.
func TestMetricsAndCheckpointAccess(t *testing.T) {
	t.Parallel()
	const token = "metrics-token-0123456789"
	for _, setup := range []struct {
		name string
		set  func(*config.Config)
	}{
		{"default", func(c *config.Config) { c.Addr = "0.0.0.0:8080" }},
		{"token", func(c *config.Config) { c.MetricsToken = token }},
		{"public", func(c *config.Config) { c.Addr = "0.0.0.0:8080"; c.MetricsPublic = true }},
		{"loopback", func(c *config.Config) { c.Addr = "127.0.0.1:8080" }},
	} {
		t.Run(setup.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, eng storetest.Engine) {
				e := newEnvWith(t, eng, setup.set)
				var me struct {
					Org orgView `json:"org"`
				}
				e.do(t, "GET", "/v1/me", e.admin, nil).decode(t, &me)
				authority := e.org(t, "Kominfo", "authority")
				keys := map[string]string{
					"none":           "",
					"token":          token,
					"wrong token":    "metrics-token-0123456780",
					"platform admin": e.admin,
					"auditor":        e.key(t, me.Org.ID, "auditor"),
					"reviewer":       e.key(t, me.Org.ID, "reviewer"),
					"authority":      e.key(t, authority, "authority"),
					"org admin":      e.key(t, authority, "admin"),
				}
				// Answers by who asks; the token is a stranger's key except on its server.
				metrics := map[string]int{"none": 401, "token": 401, "wrong token": 401, "platform admin": 200, "auditor": 200,
					"reviewer": 403, "authority": 403, "org admin": 403}
				switch setup.name {
				case "token":
					metrics["token"] = 200
				case "public", "loopback":
					for k := range metrics {
						metrics[k] = 200
					}
				}
				checkpoint := map[string]int{"none": 401, "token": 401, "wrong token": 401, "platform admin": 200, "auditor": 200,
					"reviewer": 403, "authority": 403, "org admin": 403}
				for who, key := range keys {
					r := e.do(t, "GET", "/metrics", key, nil)
					if r.Status != metrics[who] {
						t.Errorf("GET /metrics by %s: %d, want %d", who, r.Status, metrics[who])
					}
					if r.Status == 200 && !strings.Contains(string(r.Body), "sigap_http_requests_total") {
						t.Errorf("GET /metrics by %s answered no metrics: %.200s", who, r.Body)
					}
					if r := e.do(t, "POST", "/v1/log/checkpoint", key, nil); r.Status != checkpoint[who] {
						t.Errorf("POST /v1/log/checkpoint by %s: %d, want %d", who, r.Status, checkpoint[who])
					}
				}
				if setup.name == "default" {
					if p := e.do(t, "GET", "/metrics", keys["org admin"], nil).problem(t); p.Code != "platform_only" {
						t.Errorf("/metrics by another org's admin: code %s, want platform_only", p.Code)
					}
				}
			})
		})
	}
}

// TestListTextImportNUL imports a text list with a NUL in a line: a 422 on
// the body, the same on both engines, and nothing stored.
func TestListTextImportNUL(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		l := e.mkSet(t, "/v1/lists", map[string]any{"name": "kw", "kind": "keyword", "policy": "review", "labels": []string{"terrorism"}})
		r := e.do(t, "POST", "/v1/lists/"+l.ID+"/import", e.admin, []byte("good phrase\nabc\x00def\n"), "Content-Type", "text/plain")
		if r.Status != 422 {
			t.Fatalf("import with a NUL: %d %s, want 422", r.Status, r.Body)
		}
		if p := r.problem(t); !p.hasError("body", "invalid") || !strings.Contains(p.Detail, "line 2") {
			t.Errorf("import with a NUL: %s; want body invalid naming line 2", r.Body)
		}
		var entries struct {
			Items []any `json:"items"`
		}
		e.do(t, "GET", "/v1/lists/"+l.ID+"/entries", e.admin, nil).decode(t, &entries)
		if len(entries.Items) != 0 {
			t.Errorf("a refused import stored %d entries", len(entries.Items))
		}
	})
}
