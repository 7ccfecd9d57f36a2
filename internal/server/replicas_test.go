package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/lease"
	"github.com/sigap/sigap/internal/logtest"
	"github.com/sigap/sigap/internal/proctest"
	"github.com/sigap/sigap/internal/receipt"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
	"github.com/sigap/sigap/internal/webhook/webhooktest"
)

// receiver is a loopback webhook endpoint that counts, per event, the
// distinct webhook-ids it arrived under (a real receiver dedupes by id, so a
// second id is a second alert).
type receiver struct {
	mu     sync.Mutex
	secret string
	ids    map[string]map[string]bool // event key → webhook-ids
	bad    int
}

// eventKey names the event a delivery is about: a deadline alert by notice
// and fraction, an action request by action.
func eventKey(typ string, data map[string]any) string {
	switch typ {
	case "notice.deadline":
		return fmt.Sprintf("deadline %v@%v", data["notice_id"], data["fraction"])
	case "action.requested":
		return fmt.Sprintf("action %v", data["action_id"])
	}
	return ""
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	d, ok := webhooktest.Verified(w, r, rc.secret)
	if !ok {
		rc.bad++
		return
	}
	if k := eventKey(d.Type, d.Data); k != "" {
		if rc.ids[k] == nil {
			rc.ids[k] = map[string]bool{}
		}
		rc.ids[k][d.ID] = true
	}
	w.WriteHeader(http.StatusNoContent)
}

// actions returns how many action requests arrived, and how many under more than one webhook-id.
func (rc *receiver) actions() (arrived, doubled int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for k, ids := range rc.ids {
		if strings.HasPrefix(k, "action ") {
			arrived++
			if len(ids) > 1 {
				doubled++
			}
		}
	}
	return arrived, doubled
}

// count returns how many of keys arrived, and how many under more than one webhook-id.
func (rc *receiver) count(keys []string) (arrived, doubled int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, k := range keys {
		switch n := len(rc.ids[k]); {
		case n == 1:
			arrived++
		case n > 1:
			arrived++
			doubled++
		}
	}
	return arrived, doubled
}

// replica is one `sigap serve` process of the cluster under test.
type replica struct {
	cmd  *exec.Cmd
	base string
	data string
	out  *logtest.Buffer
	dead bool
}

func (r *replica) stop() {
	if !r.dead {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
		r.dead = true
	}
}

type cluster struct {
	t            *testing.T
	bin, db, pol string
	env          []string
	reps         []*replica
	admin        string
	client       *http.Client
}

func (c *cluster) start(i int) *replica {
	c.t.Helper()
	addr := proctest.FreeAddr(c.t)
	data := filepath.Join(c.t.TempDir(), fmt.Sprintf("replica%d", i))
	cmd, out := proctest.Serve(c.t, c.bin, addr, c.env, "--data", data, "--db", c.db, "--policy", c.pol, "--log-level", "warn")
	return &replica{cmd: cmd, base: "http://" + addr, data: data, out: out}
}

// ready waits for every replica's /readyz and checks that exactly one, the
// one that created the database, wrote admin.key.
func (c *cluster) ready() {
	c.t.Helper()
	for i, r := range c.reps {
		c.waitReady(r, "replica "+strconv.Itoa(i))
	}
	var keys []string
	for _, r := range c.reps {
		if b, err := os.ReadFile(filepath.Join(r.data, "admin.key")); err == nil {
			keys = append(keys, strings.TrimSpace(string(b)))
		}
	}
	if len(keys) != 1 {
		c.t.Fatalf("%d replicas wrote admin.key, want exactly the one that created the database", len(keys))
	}
	c.admin = keys[0]
}

// waitReady waits up to a minute for r's /readyz to answer 200.
func (c *cluster) waitReady(r *replica, what string) {
	c.t.Helper()
	c.waitFor(60*time.Second, what+" ready", func() bool { return proctest.OK(r.base + "/readyz") })
}

func (c *cluster) waitFor(limit time.Duration, what string, ok func() bool) {
	c.t.Helper()
	if _, done := proctest.Wait(limit, ok); !done {
		for i, r := range c.reps {
			c.t.Logf("replica %d output:\n%s", i, r.out.String())
		}
		c.t.Fatalf("gave up waiting for %s after %s", what, limit)
	}
}

func (c *cluster) call(base, method, path, key string, body any) (int, map[string]any) {
	return c.callIdem(base, method, path, key, "", body)
}

// callIdem is call with an Idempotency-Key (none when idem is empty). With
// one, net/http sends a POST again on a fresh connection when the server
// closed the reused one before answering, as a draining replica does to its
// idle connections: what a client that follows the contract sees.
func (c *cluster) callIdem(base, method, path, key, idem string, body any) (int, map[string]any) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, base+path, rd)
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	if idem != "" {
		req.Header.Set("Idempotency-Key", idem)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		c.t.Logf("%s %s%s: no answer: %v", method, base, path, err) // the status 0 an answers check reports
		return 0, nil
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func (c *cluster) must(base, method, path, key string, body any, want int) map[string]any {
	c.t.Helper()
	st, out := c.call(base, method, path, key, body)
	if st != want {
		c.t.Fatalf("%s %s on %s: %d %v, want %d", method, path, base, st, out, want)
	}
	return out
}

// holder returns the index of the live replica holding the named lease, -1 if none.
func (c *cluster) holder(db *store.DB, name string) int {
	l, err := db.Lease(context.Background(), name)
	if err != nil || !l.ExpiresAt.After(time.Now()) {
		return -1
	}
	for i, r := range c.reps {
		if !r.dead && strings.Contains(l.Holder, "/"+strconv.Itoa(r.cmd.Process.Pid)+"/") {
			return i
		}
	}
	return -1
}

// TestThreeReplicasOneService runs three replicas of the real binary on one
// PostgreSQL database with clients spread over them, kills the holder of the
// escalation and log leases with SIGKILL during a burst, then pauses the next
// holder with SIGSTOP until its leases are taken over and wakes it. Every
// acknowledged notice must be there with a valid receipt, `sigap log verify`
// must pass, and every deadline alert and action request must reach the
// receiver under one webhook-id, the dead replica's timers fired by another.
func TestThreeReplicasOneService(t *testing.T) {
	t.Parallel()
	onSharedPostgres(t, func(t *testing.T, e storetest.Engine) {
		c := newCluster(t, e.URL, "regimes:\n  ID-PSE:\n    deadlines: {urgent: 10s, standard: 10s}\nescalation:\n  at: [0.5, 1.0]\n",
			"SIGAP_JOB_LEASE=2s", "SIGAP_LEASE_TTL=2s")
		bin := c.bin
		// All three at once on the fresh database: one migrates and makes the admin key.
		c.reps = append(c.reps, c.start(0), c.start(1), c.start(2))
		c.ready()
		db := storetest.Open(t, e)

		// One service: one receipt key and one log key, whichever replica answers.
		var keys0, logKey0 string
		for i, r := range c.reps {
			k := fmt.Sprint(c.must(r.base, "GET", "/v1/keys", "", nil, 200)["keys"])
			resp, err := c.client.Get(r.base + "/v1/log/key")
			if err != nil {
				t.Fatal(err)
			}
			lk, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if i == 0 {
				keys0, logKey0 = k, string(lk)
			} else if k != keys0 || string(lk) != logKey0 {
				t.Fatalf("replica %d publishes other keys: %s %s, want %s %s", i, k, lk, keys0, logKey0)
			}
		}
		if sk, err := db.ServiceKey(t.Context(), "receipt-signing.key"); err != nil || !sk.Sealed {
			t.Errorf("the database's receipt key: sealed %v, %v; want sealed", sk.Sealed, err)
		}

		// Set up through different replicas.
		a, b, d := c.reps[0].base, c.reps[1].base, c.reps[2].base
		platformID := c.must(a, "GET", "/v1/me", c.admin, nil, 200)["org"].(map[string]any)["id"].(string)
		authOrg := c.must(b, "POST", "/v1/orgs", c.admin, map[string]string{"name": "Kominfo", "kind": "authority"}, 201)["id"].(string)
		authKey := c.must(d, "POST", "/v1/orgs/"+authOrg+"/keys", c.admin, map[string]string{"role": "authority"}, 201)["key"].(string)
		var revs []string
		for _, base := range []string{a, b} {
			revs = append(revs, c.must(base, "POST", "/v1/orgs/"+platformID+"/keys", c.admin, map[string]string{"role": "reviewer"}, 201)["key"].(string))
		}
		plat := &receiver{ids: map[string]map[string]bool{}}
		gov := &receiver{ids: map[string]map[string]bool{}}
		pts, gts := httptest.NewServer(plat), httptest.NewServer(gov)
		defer pts.Close()
		defer gts.Close()
		plat.mu.Lock()
		plat.secret = c.must(b, "PUT", "/v1/webhook", c.admin, map[string]string{"url": pts.URL}, 200)["secret"].(string)
		plat.mu.Unlock()
		gov.mu.Lock()
		gov.secret = c.must(d, "PUT", "/v1/webhook", authKey, map[string]string{"url": gts.URL}, 200)["secret"].(string)
		gov.mu.Unlock()

		var mu sync.Mutex
		acks := map[string]receipt.Receipt{}
		var alertKeys []string
		const actions = 6
		notice := func(base string, tag string) (string, int) {
			st, n := c.call(base, "POST", "/v1/notices", authKey, map[string]any{"kind": "referral", "regime": "ID-PSE", "category": "terrorism",
				"explanation": "incites violence", "subjects": []map[string]string{{"url": "https://t.me/replicas_" + tag + "/1"}}})
			if st != 201 {
				return "", st
			}
			var rc receipt.Receipt
			rb, _ := json.Marshal(n["receipt"])
			_ = json.Unmarshal(rb, &rc)
			id := n["id"].(string)
			mu.Lock()
			acks[id] = rc
			mu.Unlock()
			return id, st
		}
		// Decided cases become action requests, each through another replica.
		for i := range actions {
			base := c.reps[i%3].base
			if _, st := notice(base, "decided"+strconv.Itoa(i)); st != 201 {
				t.Fatalf("notice: %d", st)
			}
			cs := c.must(base, "POST", "/v1/queue/claim", revs[0], map[string]any{}, 200)
			st, dec := c.call(base, "POST", "/v1/cases/"+cs["id"].(string)+"/decision", revs[0], map[string]any{"action": "remove",
				"ground": map[string]string{"type": "law", "reference": "UU ITE Art. 40(2b)"}, "reasons": "calls for attacks", "territorial_scope": []string{"ID"}})
			if st == 202 {
				st, dec = c.call(c.reps[(i+1)%3].base, "POST", "/v1/decisions/"+dec["id"].(string)+"/approve", revs[1], map[string]any{})
			}
			if st != 200 {
				t.Fatalf("decision: %d %v", st, dec)
			}
		}
		// Open clocks on every replica, before the kill: their alerts fall due after it.
		clocked := func(tag string, n int) {
			for i := range n {
				id, st := notice(c.reps[i%3].base, tag+strconv.Itoa(i))
				if st == 0 {
					id, st = notice(c.reps[(i+1)%3].base, tag+strconv.Itoa(i))
				}
				if st != 201 {
					t.Fatalf("clocked notice: %d", st)
				}
				alertKeys = append(alertKeys, "deadline "+id+"@0.5", "deadline "+id+"@1")
			}
		}
		clocked("clock", 6)

		// The burst; the holder of the escalation lease dies in the middle of it.
		var victim int
		c.waitFor(10*time.Second, "an escalation lease holder", func() bool { victim = c.holder(db, lease.Escalate); return victim >= 0 })
		stop := time.Now().Add(3 * time.Second)
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := 0; time.Now().Before(stop); n++ {
					notice(c.reps[(g+n)%3].base, fmt.Sprintf("burst%d_%d", g, n))
				}
			}()
		}
		time.Sleep(time.Second)
		_ = c.reps[victim].cmd.Process.Signal(syscall.SIGKILL)
		_ = c.reps[victim].cmd.Wait()
		c.reps[victim].dead = true
		killedAt := time.Now()
		wg.Wait()
		var next int
		c.waitFor(15*time.Second, "another replica to take the timers over", func() bool { next = c.holder(db, lease.Escalate); return next >= 0 })
		t.Logf("killed replica %d (escalation holder) mid-burst; replica %d took the timers over %s later", victim, next, time.Since(killedAt).Round(100*time.Millisecond))
		var live []*replica
		for _, r := range c.reps {
			if !r.dead {
				live = append(live, r)
			}
		}

		// Two believe they lead: the new holder stops (SIGSTOP) past its lease,
		// the last replica takes over, clocks fall due, and the sleeper wakes.
		clocked("paused", 3)
		_ = c.reps[next].cmd.Process.Signal(syscall.SIGSTOP)
		c.waitFor(15*time.Second, "the last replica to take the leases from the stopped one", func() bool {
			h := c.holder(db, lease.Escalate)
			return h >= 0 && h != next
		})
		time.Sleep(3 * time.Second)
		_ = c.reps[next].cmd.Process.Signal(syscall.SIGCONT)

		// Everything acknowledged is there with a valid receipt.
		var pubs struct {
			Keys []receipt.PublicKey `json:"keys"`
		}
		kb, _ := json.Marshal(c.must(live[0].base, "GET", "/v1/keys", "", nil, 200))
		_ = json.Unmarshal(kb, &pubs)
		missing, bad, i := 0, 0, 0
		for id, rc := range acks {
			if st, _ := c.call(live[i%len(live)].base, "GET", "/v1/notices/"+id, authKey, nil); st != 200 {
				missing++
			}
			if _, err := receipt.Verify(rc, pubs.Keys); err != nil {
				bad++
			}
			i++
		}
		if len(acks) < 50 || missing > 0 || bad > 0 {
			t.Errorf("%d notices acknowledged: %d missing, %d receipts that do not verify", len(acks), missing, bad)
		}

		// Every alert and action request once per webhook-id, the dead replica's too.
		c.waitFor(40*time.Second, "every deadline alert and action request", func() bool {
			na, _ := gov.count(alertKeys)
			nr, _ := plat.actions()
			return na == len(alertKeys) && nr == actions
		})
		time.Sleep(2 * time.Second) // room for a doubled alert to arrive
		if _, dbl := gov.count(alertKeys); dbl > 0 {
			t.Errorf("%d deadline alerts arrived under more than one webhook-id", dbl)
		}
		if _, dbl := plat.actions(); dbl > 0 {
			t.Errorf("%d action requests arrived under more than one webhook-id", dbl)
		}
		if gov.bad+plat.bad > 0 {
			t.Errorf("%d deliveries failed the signature check", gov.bad+plat.bad)
		}

		// One log, which verifies, covering every acknowledged notice.
		c.waitFor(20*time.Second, "a checkpoint covering the burst", func() bool {
			size, _, err := db.LogState(t.Context())
			cp, cerr := db.LatestCheckpoint(t.Context())
			return err == nil && cerr == nil && cp.Size == size
		})
		out, err := exec.Command(bin, "log", "verify", "--server", live[0].base).CombinedOutput()
		if err != nil {
			t.Errorf("sigap log verify: %v\n%s", err, out)
		}
		t.Logf("%d notices acknowledged over 3 replicas; %d deadline alerts and %d action requests, each under one webhook-id; log verify: %s",
			len(acks), len(alertKeys), actions, strings.TrimSpace(string(out)))
	})
}
