package feed_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/feed"
	"github.com/sigap/sigap/internal/logtest"
	"github.com/sigap/sigap/internal/proctest"
	"github.com/sigap/sigap/internal/store/storetest"
)

// proc is one real `sigap serve` process on loopback.
type proc struct {
	t     *testing.T
	cmd   *exec.Cmd
	base  string
	data  string
	db    string
	admin string
	out   *logtest.Buffer
}

// startProc starts the binary on db ("" for SQLite in its data dir) and
// waits for it to be ready.
func startProc(t *testing.T, bin, db string) *proc {
	t.Helper()
	addr := proctest.FreeAddr(t)
	data := t.TempDir()
	cmd, out := proctest.Serve(t, bin, addr, []string{"SIGAP_ALLOW_PRIVATE_WEBHOOKS=1", "SIGAP_DRAIN_GRACE=0s", "SIGAP_DB=", "SIGAP_KEY_WRAP=", "SIGAP_KEY_WRAP_FILE="},
		"--data", data, "--db", db, "--log-level", "warn")
	p := &proc{t: t, cmd: cmd, base: "http://" + addr, data: data, db: db, out: out}
	p.waitFor(3*time.Minute, "ready", func() bool { return proctest.OK(p.base + "/readyz") })
	b, err := os.ReadFile(filepath.Join(data, "admin.key"))
	if err != nil {
		t.Fatal(err)
	}
	p.admin = strings.TrimSpace(string(b))
	return p
}

func (p *proc) waitFor(limit time.Duration, what string, ok func() bool) time.Duration {
	p.t.Helper()
	took, done := proctest.Wait(limit, ok)
	if !done {
		p.t.Fatalf("%s: gave up waiting for %s after %s; its output:\n%s", p.base, what, limit, p.out.String())
	}
	return took
}

func (p *proc) call(method, path string, body any, want int) map[string]any {
	p.t.Helper()
	code, raw := proctest.Call(p.t, method, p.base+path, p.admin, body)
	if want != 0 && code != want {
		p.t.Fatalf("%s %s on %s: want %d, got %d %s", method, path, p.base, want, code, raw)
	}
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return out
}

// values are the live entries' values of a set (path: /v1/banks/ID or /v1/lists/ID).
func (p *proc) values(path string) map[string]string {
	out := map[string]string{}
	for _, it := range p.call("GET", path+"/entries?limit=500", nil, 200)["items"].([]any) {
		m := it.(map[string]any)
		out[str(m["value"])] = str(m["id"])
	}
	return out
}

// TestProcessesShare runs three `sigap serve` processes on loopback, the
// source on each engine: A shares a bank with B and C, C shares a keyword
// list with A, all polling every second. Entries and removals reach every
// subscriber, feedback from two subscribers comes back to A, and when C
// rewrites the history of its list, A refuses the feed and keeps its copy.
func TestProcessesShare(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the sigap binary")
	}
	t.Parallel()
	bin := proctest.Build(t)
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		a, b, c := startProc(t, bin, e.URL), startProc(t, bin, ""), startProc(t, bin, "")
		h1, h2 := hash('1'), hash('2')
		bankA := str(a.call("POST", "/v1/banks", map[string]any{"name": "terrorism", "policy": "review", "labels": []string{"terrorism"}}, 201)["id"])
		e1 := str(a.call("POST", "/v1/banks/"+bankA+"/entries", map[string]any{"type": "sha256", "value": h1, "source": "GIFCT"}, 201)["id"])
		banks := map[*proc]string{}
		for _, s := range []*proc{b, c} {
			sh := a.call("POST", "/v1/banks/"+bankA+"/shares", map[string]any{"name": "platform " + s.base}, 201)
			banks[s] = str(s.call("POST", "/v1/subscriptions", map[string]any{"feed_url": sh["feed_url"], "token": sh["token"],
				"name": "from A", "policy": "review", "poll_seconds": 1}, 201)["bank_id"])
		}
		listC := str(c.call("POST", "/v1/lists", map[string]any{"name": "slogans", "kind": "keyword", "policy": "shadow"}, 201)["id"])
		c.call("POST", "/v1/lists/"+listC+"/entries", map[string]any{"value": "serbu markas"}, 201)
		shC := c.call("POST", "/v1/lists/"+listC+"/shares", map[string]any{"name": "platform A"}, 201)
		subA := a.call("POST", "/v1/subscriptions", map[string]any{"feed_url": shC["feed_url"], "token": shC["token"],
			"name": "from C", "policy": "shadow", "poll_seconds": 1}, 201)
		listA := str(subA["list_id"])

		for _, s := range []*proc{b, c} {
			s.waitFor(60*time.Second, "the entry shared before subscribing", func() bool { return s.values("/v1/banks/" + banks[s])[h1] != "" })
		}
		a.waitFor(60*time.Second, "C's keyword at A", func() bool { return a.values("/v1/lists/" + listA)["serbu markas"] != "" })
		a.call("POST", "/v1/banks/"+bankA+"/entries", map[string]any{"type": "sha256", "value": h2}, 201)
		a.call("DELETE", "/v1/banks/"+bankA+"/entries/"+e1, nil, 200)
		for _, s := range []*proc{b, c} {
			took := s.waitFor(60*time.Second, "the addition and the removal", func() bool {
				v := s.values("/v1/banks/" + banks[s])
				return v[h2] != "" && v[h1] == ""
			})
			t.Logf("%s: an addition and a removal at A arrived within %v (poll_seconds 1)", e.Name, took.Round(100*time.Millisecond))
			hits := s.call("POST", "/v1/scan", map[string]any{"channel": "exchangechan", "message_id": "1", "media": []map[string]any{{"sha256": h2}}}, 200)
			if j, _ := json.Marshal(hits); !strings.Contains(string(j), h2[:16]) {
				t.Fatalf("%s does not catch the shared hash: %s", s.base, j)
			}
			s.call("POST", "/v1/banks/"+banks[s]+"/entries/"+s.values("/v1/banks/" + banks[s])[h2]+"/feedback", map[string]any{"verdict": "false_positive"}, 201)
		}
		e2 := a.values("/v1/banks/" + bankA)[h2]
		a.waitFor(60*time.Second, "both subscribers' feedback", func() bool {
			return len(a.call("GET", "/v1/banks/"+bankA+"/entries/"+e2+"/feedback", nil, 200)["items"].([]any)) == 2
		})

		// C rewrites its list's history in its database, re-chained so that
		// its own signature covers the new one: A refuses it.
		rewriteHistory(t, filepath.Join(c.data, "sigap.db"))
		c.call("POST", "/v1/lists/"+listC+"/entries", map[string]any{"value": "rakit bom"}, 201)
		subID := str(subA["id"])
		a.waitFor(60*time.Second, "the rewritten feed refused", func() bool {
			st := a.call("GET", "/v1/subscriptions/"+subID, nil, 200)["status"].(map[string]any)
			return st["state"] == "tampered"
		})
		if v := a.values("/v1/lists/" + listA); len(v) != 1 || v["serbu markas"] == "" {
			t.Fatalf("A's copy changed with a rewritten feed: %v", v)
		}
	})
}

// rewriteHistory changes the first event of every feed in a SQLite
// database and re-chains the feed, as a source rewriting what it shared would.
func rewriteHistory(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := t.Context()
	rows, err := db.QueryContext(ctx, `SELECT set_id, seq, op, entry_id, type, value, source, at FROM feed_events ORDER BY set_id, seq`)
	if err != nil {
		t.Fatal(err)
	}
	bySet := map[string][]feed.Event{}
	for rows.Next() {
		var set string
		var e feed.Event
		var at int64
		if err := rows.Scan(&set, &e.Seq, &e.Op, &e.ID, &e.Type, &e.Value, &e.Source, &at); err != nil {
			t.Fatal(err)
		}
		e.At = time.UnixMilli(at)
		bySet[set] = append(bySet[set], e)
	}
	rows.Close()
	for set, evs := range bySet {
		evs[0].Value = "ganti sejarah"
		heads := feed.Chain(evs)
		for i, e := range evs {
			if _, err := db.ExecContext(ctx, `UPDATE feed_events SET value = ?, head = ? WHERE set_id = ? AND seq = ?`, e.Value, heads[i], set, e.Seq); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.ExecContext(ctx, `UPDATE feed_logs SET head = ? WHERE set_id = ?`, heads[len(heads)-1], set); err != nil {
			t.Fatal(err)
		}
	}
	if len(bySet) == 0 {
		t.Fatal(fmt.Errorf("no feed to rewrite in %s", path))
	}
}
