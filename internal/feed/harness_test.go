package feed_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/proctest"
	"github.com/sigap/sigap/internal/server"
	"github.com/sigap/sigap/internal/store/storetest"
)

// node is one sigap server over httptest whose feed poller and job queue the
// test drives by hand (PollDue, RunDue), so nothing depends on timing.
type node struct {
	srv   *server.Server
	ts    *httptest.Server
	admin string
}

func newNode(t testing.TB, e storetest.Engine, allowPrivate bool) *node {
	t.Helper()
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: e.Dir, DB: e.URL, LogFormat: "text", LogLevel: "error",
		ShutdownTimeout: 5 * time.Second, AllowPrivateWebhooks: allowPrivate}
	s, err := server.New(context.Background(), cfg, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatalf("server.New on %s: %v", e.Name, err)
	}
	t.Cleanup(func() { s.Close() })
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return &node{srv: s, ts: ts, admin: s.AdminKey}
}

// sqliteNode is a node on its own SQLite database.
func sqliteNode(t testing.TB) *node {
	return newNode(t, storetest.Engine{Name: "sqlite", Dir: t.TempDir()}, true)
}

type answer struct {
	status int
	body   []byte
}

func (a answer) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(a.body, &m); err != nil {
		t.Fatalf("answer %d is not a JSON object: %s", a.status, a.body)
	}
	return m
}

func (a answer) want(t testing.TB, status int, what string) answer {
	t.Helper()
	if a.status != status {
		t.Fatalf("%s: want %d, got %d %s", what, status, a.status, a.body)
	}
	return a
}

// code is the problem code of an error answer.
func (a answer) code() string {
	var p struct {
		Code   string `json:"code"`
		Errors []struct {
			Code string `json:"code"`
		} `json:"errors"`
	}
	_ = json.Unmarshal(a.body, &p)
	if p.Code == "validation" && len(p.Errors) > 0 {
		return p.Errors[0].Code
	}
	return p.Code
}

// call sends a request to url (absolute, or a path on n) with a bearer key.
func (n *node) call(t testing.TB, method, url, key string, body any) answer {
	t.Helper()
	if strings.HasPrefix(url, "/") {
		url = n.ts.URL + url
	}
	code, b := proctest.Call(t, method, url, key, body)
	return answer{code, b}
}

// bank makes a bank on n holding the sha256 values given and returns its
// id and the entry ids, value by value.
func (n *node) bank(t testing.TB, name string, values ...string) (string, map[string]string) {
	t.Helper()
	id := str(n.call(t, "POST", "/v1/banks", n.admin, map[string]any{"name": name, "policy": "review", "labels": []string{"terrorism"}}).
		want(t, 201, "create bank").json(t)["id"])
	ids := map[string]string{}
	for _, v := range values {
		ids[v] = n.add(t, id, v)
	}
	return id, ids
}

func (n *node) add(t testing.TB, bankID, value string) string {
	t.Helper()
	return str(n.call(t, "POST", "/v1/banks/"+bankID+"/entries", n.admin, map[string]any{"type": "sha256", "value": value, "source": "source platform"}).
		want(t, 201, "add entry").json(t)["id"])
}

// share shares a bank and returns the feed URL and token.
func (n *node) share(t testing.TB, bankID, name string) (feedURL, token, shareID string) {
	t.Helper()
	m := n.call(t, "POST", "/v1/banks/"+bankID+"/shares", n.admin, map[string]any{"name": name}).want(t, 201, "share").json(t)
	return str(m["feed_url"]), str(m["token"]), str(m["id"])
}

// subscribe subscribes n to a feed and returns the subscription and local bank ids.
func (n *node) subscribe(t testing.TB, feedURL, token, name string) (subID, bankID string) {
	t.Helper()
	m := n.call(t, "POST", "/v1/subscriptions", n.admin, map[string]any{"feed_url": feedURL, "token": token, "name": name, "policy": "review"}).
		want(t, 201, "subscribe").json(t)
	return str(m["id"]), str(m["bank_id"])
}

// poll polls n's due subscriptions once, as its poller would, taking the
// poller's lease first.
func (n *node) poll(t testing.TB) {
	t.Helper()
	if held, err := n.srv.Feeds.Lease.Tick(t.Context()); err != nil || !held {
		t.Fatalf("the feeds lease: held %v, %v", held, err)
	}
	if _, err := n.srv.Feeds.PollDue(t.Context()); err != nil {
		t.Fatalf("poll: %v", err)
	}
}

// pollNow makes every subscription of n due and polls them.
func (n *node) pollNow(t testing.TB, subID string) {
	t.Helper()
	if err := n.srv.Feeds.PollNow(t.Context(), subID); err != nil {
		t.Fatal(err)
	}
	n.poll(t)
}

// live returns a bank's live entries: value → the entry.
func (n *node) live(t testing.TB, bankID string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, it := range n.call(t, "GET", "/v1/banks/"+bankID+"/entries?limit=500", n.admin, nil).want(t, 200, "entries").json(t)["items"].([]any) {
		m := it.(map[string]any)
		out[str(m["value"])] = m
	}
	return out
}

// status is a subscription's status object.
func (n *node) status(t testing.TB, subID string) map[string]any {
	t.Helper()
	return n.call(t, "GET", "/v1/subscriptions/"+subID, n.admin, nil).want(t, 200, "get subscription").json(t)["status"].(map[string]any)
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func hash(c byte) string { return strings.Repeat(string([]byte{c}), 64) }

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
