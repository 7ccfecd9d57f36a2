package httpapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/app/apptest"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/httpapi"
	"github.com/sigap/sigap/internal/receipt"
	"github.com/sigap/sigap/internal/server"
	"github.com/sigap/sigap/internal/store/storetest"
)

// env is a whole sigap over httptest on one engine, with its admin key.
type env struct {
	*apiClient
	srv   *server.Server
	admin string
}

// newEnv starts sigap on e with an optional policy file and stops it when t ends.
func newEnv(t *testing.T, e storetest.Engine, policyFile string) *env {
	t.Helper()
	en := startEnv(t, e, nil, func(c *config.Config) { c.PolicyFile = policyFile }, nil)
	if en.admin == "" {
		t.Fatal("a fresh database gave no admin key")
	}
	b, err := os.ReadFile(filepath.Join(e.Dir, "admin.key"))
	if err != nil || strings.TrimSpace(string(b)) != en.admin {
		t.Fatalf("admin.key = %q, %v; want the bootstrap key", b, err)
	}
	return en
}

// eachEnv runs fn once per database engine on a fresh env with no policy
// file.
func eachEnv(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, eng storetest.Engine) { fn(t, newEnv(t, eng, "")) })
}

// startEnv serves a new server on e with the tests' config as set changes it,
// on clk (nil: the real clock); ready, if any, sees the server before its
// first request.
func startEnv(t *testing.T, e storetest.Engine, clk clock.Clock, set func(*config.Config), ready func(*server.Server)) *env {
	t.Helper()
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: e.Dir, DB: e.URL, LogFormat: "text", LogLevel: "error", ShutdownTimeout: 5 * time.Second}
	if set != nil {
		set(&cfg)
	}
	s, err := server.New(context.Background(), cfg, slog.New(slog.DiscardHandler), clk)
	if err != nil {
		t.Fatalf("server.New on %s: %v", e.Name, err)
	}
	t.Cleanup(func() { s.Close() })
	if ready != nil {
		ready(s)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return &env{apiClient: &apiClient{base: ts.URL, hc: ts.Client()}, srv: s, admin: s.AdminKey}
}

type orgView struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	Kind          string    `json:"kind"`
	DefaultRegime string    `json:"default_regime"`
	CreatedAt     time.Time `json:"created_at"`
}

// org creates an org as the platform admin.
func (e *env) org(t *testing.T, name, kind string) string {
	t.Helper()
	r := e.json(t, "POST", "/v1/orgs", e.admin, map[string]string{"name": name, "kind": kind}).want(t, 201, "create org")
	var o orgView
	r.decode(t, &o)
	if o.ID == "" || o.Name != name || o.Kind != kind {
		t.Fatalf("create org answered %+v", o)
	}
	if kind == "flagger" {
		// A new flagger is an applicant; these tests need one that may file notices.
		e.json(t, "PUT", "/v1/orgs/"+o.ID+"/trust", e.admin, map[string]any{"status": "active", "reason": "accredited for the test"}).want(t, 200, "accredit flagger")
	}
	return o.ID
}

// key makes an API key for the org as the platform admin.
func (e *env) key(t *testing.T, orgID, role string) string {
	t.Helper()
	r := e.json(t, "POST", "/v1/orgs/"+orgID+"/keys", e.admin, map[string]string{"role": role})
	if r.Status != 201 {
		t.Fatalf("create %s key: %d %s", role, r.Status, r.Body)
	}
	var k struct{ ID, Key, OrgID, Role string }
	r.decode(t, &k)
	if !strings.HasPrefix(k.Key, "sgp_") || k.ID == "" {
		t.Fatalf("create key answered %s", r.Body)
	}
	return k.Key
}

// member makes an org of kind called name, and a key of the role of the
// same name (authority, flagger) for it, as the platform admin.
func (e *env) member(t *testing.T, name, kind string) (orgID, key string) {
	t.Helper()
	orgID = e.org(t, name, kind)
	return orgID, e.key(t, orgID, kind)
}

type subjectView struct {
	URL     string `json:"url"`
	Subject string `json:"subject"`
	CaseID  string `json:"case_id"`
	NewCase bool   `json:"new_case"`
}

type noticeView struct {
	ID               string                                 `json:"id"`
	OrgID            string                                 `json:"org_id"`
	Kind             string                                 `json:"kind"`
	Status           string                                 `json:"status"`
	Regime           string                                 `json:"regime"`
	Category         string                                 `json:"category"`
	ReceivedAt       time.Time                              `json:"received_at"`
	DueAt            time.Time                              `json:"due_at"`
	SLA              struct{ Regime, Class, Within string } `json:"sla"`
	Reference        string                                 `json:"reference"`
	TerritorialScope []string                               `json:"territorial_scope"`
	GoodFaith        bool                                   `json:"good_faith"`
	BodySHA256       string                                 `json:"body_sha256"`
	SubjectCount     int                                    `json:"subject_count"`
	Subjects         []subjectView                          `json:"subjects"`
	Receipt          receipt.Receipt                        `json:"receipt"`
	Cases            []struct {
		ID, Subject, State, Lane string
		DueAt                    time.Time `json:"due_at"`
	} `json:"cases"`
	Timeline []struct {
		Type   string `json:"type"`
		CaseID string `json:"case_id"`
	} `json:"timeline"`
}

// notice builds a notice body: kind, category, the links, and extra fields.
func notice(kind, category string, links []string, extra ...any) map[string]any {
	subs := make([]map[string]string, len(links))
	for i, l := range links {
		subs[i] = map[string]string{"url": l}
	}
	n := map[string]any{"kind": kind, "category": category, "subjects": subs,
		"explanation": "Recruitment material for a designated organisation."}
	if kind == "order" {
		n["legal_basis"] = "UU 5/2018 Pasal 13A"
	}
	if kind == "flag" || kind == "report" {
		n["good_faith"] = true
	}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] == nil {
			delete(n, extra[i].(string))
		} else {
			n[extra[i].(string)] = extra[i+1]
		}
	}
	return n
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// submit posts a notice and wants a 201.
func (e *env) submit(t *testing.T, key string, body []byte, headers ...string) (noticeView, reply) {
	t.Helper()
	r := e.do(t, "POST", "/v1/notices", key, body, headers...).want(t, 201, "submit")
	var n noticeView
	r.decode(t, &n)
	if got := r.Header.Get("Location"); got != "/v1/notices/"+n.ID {
		t.Errorf("Location = %q, want /v1/notices/%s", got, n.ID)
	}
	return n, r
}

func (e *env) get(t *testing.T, key, id string) noticeView {
	t.Helper()
	r := e.do(t, "GET", "/v1/notices/"+id, key, nil).want(t, 200, "get notice")
	var n noticeView
	r.decode(t, &n)
	return n
}

func TestSubmitOrderAnswerAndReceipt(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		orgID, key := e.member(t, "Kominfo", "authority")

		r := e.do(t, "GET", "/v1/me", key, nil)
		var me struct {
			Org   orgView `json:"org"`
			Role  string  `json:"role"`
			KeyID string  `json:"key_id"`
		}
		r.decode(t, &me)
		if r.Status != 200 || me.Org.ID != orgID || me.Role != "authority" || me.KeyID == "" {
			t.Fatalf("GET /v1/me = %d %s", r.Status, r.Body)
		}

		// The body is sent byte for byte as written, with its own spacing, so
		// body_sha256 is the hash of these exact bytes and not of a re-encoding.
		body := []byte(`{"kind": "order", "regime": "ID-PSE", "category": "terrorism",
  "subjects": [{"url": "https://t.me/s/SomeChannel/123"}],
  "explanation": "Recruitment propaganda.", "legal_basis": "UU 5/2018 Pasal 13A", "reference": "KOMINFO/2026/0042"}`)
		n, _ := e.submit(t, key, body)
		sum := sha256.Sum256(body)
		switch {
		case n.ID == "" || n.OrgID != orgID || n.Kind != "order" || n.Status != "received" || n.Category != "terrorism":
			t.Errorf("answer = %+v", n)
		case !n.DueAt.Equal(n.ReceivedAt.Add(4 * time.Hour)):
			t.Errorf("due_at %v, want received_at %v + 4h", n.DueAt, n.ReceivedAt)
		case n.SLA.Regime != "ID-PSE" || n.SLA.Class != "urgent" || n.SLA.Within != "4h":
			t.Errorf("sla = %+v, want {ID-PSE urgent 4h}", n.SLA)
		case len(n.Subjects) != 1 || n.Subjects[0].URL != "https://t.me/s/SomeChannel/123" ||
			n.Subjects[0].Subject != "telegram:message/somechannel/123" || n.Subjects[0].CaseID == "" || !n.Subjects[0].NewCase:
			t.Errorf("subjects = %+v", n.Subjects)
		case n.BodySHA256 != hex.EncodeToString(sum[:]):
			t.Errorf("body_sha256 = %s, want %x", n.BodySHA256, sum)
		case !slices.Equal(n.TerritorialScope, []string{"ID"}):
			t.Errorf("territorial_scope = %v, want the regime's default [ID]", n.TerritorialScope)
		}

		// The receipt verifies with the published key and says what was received.
		var keys struct{ Keys []receipt.PublicKey }
		e.do(t, "GET", "/v1/keys", "", nil).decode(t, &keys)
		payload, err := receipt.Verify(n.Receipt, keys.Keys)
		if err != nil {
			t.Fatalf("receipt does not verify: %v", err)
		}
		want := map[string]any{"notice_id": n.ID, "org_id": orgID, "kind": "order", "reference": "KOMINFO/2026/0042",
			"body_sha256": hex.EncodeToString(sum[:]), "subjects": []any{"telegram:message/somechannel/123"}}
		for k, v := range want {
			if fmt.Sprint(payload[k]) != fmt.Sprint(v) {
				t.Errorf("receipt payload %s = %v, want %v", k, payload[k], v)
			}
		}
		for k, v := range map[string]time.Time{"received_at": n.ReceivedAt, "due_at": n.DueAt} {
			s, _ := payload[k].(string)
			got, err := time.Parse(time.RFC3339Nano, s)
			if err != nil || !got.Equal(v) {
				t.Errorf("receipt payload %s = %q, want %v", k, s, v)
			}
		}
		// A tampered receipt does not verify.
		bad := n.Receipt
		bad.Signature = n.Receipt.Signature[:10] + strings.ToUpper(n.Receipt.Signature[10:11]) + n.Receipt.Signature[11:]
		if bad.Signature != n.Receipt.Signature {
			if _, err := receipt.Verify(bad, keys.Keys); err == nil {
				t.Error("a changed signature verifies")
			}
		}

		// GET shows the notice, its case and its timeline.
		got := e.get(t, key, n.ID)
		if got.ID != n.ID || got.Status != "received" || !got.DueAt.Equal(n.DueAt) || got.Receipt != n.Receipt ||
			len(got.Subjects) != 1 || got.Subjects[0] != n.Subjects[0] {
			t.Errorf("GET notice = %+v, want the 201 answer %+v", got, n)
		}
		if len(got.Cases) != 1 || got.Cases[0].ID != n.Subjects[0].CaseID || got.Cases[0].State != "open" ||
			got.Cases[0].Lane != "order" || got.Cases[0].Subject != "telegram:message/somechannel/123" || !got.Cases[0].DueAt.Equal(n.DueAt) {
			t.Errorf("cases = %+v", got.Cases)
		}
		var types []string
		for _, ev := range got.Timeline {
			types = append(types, ev.Type)
		}
		if !slices.Equal(types, []string{"notice.received", "case.opened"}) {
			t.Errorf("timeline = %v, want notice.received, case.opened", types)
		}

		// The platform sees the notice too.
		if p := e.get(t, e.admin, n.ID); p.ID != n.ID {
			t.Errorf("platform admin GET = %+v", p)
		}
	})
}

func TestSameMessageOneCase(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		_, key := e.member(t, "Kominfo", "authority")
		links := []string{"https://t.me/s/SomeChannel/123", "https://telegram.me/somechannel/123?single", "tg://resolve?domain=SomeChannel&post=123"}
		n, _ := e.submit(t, key, mustJSON(t, notice("order", "terrorism", links)))
		if len(n.Subjects) != 3 {
			t.Fatalf("subjects = %+v", n.Subjects)
		}
		for i, s := range n.Subjects {
			if s.URL != links[i] || s.Subject != "telegram:message/somechannel/123" || s.CaseID != n.Subjects[0].CaseID || s.NewCase != (i == 0) {
				t.Errorf("subject %d = %+v, want the same subject and case, new only the first time", i, s)
			}
		}
		if got := e.get(t, key, n.ID); len(got.Cases) != 1 {
			t.Errorf("cases = %+v, want one", got.Cases)
		}

		// A second notice on the same message, from another org and linked yet
		// another way, joins the open case.
		_, other := e.member(t, "BNPT", "authority")
		n2, _ := e.submit(t, other, mustJSON(t, notice("referral", "terrorism", []string{"https://telegram.dog/SOMECHANNEL/123/", "https://example.org/a"})))
		if s := n2.Subjects[0]; s.Subject != "telegram:message/somechannel/123" || s.CaseID != n.Subjects[0].CaseID || s.NewCase {
			t.Errorf("second notice's subject = %+v, want it to join case %s", s, n.Subjects[0].CaseID)
		}
		if s := n2.Subjects[1]; s.CaseID == n.Subjects[0].CaseID || !s.NewCase || !strings.HasPrefix(s.Subject, "url:") {
			t.Errorf("other subject = %+v, want a new case of its own", s)
		}
		got := e.get(t, other, n2.ID)
		if len(got.Cases) != 2 {
			t.Errorf("cases = %+v", got.Cases)
		}
		var types []string
		for _, ev := range got.Timeline {
			types = append(types, ev.Type)
		}
		if !slices.Equal(types, []string{"notice.received", "case.joined", "case.opened"}) {
			t.Errorf("timeline = %v", types)
		}
		// The case keeps the earlier (order's 4h) deadline: a referral for
		// terrorism under ID-PSE is urgent too, so both are 4h; the case's due
		// is the earliest, the order's.
		for _, c := range got.Cases {
			if c.ID == n.Subjects[0].CaseID && !c.DueAt.Equal(n.DueAt) {
				t.Errorf("joined case due %v, want the earliest %v", c.DueAt, n.DueAt)
			}
		}
	})
}

func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		_, key := e.member(t, "Kominfo", "authority")
		body := mustJSON(t, notice("order", "gambling", []string{"https://t.me/judi/1"}))
		first, r1 := e.submit(t, key, body, "Idempotency-Key", "kominfo-0001")
		if r1.Header.Get("Idempotent-Replayed") != "" {
			t.Error("the first answer says it is a replay")
		}
		again, r2 := e.submit(t, key, body, "Idempotency-Key", "kominfo-0001")
		if again.ID != first.ID || again.Receipt != first.Receipt || !again.DueAt.Equal(first.DueAt) ||
			len(again.Subjects) != 1 || again.Subjects[0] != first.Subjects[0] {
			t.Errorf("replay = %+v, want the first answer %+v", again, first)
		}
		if r2.Header.Get("Idempotent-Replayed") != "true" {
			t.Error("the replay lacks Idempotent-Replayed: true")
		}
		before, _ := e.srv.DB.Counts(t.Context())
		r := e.json(t, "POST", "/v1/notices", key, notice("order", "gambling", []string{"https://t.me/judi/2"}), "Idempotency-Key", "kominfo-0001")
		if r.Status != 409 || r.problem(t).Code != "idempotency_mismatch" {
			t.Errorf("same key, other body: %d %s", r.Status, r.Body)
		}
		after, _ := e.srv.DB.Counts(t.Context())
		if fmt.Sprint(before) != fmt.Sprint(after) {
			t.Errorf("a 409 changed the database: %v -> %v", before, after)
		}
		// Keys are per org: another org may use the same key for its own notice.
		_, other := e.member(t, "BNPT", "authority")
		if n, _ := e.submit(t, other, body, "Idempotency-Key", "kominfo-0001"); n.ID == first.ID {
			t.Error("another org's notice replayed this org's")
		}
		// Without a key, the same body is a new notice.
		if n, _ := e.submit(t, key, body); n.ID == first.ID {
			t.Error("a notice without Idempotency-Key was taken as a replay")
		}
	})
}

func TestListNotices(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		orgA, a := e.member(t, "Kominfo", "authority")
		_, b := e.member(t, "BNPT", "authority")
		var mine []string
		for i := range 5 {
			kind, cat := "order", "gambling"
			if i%2 == 1 {
				kind, cat = "referral", "hoax"
			}
			n, _ := e.submit(t, a, mustJSON(t, notice(kind, cat, []string{fmt.Sprintf("https://t.me/list_chan/%d", i+1)})))
			mine = append(mine, n.ID)
		}
		theirs, _ := e.submit(t, b, mustJSON(t, notice("order", "gambling", []string{"https://t.me/list_chan/99"})))

		list := func(key, query string) (ids []string, next string) {
			t.Helper()
			r := e.do(t, "GET", "/v1/notices"+query, key, nil)
			if r.Status != 200 {
				t.Fatalf("list %s: %d %s", query, r.Status, r.Body)
			}
			var l struct {
				Items      []noticeView `json:"items"`
				NextCursor string       `json:"next_cursor"`
			}
			r.decode(t, &l)
			for _, n := range l.Items {
				ids = append(ids, n.ID)
			}
			return ids, l.NextCursor
		}
		// Paging by two walks every notice of the org once, newest first.
		var got []string
		cursor, pages := "", 0
		for {
			ids, next := list(a, "?limit=2&cursor="+cursor)
			pages++
			if len(ids) > 2 {
				t.Fatalf("page of %d with limit=2", len(ids))
			}
			got = append(got, ids...)
			if next == "" {
				break
			}
			if pages > 5 {
				t.Fatal("paging does not end")
			}
			cursor = next
		}
		// Newest first is ID order: IDs sort by creation to the millisecond, and
		// two notices filed in the same millisecond fall in their IDs' order.
		want := slices.Clone(mine)
		slices.Sort(want)
		slices.Reverse(want)
		if !slices.Equal(got, want) {
			t.Errorf("paged list = %v, want %v newest first", got, want)
		}
		if pages != 3 {
			t.Errorf("%d pages for 5 notices by 2, want 3", pages)
		}
		if ids, next := list(a, "?limit=5"); len(ids) != 5 || next != "" {
			t.Errorf("limit=5 gave %d items and next_cursor %q; want 5 and none", len(ids), next)
		}
		if ids, _ := list(a, "?kind=referral"); len(ids) != 2 {
			t.Errorf("kind=referral: %v", ids)
		}
		if ids, _ := list(a, "?category=gambling&status=received"); len(ids) != 3 {
			t.Errorf("category=gambling: %v", ids)
		}
		if ids, _ := list(a, "?status=decided"); len(ids) != 0 {
			t.Errorf("status=decided: %v", ids)
		}
		// Tenants see their own; the platform sees all.
		if ids, _ := list(b, ""); !slices.Equal(ids, []string{theirs.ID}) {
			t.Errorf("BNPT sees %v, want only its own %s", ids, theirs.ID)
		}
		if ids, _ := list(e.admin, ""); len(ids) != 6 {
			t.Errorf("platform admin sees %d notices, want 6", len(ids))
		}
		auditor := e.key(t, orgA, "auditor")
		if ids, _ := list(auditor, ""); len(ids) != 5 {
			t.Errorf("Kominfo's auditor sees %d notices, want 5", len(ids))
		}
		if n := e.get(t, auditor, mine[0]); n.ID != mine[0] {
			t.Errorf("auditor GET = %+v", n)
		}
	})
}

func TestDeadlines(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		_, key := e.member(t, "Europol IRU", "authority")
		cases := []struct {
			name          string
			body          map[string]any
			regime        string
			class, within string
			d             time.Duration
			scope         []string
		}{
			{"EU-TCO removal order", notice("order", "terrorism", []string{"https://t.me/europol_case/1"}, "regime", "EU-TCO"), "EU-TCO", "removal_order", "1h", time.Hour, []string{"EU"}},
			{"EU-TCO order for another category", notice("order", "hoax", []string{"https://t.me/europol_case/2"}, "regime", "EU-TCO"), "EU-TCO", "removal_order", "1h", time.Hour, []string{"EU"}},
			{"ID-PSE standard", notice("order", "gambling", []string{"https://t.me/europol_case/3"}), "ID-PSE", "standard", "24h", 24 * time.Hour, []string{"ID"}},
			{"ID-PSE urgent on request", notice("referral", "hoax", []string{"https://t.me/europol_case/4"}, "urgent", true), "ID-PSE", "urgent", "4h", 4 * time.Hour, []string{"ID"}},
			{"DE-NETZDG standard", notice("referral", "fraud", []string{"https://t.me/europol_case/5"}, "regime", "DE-NETZDG", "territorial_scope", []string{"DE", "AT"}), "DE-NETZDG", "standard", "7d", 7 * 24 * time.Hour, []string{"DE", "AT"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				n, _ := e.submit(t, key, mustJSON(t, tc.body))
				if n.SLA.Regime != tc.regime || n.SLA.Class != tc.class || n.SLA.Within != tc.within || n.Regime != tc.regime {
					t.Errorf("sla = %+v, want {%s %s %s}", n.SLA, tc.regime, tc.class, tc.within)
				}
				if !n.DueAt.Equal(n.ReceivedAt.Add(tc.d)) {
					t.Errorf("due_at = %v, want received_at %v + %v", n.DueAt, n.ReceivedAt, tc.d)
				}
				if !slices.Equal(n.TerritorialScope, tc.scope) {
					t.Errorf("territorial_scope = %v, want %v", n.TerritorialScope, tc.scope)
				}
			})
		}
	})
}

func TestPolicyFileChangesDeadlines(t *testing.T) {
	t.Parallel()
	policy := filepath.Join(t.TempDir(), "policy.yaml")
	if err := os.WriteFile(policy, []byte("regimes:\n  ID-PSE:\n    deadlines: {urgent: 20s, standard: 24h}\n"+
		"  XX-TEST:\n    deadlines: {standard: 90m}\nescalation:\n  at: [0.5, 0.8, 1.0]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, eng storetest.Engine) {
		e := newEnv(t, eng, policy)
		_, key := e.member(t, "Kominfo", "authority")
		n, _ := e.submit(t, key, mustJSON(t, notice("order", "terrorism", []string{"https://t.me/policy_chan/1"})))
		if !n.DueAt.Equal(n.ReceivedAt.Add(20*time.Second)) || n.SLA != (struct{ Regime, Class, Within string }{"ID-PSE", "urgent", "20s"}) {
			t.Errorf("due_at %v received_at %v sla %+v; want 20s urgent", n.DueAt, n.ReceivedAt, n.SLA)
		}
		// A regime only the policy file defines.
		n, _ = e.submit(t, key, mustJSON(t, notice("referral", "hoax", []string{"https://t.me/policy_chan/2"}, "regime", "XX-TEST")))
		if !n.DueAt.Equal(n.ReceivedAt.Add(90*time.Minute)) || n.SLA.Regime != "XX-TEST" || n.SLA.Within != "90m" {
			t.Errorf("XX-TEST: due_at %v received_at %v sla %+v; want 90m", n.DueAt, n.ReceivedAt, n.SLA)
		}
		// An org whose default regime comes from the policy file.
		r := e.json(t, "POST", "/v1/orgs", e.admin, map[string]string{"name": "XX ministry", "kind": "authority", "default_regime": "XX-TEST"})
		var o orgView
		r.decode(t, &o)
		if r.Status != 201 || o.DefaultRegime != "XX-TEST" {
			t.Fatalf("create org with default regime: %d %s", r.Status, r.Body)
		}
		n, _ = e.submit(t, e.key(t, o.ID, "authority"), mustJSON(t, notice("referral", "hoax", []string{"https://t.me/policy_chan/3"})))
		if n.Regime != "XX-TEST" {
			t.Errorf("regime = %s, want the org's default XX-TEST", n.Regime)
		}
	})
}

func TestFlaggersAndReports(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		_, flagger := e.member(t, "Mafindo", "flagger")
		before, _ := e.srv.DB.Counts(t.Context())
		r := e.json(t, "POST", "/v1/notices", flagger, notice("flag", "hoax", []string{"https://t.me/hoaks/7"}, "good_faith", nil))
		if p := r.problem(t); r.Status != 422 || !p.hasError("good_faith", "required") {
			t.Errorf("flag without good_faith: %d %s", r.Status, r.Body)
		}
		r = e.json(t, "POST", "/v1/notices", flagger, notice("flag", "hoax", []string{"https://t.me/hoaks/7"}, "good_faith", false))
		if p := r.problem(t); r.Status != 422 || !p.hasError("good_faith", "required") {
			t.Errorf("flag with good_faith false: %d %s", r.Status, r.Body)
		}
		after, _ := e.srv.DB.Counts(t.Context())
		if fmt.Sprint(before) != fmt.Sprint(after) {
			t.Errorf("a refused flag changed the database: %v -> %v", before, after)
		}
		n, _ := e.submit(t, flagger, mustJSON(t, notice("flag", "hoax", []string{"https://t.me/hoaks/7"},
			"evidence", []map[string]string{{"sha256": strings.Repeat("AB", 32), "description": "screenshot"}},
			"contact", map[string]string{"name": "Desk", "email": "desk@mafindo.example"}, "language", "id",
			"requested_action", "review", "reference", "MFD-1")))
		if !n.GoodFaith || n.Kind != "flag" || n.SLA.Class != "standard" || !n.DueAt.Equal(n.ReceivedAt.Add(24*time.Hour)) {
			t.Errorf("flag = %+v", n)
		}
		if got := e.get(t, flagger, n.ID); len(got.Cases) != 1 || got.Cases[0].Lane != "trusted" {
			t.Errorf("flag's case = %+v, want the trusted lane", got.Cases)
		}

		// The platform files users' reports with its own keys.
		platformID := ""
		var me struct {
			Org orgView `json:"org"`
		}
		e.do(t, "GET", "/v1/me", e.admin, nil).decode(t, &me)
		platformID = me.Org.ID
		if me.Org.Kind != "platform" {
			t.Fatalf("admin's org = %+v", me.Org)
		}
		reviewer := e.key(t, platformID, "reviewer")
		for _, k := range []string{e.admin, reviewer} {
			n, _ := e.submit(t, k, mustJSON(t, notice("report", "fraud", []string{"https://t.me/scam/1"})))
			if n.Kind != "report" || n.OrgID != platformID {
				t.Errorf("report = %+v", n)
			}
			if got := e.get(t, k, n.ID); got.Cases[0].Lane != "standard" {
				t.Errorf("report's case lane = %s, want standard", got.Cases[0].Lane)
			}
		}
		r = e.json(t, "POST", "/v1/notices", reviewer, notice("report", "fraud", []string{"https://t.me/scam/1"}, "good_faith", nil))
		if p := r.problem(t); r.Status != 422 || !p.hasError("good_faith", "required") {
			t.Errorf("report without good_faith: %d %s", r.Status, r.Body)
		}
	})
}

func TestOrgsKeysAndUsers(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.org(t, "Kominfo", "authority")
		f := e.org(t, "Mafindo", "flagger")
		r := e.do(t, "GET", "/v1/orgs", e.admin, nil)
		var l struct {
			Items      []orgView `json:"items"`
			NextCursor string    `json:"next_cursor"`
		}
		r.decode(t, &l)
		if r.Status != 200 || len(l.Items) != 3 {
			t.Errorf("GET /v1/orgs = %d %s, want the platform and two orgs", r.Status, r.Body)
		}
		r = e.do(t, "GET", "/v1/orgs/"+a, e.admin, nil)
		var o orgView
		r.decode(t, &o)
		if r.Status != 200 || o.ID != a || o.Kind != "authority" || o.CreatedAt.IsZero() {
			t.Errorf("GET org = %d %s", r.Status, r.Body)
		}
		// An org's own keys read their org, and only theirs.
		auth := e.key(t, a, "authority")
		if r := e.do(t, "GET", "/v1/orgs/"+a, auth, nil); r.Status != 200 {
			t.Errorf("own org: %d", r.Status)
		}
		if r := e.do(t, "GET", "/v1/orgs/"+f, auth, nil); r.Status != 404 {
			t.Errorf("another org: %d, want 404", r.Status)
		}
		// Every role that fits each kind gets a key.
		for kind, roles := range map[string][]string{"authority": {"admin", "authority", "auditor"}, "flagger": {"admin", "flagger", "auditor"}} {
			id := a
			if kind == "flagger" {
				id = f
			}
			for _, role := range roles {
				e.key(t, id, role)
			}
		}
		// An authority's own admin manages its org: keys and the org list.
		orgAdmin := e.key(t, a, "admin")
		r = e.json(t, "POST", "/v1/orgs/"+a+"/keys", orgAdmin, map[string]string{"role": "authority"})
		if r.Status != 201 {
			t.Errorf("org admin making a key for its org: %d %s", r.Status, r.Body)
		}
		r = e.do(t, "GET", "/v1/orgs", orgAdmin, nil)
		r.decode(t, &l)
		if r.Status != 200 || len(l.Items) != 1 || l.Items[0].ID != a {
			t.Errorf("org admin's org list = %s, want only its org", r.Body)
		}

		// Portal users.
		r = e.json(t, "POST", "/v1/orgs/"+a+"/users", e.admin, map[string]string{"email": "Analyst@Kominfo.example", "name": "Analis", "role": "authority"})
		var u struct {
			ID, Email            string
			SetPasswordURL       string    `json:"set_password_url"`
			SetPasswordExpiresAt time.Time `json:"set_password_expires_at"`
		}
		r.decode(t, &u)
		if r.Status != 201 || u.Email != "analyst@kominfo.example" || u.SetPasswordURL == "" || u.SetPasswordExpiresAt.IsZero() {
			t.Errorf("create user: %d %s", r.Status, r.Body)
		}
		r = e.do(t, "GET", "/v1/orgs/"+a+"/users", e.admin, nil)
		if !bytes.Contains(r.Body, []byte(u.ID)) || bytes.Contains(r.Body, []byte("set_password_url")) {
			t.Errorf("list users: %d %s", r.Status, r.Body)
		}
		if r := e.do(t, "GET", "/v1/orgs/"+f+"/users", orgAdmin, nil); r.Status != 404 {
			t.Errorf("another org's users: %d, want 404", r.Status)
		}
		r = e.json(t, "POST", "/v1/orgs/"+a+"/users", e.admin, map[string]string{"email": "analyst@kominfo.example", "role": "authority"})
		if p := r.problem(t); r.Status != 422 || !p.hasError("email", "taken") {
			t.Errorf("same e-mail again: %d %s", r.Status, r.Body)
		}
	})
}

func TestMetaEndpoints(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		r := e.do(t, "GET", "/healthz", "", nil)
		if r.Status != 200 {
			t.Errorf("healthz: %d %s", r.Status, r.Body)
		}
		r = e.do(t, "GET", "/openapi.json", "", nil)
		want, _ := os.ReadFile("openapi.json")
		if r.Status != 200 || !bytes.Equal(r.Body, want) {
			t.Errorf("GET /openapi.json does not serve openapi.json (%d, %d bytes)", r.Status, len(r.Body))
		}
		_, key := e.member(t, "Kominfo", "authority")
		e.submit(t, key, mustJSON(t, notice("order", "terrorism", []string{"https://t.me/metric_chan/1", "https://t.me/metric_chan/2"})))
		r = e.do(t, "GET", "/metrics", e.admin, nil)
		for _, want := range []string{
			`sigap_http_requests_total{code="201",method="POST",route="POST /v1/notices"} 1`,
			`sigap_notices_received_total{category="terrorism",kind="order"} 1`,
			`sigap_notice_subjects_received_total 2`,
			`sigap_http_request_duration_seconds_bucket`,
		} {
			if !bytes.Contains(r.Body, []byte(want)) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
	})
}

// TestNewRefusesAnIncompleteApp checks the API names a missing service at
// construction instead of failing on the first request that needs it.
func TestNewRefusesAnIncompleteApp(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, env *env) {
		apptest.RefusesIncomplete(t, env.srv.App, httpapi.New, "Scanner", "Metrics", "Contacts")
	})
}
