package feed_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/sigap/sigap/internal/store/storetest"
)

// listServer serves a whole hash list as a file server would: an ETag and
// Last-Modified, a 304 to a request that names them, 401 without the token.
type listServer struct {
	mu          sync.Mutex
	body, etag  string
	gets, nots  int
	contentType string
	ts          *httptest.Server
}

func newListServer(t *testing.T) *listServer {
	s := &listServer{}
	s.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer list-token" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.gets++
		if r.Header.Get("If-None-Match") == s.etag {
			s.nots++
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", s.etag)
		w.Header().Set("Last-Modified", "Mon, 07 Dec 2026 03:00:00 GMT")
		w.Header().Set("Content-Type", s.contentType)
		_, _ = w.Write([]byte(s.body))
	}))
	t.Cleanup(s.ts.Close)
	return s
}

func (s *listServer) set(body, contentType string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.body, s.contentType = body, contentType
	s.etag = fmt.Sprintf(`"v%d"`, len(body)+s.gets)
}

// TestHashListSubscription keeps a bank current from a whole hash list in
// each dialect the hashlist format reads: the first fetch fills the copy,
// an unchanged list costs a 304 and changes nothing, hashes the list gained
// are added and those it lost removed, each with its provenance; a wrong
// token and a malformed list are refused at subscription.
func TestHashListSubscription(t *testing.T) {
	t.Parallel()
	pdq, md5, sha := strings.Repeat("f8", 32), strings.Repeat("ab", 16), hash('e')
	dialects := []struct {
		name, contentType, first, second string
	}{
		{"hma lines", "text/plain",
			"# HMA file exchange\npdq " + pdq + "\nvideo_md5 " + md5 + "\nurl http://example.org/x\n",
			"pdq " + pdq + "\nsha256 " + sha + "\n"},
		{"gifct csv", "text/csv",
			"hash,hash_type,labels\n" + pdq + ",PDQ,terrorism;islamist\n" + md5 + ",MD5,terrorism\nxyz,TMK_FILE,terrorism\n",
			"hash_type,hash,labels\nPDQ," + strings.ToUpper(pdq) + ",terrorism\nSHA256," + sha + ",far-right\n"},
		{"tcap json", "application/json",
			`[{"id":1,"hash_digest":"` + pdq + `","algorithm":"PDQ","ideology":"islamist","deleted":false},` +
				`{"id":2,"hash_digest":"` + md5 + `","algorithm":"MD5","ideology":"far-right"},` +
				`{"id":3,"hash_digest":"` + strings.Repeat("1", 128) + `","algorithm":"SHA512","ideology":"islamist"}]`,
			`[{"id":1,"hash_digest":"` + pdq + `","algorithm":"PDQ","ideology":"islamist"},` +
				`{"id":2,"hash_digest":"` + md5 + `","algorithm":"MD5","ideology":"far-right","deleted":true},` +
				`{"id":4,"hash_digest":"` + sha + `","algorithm":"SHA256","ideology":"islamist"}]`},
	}
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		n := newNode(t, e, true)
		for _, d := range dialects {
			ls := newListServer(t)
			ls.set(d.first, d.contentType)
			feedURL := ls.ts.URL + "/lists/" + strings.ReplaceAll(d.name, " ", "-") + ".txt"
			body := func(token string) map[string]any {
				return map[string]any{"feed_url": feedURL, "token": token, "name": "List " + d.name, "policy": "review", "format": "hashlist"}
			}
			if a := n.call(t, "POST", "/v1/subscriptions", n.admin, body("wrong")); a.status != 422 || a.code() != "feed_refused" {
				t.Fatalf("%s: a wrong token: want 422 feed_refused, got %d %s", d.name, a.status, a.body)
			}
			m := n.call(t, "POST", "/v1/subscriptions", n.admin, body("list-token")).want(t, 201, "subscribe "+d.name).json(t)
			subID, bankID := str(m["id"]), str(m["bank_id"])
			if m["format"] != "hashlist" {
				t.Errorf("%s: format %v", d.name, m["format"])
			}
			n.pollNow(t, subID)
			got := n.live(t, bankID)
			if len(got) != 2 || got[pdq] == nil || got[md5] == nil {
				t.Fatalf("%s: after the first fetch the bank holds %v", d.name, keys(got))
			}
			if src := str(got[pdq]["source"]); !strings.Contains(src, "hashlist pdq") || !strings.Contains(src, ls.ts.Listener.Addr().String()) {
				t.Errorf("%s: provenance %q names neither the list nor its host", d.name, src)
			}
			if st := n.status(t, subID); st["state"] != "ok" || st["skipped"].(float64) != 1 || st["events"].(float64) != 3 {
				t.Errorf("%s: status after the first fetch: %v", d.name, st)
			}
			// Unchanged: a 304, and the copy stays.
			n.pollNow(t, subID)
			ls.mu.Lock()
			nots := ls.nots
			ls.mu.Unlock()
			if nots != 1 || len(n.live(t, bankID)) != 2 {
				t.Fatalf("%s: an unchanged list: %d not-modified answers, bank %v", d.name, nots, keys(n.live(t, bankID)))
			}
			// Changed: what it gained is added, what it lost removed.
			ls.set(d.second, d.contentType)
			n.pollNow(t, subID)
			got = n.live(t, bankID)
			if len(got) != 2 || got[pdq] == nil || got[sha] == nil || got[md5] != nil {
				t.Fatalf("%s: after the list changed the bank holds %v", d.name, keys(got))
			}
			if st := n.status(t, subID); st["state"] != "ok" || st["events"].(float64) != 2 {
				t.Errorf("%s: status after the list changed: %v", d.name, st)
			}
		}
	})
}

// TestHashListRefusesBadLists: a list that cannot be read is refused at
// subscription with feed_unreadable, and one that turns bad later fails the
// poll, names why, and leaves the copy as it was.
func TestHashListRefusesBadLists(t *testing.T) {
	t.Parallel()
	n := sqliteNode(t)
	bad := []struct{ name, body, contentType string }{
		{"a line without a signal", "pdq\n", "text/plain"},
		{"csv without a hash column", "type,labels\npdq,x\n", "text/csv"},
		{"csv row without a hash", "hash,hash_type\n,PDQ\n", "text/csv"},
		{"broken json", `[{"hash_digest": "ab"`, "application/json"},
		{"json record without a type", `[{"hash_digest":"ab"}]`, "application/json"},
		{"json of another shape", `{"results": 5}`, "application/json"},
		{"a quoted csv gone wrong", "hash,hash_type\n\"ab,PDQ\n", "text/csv"},
	}
	for _, b := range bad {
		ls := newListServer(t)
		ls.set(b.body, b.contentType)
		a := n.call(t, "POST", "/v1/subscriptions", n.admin, map[string]any{"feed_url": ls.ts.URL + "/l", "token": "list-token", "name": b.name, "policy": "review", "format": "hashlist"})
		if a.status != 422 || a.code() != "feed_unreadable" {
			t.Errorf("%s: want 422 feed_unreadable, got %d %s", b.name, a.status, a.body)
		}
	}
	pdq := strings.Repeat("f8", 32)
	ls := newListServer(t)
	ls.set("pdq "+pdq+"\n", "text/plain")
	m := n.call(t, "POST", "/v1/subscriptions", n.admin, map[string]any{"feed_url": ls.ts.URL + "/l", "token": "list-token", "name": "Good", "policy": "review", "format": "hashlist"}).
		want(t, 201, "subscribe").json(t)
	subID, bankID := str(m["id"]), str(m["bank_id"])
	n.pollNow(t, subID)
	ls.set("pdq\n", "text/plain")
	n.pollNow(t, subID)
	if st := n.status(t, subID); st["state"] != "failing" || !strings.Contains(str(st["last_error"]), "line 1") {
		t.Errorf("a list gone bad: status %v", st)
	}
	if got := n.live(t, bankID); len(got) != 1 || got[pdq] == nil {
		t.Errorf("a list gone bad changed the copy: %v", keys(got))
	}
}

// tcapServer serves TCAP's hash-list API v2 as documented: pages of results
// after a "<UTC>,<id>" checkpoint, each answer naming the next checkpoint.
type tcapServer struct {
	mu      sync.Mutex
	records []map[string]any
	afters  []string
	ts      *httptest.Server
}

func newTCAPServer(t *testing.T) *tcapServer {
	s := &tcapServer{}
	s.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer jwt-token" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"detail":"Given token not valid for any token type"}`))
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		after := r.URL.Query().Get("after")
		s.afters = append(s.afters, after)
		limit := min(2, max(1, atoi(r.URL.Query().Get("limit"))))
		start := 0
		for i, rec := range s.records {
			if checkpoint(rec) == after {
				start = i + 1
			}
		}
		end := min(len(s.records), start+limit)
		page := s.records[start:end]
		out := map[string]any{"count": len(s.records) - start, "previous": nil, "next": nil, "results": page, "checkpoint": after}
		if len(page) > 0 {
			out["checkpoint"] = checkpoint(page[len(page)-1])
		}
		if end < len(s.records) {
			out["next"] = "http://" + r.Host + r.URL.Path + "?after=" + out["checkpoint"].(string)
		}
		_ = json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(s.ts.Close)
	return s
}

func checkpoint(rec map[string]any) string {
	return fmt.Sprintf("%v,%v", rec["updated_on"], rec["id"])
}

func (s *tcapServer) add(id int, digest, algorithm string, deleted bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records = append(s.records, map[string]any{"id": id, "hash_digest": digest, "algorithm": algorithm, "ideology": "islamist",
		"file_type": "mp4", "deleted": deleted, "updated_on": 1724856487.5 + float64(len(s.records)), "created_on": "2025-03-03 23:05:22,587"})
}

// TestTCAPSubscription keeps a bank current from TCAP's API: pages are read
// after the checkpoint, a deleted record removes its hash, the next poll
// starts from the last checkpoint; a wrong JWT is refused.
func TestTCAPSubscription(t *testing.T) {
	t.Parallel()
	pdq, md5, sha := strings.Repeat("f8", 32), strings.Repeat("ab", 16), hash('e')
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		tc := newTCAPServer(t)
		tc.add(2819, md5, "MD5", false)
		tc.add(2820, pdq, "PDQ", false)
		tc.add(2821, strings.Repeat("1", 128), "SHA512", false)
		n := newNode(t, e, true)
		feedURL := tc.ts.URL + "/hash-list/v2/all"
		if a := n.call(t, "POST", "/v1/subscriptions", n.admin, map[string]any{"feed_url": feedURL, "token": "jwt-wrong", "name": "TCAP", "policy": "review", "format": "tcap"}); a.status != 422 || a.code() != "feed_refused" {
			t.Fatalf("a wrong JWT: want 422 feed_refused, got %d %s", a.status, a.body)
		}
		m := n.call(t, "POST", "/v1/subscriptions", n.admin, map[string]any{"feed_url": feedURL, "token": "jwt-token", "name": "TCAP", "policy": "review", "format": "tcap"}).
			want(t, 201, "subscribe").json(t)
		subID, bankID := str(m["id"]), str(m["bank_id"])
		n.pollNow(t, subID)
		got := n.live(t, bankID)
		if len(got) != 2 || got[pdq] == nil || got[md5] == nil || !strings.Contains(str(got[pdq]["source"]), "tcap pdq islamist") {
			t.Fatalf("after the first poll the bank holds %v", mustJSON(got))
		}
		if st := n.status(t, subID); st["state"] != "ok" || st["skipped"].(float64) != 1 || st["events"].(float64) != 3 {
			t.Fatalf("status after the first poll: %v", st)
		}
		tc.add(2819, md5, "MD5", true)
		tc.add(2822, sha, "SHA256", false)
		n.pollNow(t, subID)
		got = n.live(t, bankID)
		if len(got) != 2 || got[pdq] == nil || got[sha] == nil || got[md5] != nil {
			t.Fatalf("after a deletion and an addition the bank holds %v", keys(got))
		}
		tc.mu.Lock()
		afters := tc.afters
		tc.mu.Unlock()
		// The subscription's check, two pages, then two pages after the checkpoint of the third record.
		if want := "1.7248564895e+09,2821"; !slices.Contains(afters, want) {
			t.Errorf("polls started after %q, want one after %s", afters, want)
		}
	})
}
