package feed_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// teServer serves /threat_updates in the Graph API's documented shape
// (data, paging.next; an OAuthException of code 190 for a bad token), two
// updates a page, from the updates it holds at the time of each request.
type teServer struct {
	mu      sync.Mutex
	updates []map[string]any
	ts      *httptest.Server
	starts  []string
}

func newTEServer(t *testing.T) *teServer {
	s := &teServer{}
	s.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("access_token") != "555|secret" {
			w.WriteHeader(400)
			_, _ = w.Write([]byte(`{"error":{"message":"Invalid OAuth access token.","type":"OAuthException","code":190}}`))
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.starts = append(s.starts, q.Get("start_time"))
		start, _ := strconv.ParseInt(q.Get("start_time"), 10, 64)
		after, _ := strconv.Atoi(q.Get("after"))
		limit := min(2, max(1, atoi(q.Get("limit"))))
		var page []map[string]any
		i := after
		for ; i < len(s.updates) && len(page) < limit; i++ {
			if u := s.updates[i]; u["last_updated"].(int64) >= start {
				page = append(page, u)
			}
		}
		out := map[string]any{"data": page, "paging": map[string]any{"cursors": map[string]string{"before": "MA==", "after": "MQ=="}}}
		if i < len(s.updates) {
			q.Set("after", strconv.Itoa(i))
			out["paging"].(map[string]any)["next"] = "http://" + r.Host + r.URL.Path + "?" + q.Encode()
		}
		_ = json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(s.ts.Close)
	return s
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

func (s *teServer) add(id, typ, indicator string, at int64, del bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.updates = append(s.updates, map[string]any{"id": id, "indicator": indicator, "type": typ, "creation_time": at,
		"last_updated": at, "should_delete": del, "tags": []string{"terrorism"}, "status": "MALICIOUS"})
}

// TestThreatExchangeSubscription keeps a bank current from a privacy group's
// /threat_updates: hashes of the three kinds a bank holds arrive, others are
// skipped and counted, deletions remove, and the next poll starts from the
// largest last_updated seen; a bad token is refused at subscription.
func TestThreatExchangeSubscription(t *testing.T) {
	t.Parallel()
	te := newTEServer(t)
	pdq := strings.Repeat("f8", 32)
	te.add("1001", "HASH_PDQ", pdq, 1581977111, false)
	te.add("1002", "HASH_MD5", strings.Repeat("ab", 16), 1581977112, false)
	te.add("1003", "URI", "http://example.org/x", 1581977113, false)
	te.add("1004", "HASH_SHA256", hash('e'), 1581977114, false)
	n := sqliteNode(t)
	feedURL := te.ts.URL + "/v18.0/123456789012345/threat_updates"
	if a := n.call(t, "POST", "/v1/subscriptions", n.admin, map[string]any{"feed_url": feedURL, "token": "555|wrong", "name": "TE", "policy": "review", "format": "threatexchange"}); a.status != 422 || a.code() != "feed_refused" {
		t.Fatalf("a bad access token: want 422 feed_refused, got %d %s", a.status, a.body)
	}
	if a := n.call(t, "POST", "/v1/subscriptions", n.admin, map[string]any{"feed_url": feedURL, "token": "555|secret", "name": "TE", "policy": "review", "format": "stix"}); a.status != 422 || a.code() != "unknown_value" {
		t.Fatalf("an unknown format: want 422 unknown_value, got %d %s", a.status, a.body)
	}
	m := n.call(t, "POST", "/v1/subscriptions", n.admin, map[string]any{"feed_url": feedURL, "token": "555|secret", "name": "TE", "policy": "review", "format": "threatexchange"}).
		want(t, 201, "subscribe").json(t)
	subID, bankID := str(m["id"]), str(m["bank_id"])
	n.poll(t)
	got := n.live(t, bankID)
	if len(got) != 3 || got[pdq] == nil || got[hash('e')] == nil || !strings.Contains(str(got[pdq]["source"]), "ThreatExchange HASH_PDQ") {
		t.Fatalf("after the first poll the bank holds %v", mustJSON(got))
	}
	st := n.status(t, subID)
	if st["skipped"].(float64) != 1 || st["events"].(float64) != 1581977114 {
		t.Fatalf("status after the first poll: %v", st)
	}
	// An update of a hash already copied changes nothing; a deletion removes.
	te.add("1001", "HASH_PDQ", pdq, 1581977200, false)
	te.add("1002", "HASH_MD5", strings.Repeat("ab", 16), 1581977201, true)
	n.pollNow(t, subID)
	got = n.live(t, bankID)
	if len(got) != 2 || got[pdq] == nil || got[strings.Repeat("ab", 16)] != nil {
		t.Fatalf("after an update and a deletion the bank holds %v", keys(got))
	}
	te.mu.Lock()
	last := te.starts[len(te.starts)-1]
	te.mu.Unlock()
	if last != "1581977114" {
		t.Fatalf("the second poll started at %s, want the largest last_updated seen before it", last)
	}
	if st := n.status(t, subID); st["state"] != "ok" || st["events"].(float64) != 1581977201 {
		t.Fatalf("status after the second poll: %v", st)
	}
}
