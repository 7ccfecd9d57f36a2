package feed_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/feed"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

// rewriter stands in front of a real source and serves its feed with
// rewrite applied to the whole history, re-chained and re-signed with the
// source's own key: a source that rewrites what it shared.
func rewriter(t *testing.T, src *node, rewrite func([]feed.Event) []feed.Event) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		upstream := src.ts.URL + strings.TrimSuffix(r.URL.Path, "/") + "?cursor=0&limit=10000"
		req, _ := http.NewRequest("GET", upstream, nil)
		req.Header.Set("Authorization", r.Header.Get("Authorization"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, err.Error(), 502)
			return
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			w.WriteHeader(resp.StatusCode)
			_, _ = io.Copy(w, resp.Body)
			return
		}
		p, err := feed.ReadPage(resp.Body, 0)
		if err != nil {
			http.Error(w, err.Error(), 502)
			return
		}
		all := rewrite(p.Events)
		heads := feed.Chain(all)
		after, _ := strconv.ParseInt(r.URL.Query().Get("cursor"), 10, 64)
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		end := min(int(after)+limit, len(all))
		p.Events, p.Size, p.NextCursor = all[after:end], int64(len(all)), ""
		if end < len(all) {
			p.NextCursor = strconv.Itoa(end)
		}
		head := feed.ZeroHead
		if end > 0 {
			head = heads[end-1]
		}
		if p.Checkpoint, err = feed.SignCheckpoint(src.srv.TransLog.Key(), p.Origin, int64(end), head); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		_ = json.NewEncoder(w).Encode(p)
	}))
	t.Cleanup(ts.Close)
	return ts
}

// TestTamperedFeedRefused has a source rewrite an entry it already fed: the
// subscriber refuses every page after, says why, and keeps its copy as the
// history it verified.
func TestTamperedFeedRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		src, dst := newNode(t, e, true), sqliteNode(t)
		bankA, _ := src.bank(t, "shared", hash('a'), hash('b'))
		feedURL, token, _ := src.share(t, bankA, "B")
		tamper := false
		rw := rewriter(t, src, func(evs []feed.Event) []feed.Event {
			if tamper && len(evs) > 0 {
				evs[0].Value = hash('f') // what was fed as h('a') is now another hash
			}
			return evs
		})
		subID, bankB := dst.subscribe(t, rw.URL+strings.TrimPrefix(feedURL, src.ts.URL), token, "from A")
		dst.poll(t)
		if got := dst.live(t, bankB); len(got) != 2 {
			t.Fatalf("the copy holds %d entries before the tampering, want 2", len(got))
		}
		tamper = true
		src.add(t, bankA, hash('c'))
		dst.pollNow(t, subID)
		st := dst.status(t, subID)
		if st["state"] != "tampered" || !strings.Contains(str(st["last_error"]), "rewrote its history") {
			t.Fatalf("status after the source rewrote its history: %v", st)
		}
		got := dst.live(t, bankB)
		if len(got) != 2 || got[hash('a')] == nil || got[hash('f')] != nil || got[hash('c')] != nil {
			t.Fatalf("the copy changed with a rewritten feed: %v", keys(got))
		}
	})
}

// TestUnknownEntrySkipped has a source feed an entry of a type no bank
// holds and one of a malformed value: the subscriber skips both, counts and
// names them, and copies the rest.
func TestUnknownEntrySkipped(t *testing.T) {
	t.Parallel()
	src, dst := sqliteNode(t), sqliteNode(t)
	bankA, _ := src.bank(t, "shared", hash('a'), hash('b'), hash('c'))
	feedURL, token, _ := src.share(t, bankA, "B")
	// By value, not by place: entries made in one millisecond may come in any order.
	rw := rewriter(t, src, func(evs []feed.Event) []feed.Event {
		for i := range evs {
			switch evs[i].Value {
			case hash('a'):
				evs[i].Type = "md6"
			case hash('b'):
				evs[i].Value = "not-hex"
			}
		}
		return evs
	})
	subID, bankB := dst.subscribe(t, rw.URL+strings.TrimPrefix(feedURL, src.ts.URL), token, "from A")
	dst.poll(t)
	if got := dst.live(t, bankB); len(got) != 1 || got[hash('c')] == nil {
		t.Fatalf("the copy holds %v, want only the well-formed entry", keys(got))
	}
	st := dst.status(t, subID)
	if st["skipped"].(float64) != 2 || !strings.Contains(str(st["last_error"]), "skipped event") || st["events"].(float64) != 3 {
		t.Fatalf("status after two unreadable entries: %v", st)
	}
}

// TestSubscribeRefusals: a subscription to the server's own feed, to a
// private address where the server forbids them, of hostile fields, or by a
// caller who may not, is refused and makes nothing.
func TestSubscribeRefusals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		n := newNode(t, e, true)
		bank, _ := n.bank(t, "own", hash('a'))
		feedURL, token, _ := n.share(t, bank, "me")
		strict := newNode(t, storetest.Engine{Name: "sqlite", Dir: t.TempDir()}, false)
		reviewerKey := reviewer(t, n)
		for _, c := range []struct {
			name   string
			on     *node
			key    string
			body   any
			status int
			code   string
		}{
			{"its own feed", n, n.admin, map[string]any{"feed_url": feedURL, "token": token, "name": "self", "policy": "review"}, 422, "self_subscription"},
			{"a private address where forbidden", strict, strict.admin, map[string]any{"feed_url": feedURL, "token": token, "name": "x", "policy": "review"}, 422, "private_destination"},
			{"no URL", n, n.admin, map[string]any{"feed_url": "", "token": token, "name": "x", "policy": "review"}, 422, "invalid"},
			{"a file URL", n, n.admin, map[string]any{"feed_url": "file:///etc/passwd", "token": token, "name": "x", "policy": "review"}, 422, "invalid"},
			{"a URL with credentials", n, n.admin, map[string]any{"feed_url": "http://u:p@127.0.0.1:1/v1/feeds/x", "token": token, "name": "x", "policy": "review"}, 422, "invalid"},
			{"an unknown policy", n, n.admin, map[string]any{"feed_url": feedURL, "token": token, "name": "x", "policy": "nuke"}, 422, ""},
			{"a poll of 0.5 s", n, n.admin, `{"feed_url": "` + feedURL + `", "token": "` + token + `", "name": "x", "policy": "review", "poll_seconds": -1}`, 422, "out_of_range"},
			{"a token with a newline", n, n.admin, map[string]any{"feed_url": feedURL, "token": "a\nb", "name": "x", "policy": "review"}, 422, "required"},
			{"an unknown field", n, n.admin, `{"feed_url": "x", "tokn": "y"}`, 422, "unknown_field"},
			{"not JSON", n, n.admin, `{"feed_url": `, 400, ""},
			{"a source that is down", n, n.admin, map[string]any{"feed_url": "http://127.0.0.1:1/v1/feeds/shr_x", "token": token, "name": "x", "policy": "review"}, 422, "feed_unreadable"},
			{"a reviewer", n, reviewerKey, map[string]any{"feed_url": feedURL, "token": token, "name": "x", "policy": "review"}, 403, ""},
			{"no key", n, "", map[string]any{"feed_url": feedURL, "token": token, "name": "x", "policy": "review"}, 401, ""},
		} {
			a := c.on.call(t, "POST", "/v1/subscriptions", c.key, c.body)
			if a.status != c.status || (c.code != "" && a.code() != c.code) {
				t.Errorf("%s: want %d %s, got %d %s", c.name, c.status, c.code, a.status, a.body)
			}
		}
		for _, on := range []*node{n, strict} {
			if items := on.call(t, "GET", "/v1/subscriptions", on.admin, nil).want(t, 200, "list").json(t)["items"].([]any); len(items) != 0 {
				t.Fatalf("refused subscriptions left %d behind", len(items))
			}
		}
	})
}

func reviewer(t *testing.T, n *node) string {
	t.Helper()
	var platform string
	for _, o := range n.call(t, "GET", "/v1/orgs", n.admin, nil).want(t, 200, "orgs").json(t)["items"].([]any) {
		if m := o.(map[string]any); m["kind"] == "platform" {
			platform = str(m["id"])
		}
	}
	return str(n.call(t, "POST", "/v1/orgs/"+platform+"/keys", n.admin, map[string]any{"role": "reviewer"}).want(t, 201, "key").json(t)["key"])
}

// TestFeedEndpointRefusals: the feed and its feedback endpoint answer a
// wrong, missing or hostile request with a clear error and count nothing.
func TestFeedEndpointRefusals(t *testing.T) {
	t.Parallel()
	n := sqliteNode(t)
	bank, ids := n.bank(t, "shared", hash('a'))
	feedURL, token, _ := n.share(t, bank, "B")
	other, _ := n.bank(t, "other", hash('b'))
	_, otherToken, _ := n.share(t, other, "C")
	for _, c := range []struct {
		name, method, url, token string
		body                     any
		status                   int
		code                     string
	}{
		{"no token", "GET", feedURL, "", nil, 401, "feed_token"},
		{"a wrong token", "GET", feedURL, "sgf_nope", nil, 401, "feed_token"},
		{"another share's token", "GET", feedURL, otherToken, nil, 401, "feed_token"},
		{"an unknown share", "GET", n.ts.URL + "/v1/feeds/shr_none", token, nil, 401, "feed_token"},
		{"a cursor that is not a number", "GET", feedURL + "?cursor=x", token, nil, 400, "bad_cursor"},
		{"a negative cursor", "GET", feedURL + "?cursor=-1", token, nil, 400, "bad_cursor"},
		{"a cursor beyond the feed", "GET", feedURL + "?cursor=99", token, nil, 400, "bad_cursor"},
		{"a limit of 0", "GET", feedURL + "?limit=0", token, nil, 400, "bad_limit"},
		{"a limit too large", "GET", feedURL + "?limit=100001", token, nil, 400, "bad_limit"},
		{"feedback with a wrong token", "POST", feedURL + "/feedback", "sgf_nope", map[string]any{"entry_id": ids[hash('a')], "verdict": "false_positive"}, 401, "feed_token"},
		{"feedback of no verdict", "POST", feedURL + "/feedback", token, map[string]any{"entry_id": ids[hash('a')], "verdict": "meh"}, 422, "invalid"},
		{"feedback on another set's entry", "POST", feedURL + "/feedback", token, map[string]any{"entry_id": "ent_other", "verdict": "seen"}, 404, "not_found"},
		{"feedback with an unknown field", "POST", feedURL + "/feedback", token, `{"entry_id": "x", "verdict": "seen", "admin": true}`, 422, "unknown_field"},
		{"feedback too large", "POST", feedURL + "/feedback", token, `{"entry_id": "` + strings.Repeat("x", 9<<20) + `"}`, 413, "body_too_large"},
	} {
		a := n.call(t, c.method, c.url, c.token, c.body)
		if a.status != c.status || (c.code != "" && a.code() != c.code) {
			t.Errorf("%s: want %d %s, got %d %.200s", c.name, c.status, c.code, a.status, a.body)
		}
	}
	if items := n.call(t, "GET", "/v1/banks/"+bank+"/feedback", n.admin, nil).want(t, 200, "feedback").json(t)["items"].([]any); len(items) != 0 {
		t.Fatalf("refused feedback was counted: %v", items)
	}
}

// TestFeedPagesVerify reads a feed a page of one event at a time and
// verifies each page's checkpoint against the chain so far, as a
// subscriber does; a page read from the wrong place does not verify.
func TestFeedPagesVerify(t *testing.T) {
	t.Parallel()
	n := sqliteNode(t)
	bank, ids := n.bank(t, "shared", hash('a'), hash('b'), hash('c'))
	feedURL, token, _ := n.share(t, bank, "B")
	n.call(t, "DELETE", "/v1/banks/"+bank+"/entries/"+ids[hash('b')], n.admin, nil).want(t, 200, "remove")
	var vkey, origin string
	head, after, ops := feed.ZeroHead, int64(0), ""
	for range 10 {
		a := n.call(t, "GET", feedURL+"?limit=1&cursor="+strconv.FormatInt(after, 10), token, nil).want(t, 200, "page")
		p, err := feed.ReadPage(strings.NewReader(string(a.body)), after)
		if err != nil {
			t.Fatal(err)
		}
		if vkey == "" {
			vkey, origin = p.VerifierKey, p.Origin
		}
		if _, err := p.Verify(vkey, origin, after+1, head); after > 0 && err == nil {
			t.Fatalf("page after %d verified from the wrong place", after)
		}
		if head, err = p.Verify(vkey, origin, after, head); err != nil {
			t.Fatalf("page after %d: %v", after, err)
		}
		for _, e := range p.Events {
			ops += e.Op + " "
		}
		after += int64(len(p.Events))
		if p.NextCursor == "" {
			break
		}
	}
	if after != 4 || ops != "add add add remove " {
		t.Fatalf("the feed read %d events (%s), want 3 adds and a remove", after, ops)
	}
}

// TestSourceDownBacksOff: polls of a source that is down fail, say why and
// wait longer each time, up to the cap; the copy stays as it was.
func TestSourceDownBacksOff(t *testing.T) {
	t.Parallel()
	src, dst := sqliteNode(t), sqliteNode(t)
	bankA, _ := src.bank(t, "shared", hash('a'))
	feedURL, token, _ := src.share(t, bankA, "B")
	subID, bankB := dst.subscribe(t, feedURL, token, "from A")
	dst.poll(t)
	src.ts.Close()
	for i := 1; i <= 3; i++ {
		dst.pollNow(t, subID)
		st := dst.status(t, subID)
		if st["state"] != "failing" || st["failures"].(float64) != float64(i) || !strings.Contains(str(st["last_error"]), "cannot be reached") {
			t.Fatalf("poll %d of a source that is down: %v", i, st)
		}
		next, _ := time.Parse(time.RFC3339Nano, str(st["next_poll_at"]))
		at, _ := time.Parse(time.RFC3339Nano, str(st["last_error_at"]))
		if want := time.Duration(60<<(i-1)) * time.Second; next.Sub(at) != want {
			t.Fatalf("after %d failures the next poll waits %v, want %v", i, next.Sub(at), want)
		}
	}
	if d := dst.srv.Feeds.Backoff(store.FeedSubscription{PollSeconds: 60, Failures: 30}); d != time.Hour {
		t.Fatalf("a day of failures waits %v between polls, want the one-hour cap", d)
	}
	if got := dst.live(t, bankB); len(got) != 1 {
		t.Fatalf("the copy changed while its source was down: %v", keys(got))
	}
}

// TestPagesAppliedTogether has a source serve its feed one event a page and
// fail from the third page on: the subscriber, which writes verified pages
// together, keeps the two pages it verified before the failure and counts
// the failure; once the source serves again it copies the rest.
func TestPagesAppliedTogether(t *testing.T) {
	t.Parallel()
	src, dst := sqliteNode(t), sqliteNode(t)
	bankA, _ := src.bank(t, "shared", hash('a'), hash('b'), hash('c'), hash('d'))
	feedURL, token, _ := src.share(t, bankA, "B")
	rw := rewriter(t, src, func(evs []feed.Event) []feed.Event { return evs })
	var failing atomic.Bool
	failing.Store(true)
	onePerPage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if after, _ := strconv.Atoi(r.URL.Query().Get("cursor")); failing.Load() && after >= 2 {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		q := r.URL.Query()
		q.Set("limit", "1")
		r.URL.RawQuery = q.Encode()
		r.RequestURI = ""
		r.URL.Scheme, r.URL.Host = "http", strings.TrimPrefix(rw.URL, "http://")
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	t.Cleanup(onePerPage.Close)
	subID, bankB := dst.subscribe(t, onePerPage.URL+strings.TrimPrefix(feedURL, src.ts.URL), token, "from A")
	dst.poll(t)
	st := dst.status(t, subID)
	if got := dst.live(t, bankB); len(got) != 2 || st["events"].(float64) != 2 || st["failures"].(float64) != 1 {
		t.Fatalf("after a failure at the third page the copy holds %v, status %v; want the two verified entries and one failure", keys(got), st)
	}
	failing.Store(false)
	dst.pollNow(t, subID)
	st = dst.status(t, subID)
	if got := dst.live(t, bankB); len(got) != 4 || st["events"].(float64) != 4 || st["failures"].(float64) != 0 || st["lag"].(float64) != 0 {
		t.Fatalf("after the source came back the copy holds %v, status %v; want all four entries", keys(got), st)
	}
}
