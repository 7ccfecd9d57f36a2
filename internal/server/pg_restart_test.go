package server_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/receipt"
	"github.com/sigap/sigap/internal/store/storetest"
)

// newCluster builds the binary and returns a cluster of replicas (none
// started yet) on dbURL under the given policy file contents.
func newCluster(t *testing.T, dbURL, policy string, env ...string) *cluster {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "sigap")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/sigap/sigap/cmd/sigap").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	pol := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(pol, []byte(policy), 0o600); err != nil {
		t.Fatal(err)
	}
	wrap := make([]byte, 32)
	_, _ = rand.Read(wrap)
	env = append([]string{"SIGAP_ALLOW_PRIVATE_WEBHOOKS=1", "SIGAP_DRAIN_GRACE=0s", "SIGAP_DB=", "SIGAP_KEY_WRAP_FILE=",
		"SIGAP_KEY_WRAP=" + base64.StdEncoding.EncodeToString(wrap)}, env...)
	return &cluster{t: t, bin: bin, db: dbURL, pol: pol, client: &http.Client{Timeout: 10 * time.Second}, env: env}
}

// TestPostgresRestartUnderLoad crashes the PostgreSQL server under two
// replicas while clients file notices through both, and starts it again.
// While it is down the replicas answer 503 (never a 500, never a hang), they
// reconnect on their own, and every notice they acknowledged with a 201 is
// there afterwards with a receipt that verifies, in a log that verifies.
func TestPostgresRestartUnderLoad(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and runs the binary and a PostgreSQL server; skipped with -short")
	}
	pg := storetest.StartLocal(t)
	c := newCluster(t, pg.URL, "regimes:\n  ID-PSE:\n    deadlines: {urgent: 1h, standard: 1h}\n")
	c.reps = append(c.reps, c.start(0), c.start(1))
	c.ready()
	a := c.reps[0].base
	authOrg := c.must(a, "POST", "/v1/orgs", c.admin, map[string]string{"name": "Kominfo", "kind": "authority"}, 201)["id"].(string)
	authKey := c.must(a, "POST", "/v1/orgs/"+authOrg+"/keys", c.admin, map[string]string{"role": "authority"}, 201)["key"].(string)

	var mu sync.Mutex
	acks := map[string]receipt.Receipt{}
	statuses := map[int]int{}
	var seq atomic.Int64
	file := func(base, tag string) int {
		st, n := c.call(base, "POST", "/v1/notices", authKey, map[string]any{"kind": "referral", "regime": "ID-PSE", "category": "terrorism",
			"explanation": "incites violence", "subjects": []map[string]string{{"url": "https://t.me/pgrestart_" + tag + "/" + strconv.Itoa(int(seq.Add(1)))}}})
		mu.Lock()
		defer mu.Unlock()
		statuses[st]++
		if st == 201 {
			var rc receipt.Receipt
			rb, _ := json.Marshal(n["receipt"])
			_ = json.Unmarshal(rb, &rc)
			acks[n["id"].(string)] = rc
		}
		return st
	}
	stop := time.Now().Add(9 * time.Second)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; time.Now().Before(stop); n++ {
				if file(c.reps[(g+n)%2].base, fmt.Sprintf("g%d", g)) != 201 {
					time.Sleep(50 * time.Millisecond) // a client backing off
				}
			}
		}()
	}
	time.Sleep(2 * time.Second)
	mu.Lock()
	before := len(acks)
	mu.Unlock()
	if err := pg.Crash(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	if err := pg.Start(); err != nil {
		t.Fatal(err)
	}
	restarted := time.Now()
	wg.Wait()

	// Both replicas take notices again without being restarted themselves.
	for i, r := range c.reps {
		c.waitFor(30*time.Second, fmt.Sprintf("replica %d to take a notice again", i), func() bool {
			return file(r.base, fmt.Sprintf("after%d", i)) == 201
		})
	}
	mu.Lock()
	var codes []string
	for st, n := range statuses {
		codes = append(codes, fmt.Sprintf("%d×%d", st, n))
		if st != 201 && st != 503 {
			t.Errorf("%d requests answered %d while PostgreSQL restarted; want only 201 and 503", n, st)
		}
	}
	sort.Strings(codes)
	if before == 0 || statuses[503] == 0 || len(acks) <= before {
		t.Errorf("acknowledged %d before the crash and %d in all, %d 503s: the load did not span the restart", before, len(acks), statuses[503])
	}
	mu.Unlock()
	t.Logf("answers: %s; %d acknowledged (%d before the crash); back %s after the restart",
		strings.Join(codes, " "), len(acks), before, time.Since(restarted).Round(100*time.Millisecond))

	// Nothing acknowledged is lost.
	var pubs struct {
		Keys []receipt.PublicKey `json:"keys"`
	}
	kb, _ := json.Marshal(c.must(a, "GET", "/v1/keys", "", nil, 200))
	_ = json.Unmarshal(kb, &pubs)
	missing, bad := 0, 0
	for id, rc := range acks {
		if st, _ := c.call(c.reps[len(id)%2].base, "GET", "/v1/notices/"+id, authKey, nil); st != 200 {
			missing++
		}
		if _, err := receipt.Verify(rc, pubs.Keys); err != nil {
			bad++
		}
	}
	if missing > 0 || bad > 0 {
		t.Errorf("%d notices acknowledged: %d missing after the restart, %d receipts that do not verify", len(acks), missing, bad)
	}
	db := storetest.Open(t, storetest.Engine{Name: "postgres", URL: pg.URL})
	c.waitFor(30*time.Second, "a checkpoint covering every notice", func() bool {
		size, _, err := db.LogState(context.Background())
		cp, cerr := db.LatestCheckpoint(context.Background())
		return err == nil && cerr == nil && cp.Size == size
	})
	if out, err := exec.Command(c.bin, "log", "verify", "--server", a).CombinedOutput(); err != nil {
		t.Errorf("sigap log verify: %v\n%s", err, out)
	}
}
