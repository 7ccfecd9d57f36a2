package enforce_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/logtest"
	"github.com/sigap/sigap/internal/proctest"
	"github.com/sigap/sigap/internal/webhook/webhooktest"
)

// countingReceiver is a webhook endpoint that, like a real receiver, dedupes
// by webhook-id: it counts every arrival, and acts on the first one of each id.
type countingReceiver struct {
	mu     sync.Mutex
	secret string
	delay  time.Duration
	hits   map[string]int
	byType map[string]map[string]map[string]any // type → webhook-id → data
	bad    int
}

func (rc *countingReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	time.Sleep(rc.delay) // slow, so that a kill lands while deliveries are in flight
	rc.mu.Lock()
	defer rc.mu.Unlock()
	d, ok := webhooktest.Verified(w, r, rc.secret)
	if !ok {
		rc.bad++
		return
	}
	rc.hits[d.ID]++
	if rc.byType[d.Type] == nil {
		rc.byType[d.Type] = map[string]map[string]any{}
	}
	rc.byType[d.Type][d.ID] = d.Data
	w.WriteHeader(http.StatusNoContent)
}

func (rc *countingReceiver) distinct(typ string) int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.byType[typ])
}

type proc struct {
	cmd  *exec.Cmd
	base string
	log  *logtest.Buffer
}

func startSigap(t *testing.T, bin, data, policy, addr string) *proc {
	t.Helper()
	cmd, log := proctest.Serve(t, bin, addr, []string{"SIGAP_ALLOW_PRIVATE_WEBHOOKS=1", "SIGAP_JOB_LEASE=2s", "SIGAP_DB="},
		"--data", data, "--policy", policy, "--log-level", "warn")
	p := &proc{cmd: cmd, base: "http://" + addr, log: log}
	waitFor(t, 30*time.Second, "sigap to answer /healthz", func() bool { return proctest.OK(p.base + "/healthz") })
	return p
}

// waitFor fails t when ok does not hold within limit.
func waitFor(t *testing.T, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	if _, done := proctest.Wait(limit, ok); !done {
		t.Fatalf("gave up waiting for %s after %s", what, limit)
	}
}

// call sends body as JSON to the API at base with key and decodes the
// answer.
func call(t *testing.T, base, method, path, key string, body any) (int, map[string]any) {
	t.Helper()
	code, raw := proctest.Call(t, method, base+path, key, body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return code, out
}

// TestKillNineWhileSendingAndTimersDue builds the binary, runs `sigap serve`,
// SIGKILLs it while action requests are in flight and escalation timers are
// due, restarts it, and checks from the receiver's side that every action
// arrived under exactly one webhook-id and every missed alert fired.
func TestKillNineWhileSendingAndTimersDue(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	dir := t.TempDir()
	bin := proctest.Build(t)
	policy := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(policy, []byte("regimes:\n  ID-PSE:\n    deadlines: {urgent: 12s, standard: 12s}\nescalation:\n  at: [0.5, 0.8, 1.0]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	plat := &countingReceiver{delay: 150 * time.Millisecond, hits: map[string]int{}, byType: map[string]map[string]map[string]any{}}
	auth := &countingReceiver{hits: map[string]int{}, byType: map[string]map[string]map[string]any{}}
	pts, ats := httptest.NewServer(plat), httptest.NewServer(auth)
	defer pts.Close()
	defer ats.Close()

	addr := proctest.FreeAddr(t)
	p := startSigap(t, bin, data, policy, addr)
	killed := false
	defer func() {
		if !killed {
			_ = p.cmd.Process.Kill()
			_ = p.cmd.Wait()
		}
	}()
	keyBytes, err := os.ReadFile(filepath.Join(data, "admin.key"))
	if err != nil {
		t.Fatal(err)
	}
	admin := strings.TrimSpace(string(keyBytes))
	_, me := call(t, p.base, "GET", "/v1/me", admin, nil)
	platformID := me["org"].(map[string]any)["id"].(string)
	_, authOrg := call(t, p.base, "POST", "/v1/orgs", admin, map[string]string{"name": "Kominfo", "kind": "authority"})
	_, ak := call(t, p.base, "POST", "/v1/orgs/"+authOrg["id"].(string)+"/keys", admin, map[string]string{"role": "authority"})
	authKey := ak["key"].(string)
	var revs []string
	for range 2 {
		_, rk := call(t, p.base, "POST", "/v1/orgs/"+platformID+"/keys", admin, map[string]string{"role": "reviewer"})
		revs = append(revs, rk["key"].(string))
	}
	_, w := call(t, p.base, "PUT", "/v1/webhook", admin, map[string]string{"url": pts.URL})
	plat.mu.Lock()
	plat.secret = w["secret"].(string)
	plat.mu.Unlock()
	_, w = call(t, p.base, "PUT", "/v1/webhook", authKey, map[string]string{"url": ats.URL})
	auth.mu.Lock()
	auth.secret = w["secret"].(string)
	auth.mu.Unlock()

	notice := func(i int) (string, string) {
		st, n := call(t, p.base, "POST", "/v1/notices", authKey, map[string]any{"kind": "referral", "regime": "ID-PSE", "category": "terrorism",
			"explanation": "incites violence", "subjects": []map[string]string{{"url": fmt.Sprintf("https://t.me/kill_chan/%d", i+1)}}})
		if st != 201 {
			t.Fatalf("notice: %d %v", st, n)
		}
		return n["id"].(string), n["subjects"].([]any)[0].(map[string]any)["case_id"].(string)
	}
	// Decided cases: each becomes an action request to the platform.
	const actions = 16
	for i := range actions {
		notice(i)
		_, c := call(t, p.base, "POST", "/v1/queue/claim", revs[0], map[string]any{})
		st, d := call(t, p.base, "POST", "/v1/cases/"+c["id"].(string)+"/decision", revs[0], map[string]any{"action": "remove",
			"ground": map[string]string{"type": "law", "reference": "UU ITE Art. 40(2b)"}, "reasons": "calls for attacks", "territorial_scope": []string{"ID"}})
		if st == 202 {
			st, d = call(t, p.base, "POST", "/v1/decisions/"+d["id"].(string)+"/approve", revs[1], map[string]any{})
		}
		if st != 200 {
			t.Fatalf("decision: %d %v", st, d)
		}
	}
	// Open clocks nobody decides (filed after the decisions, so no claim takes
	// them): their timers fall due while the process is dead.
	const openClocks = 4
	var open []string
	for i := range openClocks {
		nid, _ := notice(1000 + i)
		open = append(open, nid)
	}
	// Kill while deliveries are in flight.
	waitFor(t, 60*time.Second, "the first deliveries", func() bool { return plat.distinct("action.requested") >= 3 })
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = p.cmd.Wait()
	killed = true
	before := plat.distinct("action.requested")
	t.Logf("killed with %d of %d action requests received", before, actions)
	// Stay down until every open clock is past its deadline.
	time.Sleep(13 * time.Second)

	p = startSigap(t, bin, data, policy, addr)
	killed = false
	waitFor(t, 90*time.Second, "every action request", func() bool { return plat.distinct("action.requested") == actions })
	waitFor(t, 90*time.Second, "every missed deadline alert", func() bool { return auth.distinct("notice.deadline") == openClocks*3 })
	var alerts map[string]any
	waitFor(t, 30*time.Second, "the alerts listing", func() bool {
		_, alerts = call(t, p.base, "GET", "/v1/alerts?limit=500", admin, nil)
		items, _ := alerts["items"].([]any)
		return len(items) >= openClocks*3
	})

	plat.mu.Lock()
	defer plat.mu.Unlock()
	seen := map[string]string{}
	redelivered := 0
	for id, data := range plat.byType["action.requested"] {
		aid := data["action_id"].(string)
		if other, dup := seen[aid]; dup {
			t.Errorf("action %s arrived under two webhook-ids: %s and %s", aid, other, id)
		}
		seen[aid] = id
		if plat.hits[id] > 1 {
			redelivered++
		}
	}
	if len(seen) != actions {
		t.Errorf("distinct actions delivered: %d, want %d", len(seen), actions)
	}
	if plat.bad != 0 {
		t.Errorf("%d deliveries failed the signature check", plat.bad)
	}
	fractions := map[string]map[float64]bool{}
	for _, d := range auth.byType["notice.deadline"] {
		n := d["notice_id"].(string)
		if fractions[n] == nil {
			fractions[n] = map[float64]bool{}
		}
		fractions[n][d["fraction"].(float64)] = true
	}
	for _, n := range open {
		for _, f := range []float64{0.5, 0.8, 1.0} {
			if !fractions[n][f] {
				t.Errorf("notice %s: no notice.deadline at %.0f%%", n, f*100)
			}
		}
	}
	t.Logf("after restart: %d distinct action requests (%d also arrived again under the same webhook-id, deduped by the receiver), %d deadline alerts",
		len(seen), redelivered, len(auth.byType["notice.deadline"]))
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	_ = p.cmd.Wait()
	killed = true
}
