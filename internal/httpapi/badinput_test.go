package httpapi_test

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/store/storetest"
)

// badFixture is a server with one org of each kind, keys of every role and a
// notice, set up before the bad requests run against it.
type badFixture struct {
	*env
	ids  map[string]string // "{A}" authority org, "{B}" second authority org, "{F}" flagger org, "{P}" platform org, "{N}" A's notice
	keys map[string]string // by name: admin, authority, authorityB, flagger, auditor, reviewer, orgAdmin, revoked
}

func newBadFixture(t *testing.T, eng storetest.Engine) *badFixture {
	t.Helper()
	e := newEnv(t, eng, "")
	f := &badFixture{env: e, ids: map[string]string{}, keys: map[string]string{"admin": e.admin}}
	var me struct {
		Org orgView `json:"org"`
	}
	e.do(t, "GET", "/v1/me", e.admin, nil).decode(t, &me)
	f.ids["{P}"] = me.Org.ID
	f.ids["{A}"] = e.org(t, "Kominfo", "authority")
	f.ids["{B}"] = e.org(t, "BNPT", "authority")
	f.ids["{F}"] = e.org(t, "Mafindo", "flagger")
	f.keys["authority"] = e.key(t, f.ids["{A}"], "authority")
	f.keys["authorityB"] = e.key(t, f.ids["{B}"], "authority")
	f.keys["flagger"] = e.key(t, f.ids["{F}"], "flagger")
	f.keys["auditor"] = e.key(t, f.ids["{A}"], "auditor")
	f.keys["orgAdmin"] = e.key(t, f.ids["{A}"], "admin")
	f.keys["reviewer"] = e.key(t, f.ids["{P}"], "reviewer")

	// A key that is revoked, marked so in the database directly: its
	// refusal must not depend on how it was revoked.
	r := e.json(t, "POST", "/v1/orgs/"+f.ids["{A}"]+"/keys", e.admin, map[string]string{"role": "authority"})
	var k struct{ ID, Key string }
	r.decode(t, &k)
	f.keys["revoked"] = k.Key
	revokeKey(t, eng, k.ID)

	n, _ := e.submit(t, f.keys["authority"], mustJSON(t, notice("order", "terrorism", []string{"https://t.me/setup_chan/1"})), "Idempotency-Key", "setup-0001")
	f.ids["{N}"] = n.ID
	r = e.json(t, "POST", "/v1/orgs/"+f.ids["{A}"]+"/users", e.admin, map[string]string{"email": "analyst@kominfo.example", "role": "authority"}).want(t, 201, "create user")
	return f
}

func revokeKey(t *testing.T, eng storetest.Engine, keyID string) {
	t.Helper()
	driver, dsn := "pgx", eng.URL
	if eng.URL == "" {
		driver, dsn = "sqlite", "file:"+filepath.Join(eng.Dir, "sigap.db")+"?_pragma=busy_timeout(10000)"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// keyID comes from the API (prefix and base32 only), so it is safe to inline.
	res, err := db.Exec(`UPDATE api_keys SET revoked_at = 1 WHERE id = '` + keyID + `'`)
	if n, _ := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("revoke %s: %v (%d rows)", keyID, err, n)
	}
}

// snapshot counts every table a request could write to.
func (f *badFixture) snapshot(t *testing.T) map[string]int {
	t.Helper()
	ctx := t.Context()
	c, err := f.srv.DB.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c["users"], err = f.srv.DB.CountUsers(ctx); err != nil {
		t.Fatal(err)
	}
	return c
}

func js(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// order is a valid order with fields changed (a nil value removes the field).
func order(extra ...any) []byte {
	return js(notice("order", "terrorism", []string{"https://t.me/good_chan/1"}, extra...))
}

// urls is a notice's subjects, one for each of links; a link may be any
// JSON value, so a test can send a malformed one.
func urls(links ...any) []map[string]any {
	out := make([]map[string]any, len(links))
	for i, l := range links {
		out[i] = map[string]any{"url": l}
	}
	return out
}

type badCase struct {
	name         string
	method, path string // {A}, {B}, {F}, {P}, {N} stand for the fixture's IDs
	key          string // a fixture key name, or "" for no Authorization header
	auth         string // a raw Authorization header instead of key
	body         []byte
	headers      []string
	status       int
	code         string   // the problem's code
	errs         []string // "field code" entries the problem must list
	sqliteOnly   bool
}

func badCases() []badCase {
	notices := func(name string, body []byte, status int, code string, errs ...string) badCase {
		return badCase{name: name, method: "POST", path: "/v1/notices", key: "authority", body: body, status: status, code: code, errs: errs}
	}
	invalid := func(name string, body []byte, errs ...string) badCase {
		return notices(name, body, 422, "validation", errs...)
	}
	unreadable := func(name string, body []byte, code string) badCase {
		return notices(name, body, 400, code)
	}
	many := make([]map[string]string, 100_001)
	for i := range many {
		many[i] = map[string]string{"url": fmt.Sprintf("https://t.me/many_chan/%d", i+1)}
	}
	huge := []byte(`{"kind": "order", "explanation": "` + strings.Repeat("a", 10<<20) + `"}`)

	cases := []badCase{
		// Bodies that are not a JSON object.
		unreadable("malformed JSON", []byte(`{"kind": "order",`), "malformed_json"),
		unreadable("empty body", []byte{}, "malformed_json"),
		unreadable("JSON array", []byte(`[]`), "malformed_json"),
		unreadable("JSON null", []byte(`null`), "malformed_json"),
		unreadable("JSON string", []byte(`"order"`), "malformed_json"),
		unreadable("two objects", append(order(), []byte(` {}`)...), "malformed_json"),
		unreadable("invalid UTF-8", bytes.Replace(order(), []byte("Recruitment"), []byte("Recr\xffuitment"), 1), "invalid_utf8"),
		func() badCase { c := notices("10 MB body", huge, 413, "body_too_large"); c.sqliteOnly = true; return c }(),

		// Wrong types, one field at a time.
		invalid("kind not a string", order("kind", 1), "kind wrong_type"),
		invalid("regime not a string", order("regime", true), "regime wrong_type"),
		invalid("category not a string", order("category", []string{"terrorism"}), "category wrong_type"),
		invalid("subjects not a list", order("subjects", "https://t.me/good_chan/1"), "subjects wrong_type"),
		invalid("subjects of numbers", order("subjects", []int{1, 2}), "subjects[0] wrong_type", "subjects[1] wrong_type"),
		invalid("subject url not a string", order("subjects", urls("https://t.me/good_chan/1", 5)), "subjects[1] wrong_type"),
		invalid("subject without url", order("subjects", []map[string]string{{"link": "https://t.me/good_chan/1"}}), "subjects[0].url required"),
		invalid("explanation not a string", order("explanation", 42), "explanation wrong_type"),
		invalid("legal_basis not a string", order("legal_basis", []string{"UU 5/2018"}), "legal_basis wrong_type"),
		invalid("reference not a string", order("reference", map[string]string{}), "reference wrong_type"),
		invalid("urgent not a boolean", order("urgent", "yes"), "urgent wrong_type"),
		invalid("requested_action not a string", order("requested_action", 1), "requested_action wrong_type"),
		invalid("territorial_scope not a list", order("territorial_scope", "ID"), "territorial_scope wrong_type"),
		invalid("territorial_scope of numbers", order("territorial_scope", []int{62}), "territorial_scope wrong_type"),
		invalid("language not a string", order("language", 5), "language wrong_type"),
		invalid("evidence not a list", order("evidence", map[string]string{"sha256": strings.Repeat("a", 64)}), "evidence wrong_type"),
		invalid("evidence sha256 not a string", order("evidence", []map[string]any{{"sha256": 5}}), "evidence wrong_type"),
		invalid("contact not an object", order("contact", "desk@kominfo.example"), "contact wrong_type"),
		invalid("good_faith not a boolean", order("good_faith", "true"), "good_faith wrong_type"),
		invalid("every field wrong at once", js(map[string]any{"kind": 1, "category": 2, "subjects": 3, "explanation": 4}),
			"kind wrong_type", "category wrong_type", "subjects wrong_type", "explanation wrong_type"),

		// Values outside the enums and formats.
		invalid("unknown kind", order("kind", "decree"), "kind unknown_value"),
		invalid("unknown category", order("category", "spam"), "category unknown_value"),
		invalid("unknown requested_action", order("requested_action", "burn"), "requested_action unknown_value"),
		invalid("unknown regime", order("regime", "XX-NOPE"), "regime unknown_value"),
		invalid("lower-case territory", order("territorial_scope", []string{"ID", "my"}), "territorial_scope[1] invalid"),
		invalid("language not BCP 47", order("language", "bahasa indonesia"), "language invalid"),
		invalid("evidence hash not hex", order("evidence", []map[string]string{{"sha256": "xyz"}}), "evidence[0].sha256 invalid"),
		invalid("contact email not an address", order("contact", map[string]string{"email": "not an address"}), "contact.email invalid"),
		invalid("explanation too long", order("explanation", strings.Repeat("x", 20_001)), "explanation too_long"),
		invalid("control characters in reference", order("reference", "A\x00B"), "reference invalid"),

		// Unknown and missing fields.
		invalid("unknown field", order("priority", "high"), "priority unknown_field"),
		invalid("kind missing", order("kind", nil), "kind required"),
		invalid("category missing", order("category", nil), "category required"),
		invalid("explanation missing", order("explanation", nil), "explanation required"),
		invalid("explanation blank", order("explanation", "   "), "explanation required"),
		invalid("subjects missing", order("subjects", nil), "subjects required"),
		invalid("subjects empty", order("subjects", []any{}), "subjects required"),
		invalid("order without legal_basis", order("legal_basis", nil), "legal_basis required"),
		invalid("order with blank legal_basis", order("legal_basis", " "), "legal_basis required"),
		{name: "100,001 subjects", method: "POST", path: "/v1/notices", key: "authority", body: order("subjects", many),
			status: 422, code: "validation", errs: []string{"subjects too_many"}, sqliteOnly: true},

		// Links that are not links, and private ones.
		invalid("text, not a link", order("subjects", urls("https://t.me/good_chan/1", "not a link")), "subjects[1].url invalid_link"),
		invalid("empty link", order("subjects", urls("")), "subjects[0].url invalid_link"),
		invalid("ftp link", order("subjects", urls("ftp://example.com/file")), "subjects[0].url invalid_link"),
		invalid("bare scheme", order("subjects", urls("https://")), "subjects[0].url invalid_link"),
		invalid("username too short", order("subjects", urls("https://t.me/abc/1")), "subjects[0].url invalid_link"),
		invalid("invite link", order("subjects", urls("https://t.me/good_chan/1", "https://t.me/+AbCdEfGh1234")), "subjects[1].url private_subject"),
		invalid("joinchat link", order("subjects", urls("https://t.me/joinchat/AbCdEfGh1234")), "subjects[0].url private_subject"),
		invalid("private post", order("subjects", urls("https://t.me/c/123/4")), "subjects[0].url private_subject"),
		invalid("every bad subject listed", order("subjects", urls("https://t.me/c/123/4", "nope", "https://t.me/good_chan/2", "tg://join?invite=AbCdEfGh1234")),
			"subjects[0].url private_subject", "subjects[1].url invalid_link", "subjects[3].url private_subject"),

		// Authentication.
		{name: "no key", method: "POST", path: "/v1/notices", body: order(), status: 401, code: "unauthenticated"},
		{name: "no key, list", method: "GET", path: "/v1/notices", status: 401, code: "unauthenticated"},
		{name: "basic auth", method: "GET", path: "/v1/me", auth: "Basic YWRtaW46YWRtaW4=", status: 401, code: "unauthenticated"},
		{name: "bearer without key", method: "GET", path: "/v1/me", auth: "Bearer ", status: 401, code: "unauthenticated"},
		{name: "unknown key", method: "POST", path: "/v1/notices", auth: "Bearer sgp_" + strings.Repeat("x", 43), body: order(), status: 401, code: "unknown_key"},
		{name: "unknown key, create org", method: "POST", path: "/v1/orgs", auth: "Bearer nonsense", body: js(map[string]string{"name": "X", "kind": "authority"}), status: 401, code: "unknown_key"},
		{name: "revoked key", method: "POST", path: "/v1/notices", key: "revoked", body: order(), status: 401, code: "key_revoked"},
		{name: "revoked key, read", method: "GET", path: "/v1/notices/{N}", key: "revoked", status: 401, code: "key_revoked"},

		// Roles.
		{name: "auditor posting a notice", method: "POST", path: "/v1/notices", key: "auditor", body: order(), status: 403, code: "forbidden_role"},
		{name: "reviewer creating an org", method: "POST", path: "/v1/orgs", key: "reviewer", body: js(map[string]string{"name": "X", "kind": "authority"}), status: 403, code: "forbidden_role"},
		{name: "authority creating an org", method: "POST", path: "/v1/orgs", key: "authority", body: js(map[string]string{"name": "X", "kind": "authority"}), status: 403, code: "forbidden_role"},
		{name: "authority's admin creating an org", method: "POST", path: "/v1/orgs", key: "orgAdmin", body: js(map[string]string{"name": "X", "kind": "authority"}), status: 403, code: "forbidden_role"},
		{name: "authority key creating keys for another org", method: "POST", path: "/v1/orgs/{B}/keys", key: "authority", body: js(map[string]string{"role": "authority"}), status: 403, code: "forbidden_role"},
		{name: "authority key creating keys for its org", method: "POST", path: "/v1/orgs/{A}/keys", key: "authority", body: js(map[string]string{"role": "authority"}), status: 403, code: "forbidden_role"},
		{name: "authority's admin creating keys for another org", method: "POST", path: "/v1/orgs/{B}/keys", key: "orgAdmin", body: js(map[string]string{"role": "authority"}), status: 404, code: "not_found"},
		{name: "authority's admin creating users for another org", method: "POST", path: "/v1/orgs/{B}/users", key: "orgAdmin", body: js(map[string]string{"email": "x@bnpt.example", "role": "authority"}), status: 404, code: "not_found"},
		{name: "flagger listing orgs", method: "GET", path: "/v1/orgs", key: "flagger", status: 403, code: "forbidden_role"},
		{name: "auditor listing users", method: "GET", path: "/v1/orgs/{A}/users", key: "auditor", status: 403, code: "forbidden_role"},

		// Tenants.
		{name: "another authority's notice", method: "GET", path: "/v1/notices/{N}", key: "authorityB", status: 404, code: "not_found"},
		{name: "a flagger reading an authority's notice", method: "GET", path: "/v1/notices/{N}", key: "flagger", status: 404, code: "not_found"},
		{name: "no such notice", method: "GET", path: "/v1/notices/ntc_00000000000000000000000000", key: "authority", status: 404, code: "not_found"},
		{name: "another org", method: "GET", path: "/v1/orgs/{B}", key: "authority", status: 404, code: "not_found"},
		{name: "no such org for a key", method: "POST", path: "/v1/orgs/org_nope/keys", key: "admin", body: js(map[string]string{"role": "admin"}), status: 404, code: "not_found"},
		{name: "no such org for a user", method: "POST", path: "/v1/orgs/org_nope/users", key: "admin", body: js(map[string]string{"email": "x@y.example", "role": "admin"}), status: 404, code: "not_found"},
		{name: "no such org's users", method: "GET", path: "/v1/orgs/org_nope/users", key: "admin", status: 404, code: "not_found"},

		// Kinds that do not fit the sender.
		{name: "flagger sending an order", method: "POST", path: "/v1/notices", key: "flagger", body: order(), status: 422, code: "validation", errs: []string{"kind kind_not_allowed"}},
		{name: "authority sending a flag", method: "POST", path: "/v1/notices", key: "authority", body: order("kind", "flag", "good_faith", true), status: 422, code: "validation", errs: []string{"kind kind_not_allowed"}},
		{name: "authority sending a report", method: "POST", path: "/v1/notices", key: "authority", body: order("kind", "report", "good_faith", true), status: 422, code: "validation", errs: []string{"kind kind_not_allowed"}},
		{name: "platform sending an order", method: "POST", path: "/v1/notices", key: "reviewer", body: order(), status: 422, code: "validation", errs: []string{"kind kind_not_allowed"}},

		// Idempotency.
		{name: "Idempotency-Key reused with another body", method: "POST", path: "/v1/notices", key: "authority", body: order(), headers: []string{"Idempotency-Key", "setup-0001"}, status: 409, code: "idempotency_mismatch"},
		// A different body is a 409 whatever is wrong with it besides.
		{name: "Idempotency-Key reused with an invalid body", method: "POST", path: "/v1/notices", key: "authority", body: order("category", "nonsense"), headers: []string{"Idempotency-Key", "setup-0001"}, status: 409, code: "idempotency_mismatch"},
		{name: "Idempotency-Key reused with a private link", method: "POST", path: "/v1/notices", key: "authority", body: order("subjects", urls("https://t.me/+AbCdEfGh1234")), headers: []string{"Idempotency-Key", "setup-0001"}, status: 409, code: "idempotency_mismatch"},
		{name: "Idempotency-Key reused with malformed JSON", method: "POST", path: "/v1/notices", key: "authority", body: []byte(`{"kind": `), headers: []string{"Idempotency-Key", "setup-0001"}, status: 409, code: "idempotency_mismatch"},
		{name: "Idempotency-Key too long", method: "POST", path: "/v1/notices", key: "authority", body: order(), headers: []string{"Idempotency-Key", strings.Repeat("k", 256)}, status: 400, code: "invalid_idempotency_key"},

		// Orgs, keys and users.
		{name: "org: malformed JSON", method: "POST", path: "/v1/orgs", key: "admin", body: []byte(`{"name": `), status: 400, code: "malformed_json"},
		{name: "org: invalid UTF-8", method: "POST", path: "/v1/orgs", key: "admin", body: []byte("{\"name\": \"K\xffominfo\", \"kind\": \"authority\"}"), status: 400, code: "invalid_utf8"},
		{name: "org: name not a string", method: "POST", path: "/v1/orgs", key: "admin", body: js(map[string]any{"name": 5, "kind": "authority"}), status: 422, code: "validation", errs: []string{"name wrong_type"}},
		{name: "org: kind not a string", method: "POST", path: "/v1/orgs", key: "admin", body: js(map[string]any{"name": "X", "kind": []string{"authority"}}), status: 422, code: "validation", errs: []string{"kind wrong_type"}},
		{name: "org: unknown kind", method: "POST", path: "/v1/orgs", key: "admin", body: js(map[string]string{"name": "X", "kind": "ministry"}), status: 422, code: "validation", errs: []string{"kind unknown_value"}},
		{name: "org: no name", method: "POST", path: "/v1/orgs", key: "admin", body: js(map[string]string{"kind": "authority"}), status: 422, code: "validation", errs: []string{"name invalid"}},
		{name: "org: unknown default regime", method: "POST", path: "/v1/orgs", key: "admin", body: js(map[string]string{"name": "X", "kind": "authority", "default_regime": "XX-NOPE"}), status: 422, code: "validation", errs: []string{"default_regime unknown_value"}},
		{name: "org: unknown field", method: "POST", path: "/v1/orgs", key: "admin", body: js(map[string]string{"name": "X", "kind": "authority", "owner": "me"}), status: 422, code: "validation", errs: []string{"owner unknown_field"}},
		{name: "org: several bad fields", method: "POST", path: "/v1/orgs", key: "admin", body: js(map[string]string{"name": "", "kind": "ministry"}), status: 422, code: "validation", errs: []string{"name invalid", "kind unknown_value"}},
		{name: "key: reviewer for an authority", method: "POST", path: "/v1/orgs/{A}/keys", key: "admin", body: js(map[string]string{"role": "reviewer"}), status: 422, code: "validation", errs: []string{"role role_mismatch"}},
		{name: "key: authority for a flagger", method: "POST", path: "/v1/orgs/{F}/keys", key: "admin", body: js(map[string]string{"role": "authority"}), status: 422, code: "validation", errs: []string{"role role_mismatch"}},
		{name: "key: flagger for the platform", method: "POST", path: "/v1/orgs/{P}/keys", key: "admin", body: js(map[string]string{"role": "flagger"}), status: 422, code: "validation", errs: []string{"role role_mismatch"}},
		{name: "key: reviewer by an authority's admin", method: "POST", path: "/v1/orgs/{A}/keys", key: "orgAdmin", body: js(map[string]string{"role": "reviewer"}), status: 422, code: "validation", errs: []string{"role role_mismatch"}},
		{name: "key: unknown role", method: "POST", path: "/v1/orgs/{A}/keys", key: "admin", body: js(map[string]string{"role": "superuser"}), status: 422, code: "validation", errs: []string{"role unknown_value"}},
		{name: "key: role not a string", method: "POST", path: "/v1/orgs/{A}/keys", key: "admin", body: js(map[string]any{"role": true}), status: 422, code: "validation", errs: []string{"role wrong_type"}},
		{name: "key: unknown field", method: "POST", path: "/v1/orgs/{A}/keys", key: "admin", body: js(map[string]string{"role": "admin", "expires": "never"}), status: 422, code: "validation", errs: []string{"expires unknown_field"}},
		{name: "key: malformed JSON", method: "POST", path: "/v1/orgs/{A}/keys", key: "admin", body: []byte(`role=admin`), status: 400, code: "malformed_json"},
		{name: "user: bad e-mail", method: "POST", path: "/v1/orgs/{A}/users", key: "admin", body: js(map[string]string{"email": "not an address", "role": "authority"}), status: 422, code: "validation", errs: []string{"email invalid"}},
		{name: "user: role not fitting", method: "POST", path: "/v1/orgs/{A}/users", key: "admin", body: js(map[string]string{"email": "x@kominfo.example", "role": "reviewer"}), status: 422, code: "validation", errs: []string{"role role_mismatch"}},
		{name: "user: e-mail taken", method: "POST", path: "/v1/orgs/{A}/users", key: "admin", body: js(map[string]string{"email": "Analyst@kominfo.example", "role": "authority"}), status: 422, code: "validation", errs: []string{"email taken"}},
		{name: "user: unknown field", method: "POST", path: "/v1/orgs/{A}/users", key: "admin", body: js(map[string]string{"email": "y@kominfo.example", "role": "authority", "password": "hunter2"}), status: 422, code: "validation", errs: []string{"password unknown_field"}},

		// List parameters.
		{name: "limit zero", method: "GET", path: "/v1/notices?limit=0", key: "authority", status: 422, code: "validation", errs: []string{"limit invalid"}},
		{name: "limit negative", method: "GET", path: "/v1/notices?limit=-5", key: "authority", status: 422, code: "validation", errs: []string{"limit invalid"}},
		{name: "limit too large", method: "GET", path: "/v1/notices?limit=501", key: "authority", status: 422, code: "validation", errs: []string{"limit invalid"}},
		{name: "limit not a number", method: "GET", path: "/v1/notices?limit=ten", key: "authority", status: 422, code: "validation", errs: []string{"limit invalid"}},
		{name: "cursor too long", method: "GET", path: "/v1/notices?cursor=" + strings.Repeat("c", 101), key: "authority", status: 422, code: "validation", errs: []string{"cursor invalid"}},
		{name: "cursor not given out", method: "GET", path: "/v1/notices?cursor=garbage", key: "authority", status: 422, code: "validation", errs: []string{"cursor invalid"}},
		{name: "unknown status filter", method: "GET", path: "/v1/notices?status=open", key: "authority", status: 422, code: "validation", errs: []string{"status unknown_value"}},
		{name: "unknown kind filter", method: "GET", path: "/v1/notices?kind=decree", key: "authority", status: 422, code: "validation", errs: []string{"kind unknown_value"}},
		{name: "unknown category filter", method: "GET", path: "/v1/notices?category=spam&kind=decree", key: "authority", status: 422, code: "validation", errs: []string{"category unknown_value", "kind unknown_value"}},

		// Routes that do not exist.
		{name: "unknown route", method: "GET", path: "/v1/nope", key: "authority", status: 404, code: "no_route"},
		{name: "unknown route without a key", method: "GET", path: "/v1/nope", status: 404, code: "no_route"},
		{name: "unknown method", method: "DELETE", path: "/v1/notices/{N}", key: "admin", status: 405, code: "method_not_allowed"},
		{name: "posting to the keys list", method: "POST", path: "/v1/keys", body: js(map[string]string{}), status: 405, code: "method_not_allowed"},
		{name: "trailing slash", method: "GET", path: "/v1/notices/", key: "authority", status: 404, code: "no_route"},
	}
	return cases
}

func TestBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, eng storetest.Engine) {
		f := newBadFixture(t, eng)
		for _, tc := range badCases() {
			if tc.sqliteOnly && eng.Name != "sqlite" {
				continue
			}
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				path := tc.path
				for k, v := range f.ids {
					path = strings.ReplaceAll(path, k, v)
				}
				headers := tc.headers
				key := f.keys[tc.key]
				if tc.key != "" && key == "" {
					t.Fatalf("no fixture key %q", tc.key)
				}
				if tc.auth != "" {
					headers = append(slicesClone(headers), "Authorization", tc.auth)
				}
				before := f.snapshot(t)
				r := f.do(t, tc.method, path, key, tc.body, headers...)
				after := f.snapshot(t)
				if !maps.Equal(before, after) {
					t.Errorf("a refused request changed the database: %v -> %v", before, after)
				}
				if r.Status != tc.status {
					t.Fatalf("status %d, want %d: %.1000s", r.Status, tc.status, r.Body)
				}
				p := r.problem(t)
				if p.Code != tc.code {
					t.Errorf("code %q, want %q: %.1000s", p.Code, tc.code, r.Body)
				}
				for _, want := range tc.errs {
					field, code, _ := strings.Cut(want, " ")
					if !p.hasError(field, code) {
						t.Errorf("errors lack {field %q, code %q}: %.1000s", field, code, r.Body)
					}
				}
				if tc.status == 422 && len(p.Errors) == 0 {
					t.Errorf("a 422 without errors: %s", r.Body)
				}
				for _, e := range p.Errors {
					if e.Code == "" || e.Message == "" {
						t.Errorf("error entry without code or message: %+v", e)
					}
				}
				if tc.status == 401 && r.Header.Get("WWW-Authenticate") == "" {
					t.Error("401 without WWW-Authenticate")
				}
			})
		}
	})
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }
