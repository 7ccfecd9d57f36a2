package server_test

import (
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

	"github.com/sigap/sigap/internal/proctest"
	"github.com/sigap/sigap/internal/receipt"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

// newCluster builds the binary and returns a cluster of replicas (none
// started yet) on dbURL under the given policy file contents.
func newCluster(t *testing.T, dbURL, policy string, env ...string) *cluster {
	t.Helper()
	pol := filepath.Join(t.TempDir(), "policy.yaml")
	if err := os.WriteFile(pol, []byte(policy), 0o600); err != nil {
		t.Fatal(err)
	}
	wrap := make([]byte, 32)
	_, _ = rand.Read(wrap)
	env = append([]string{"SIGAP_ALLOW_PRIVATE_WEBHOOKS=1", "SIGAP_DRAIN_GRACE=0s", "SIGAP_DB=", "SIGAP_KEY_WRAP_FILE=",
		"SIGAP_KEY_WRAP=" + base64.StdEncoding.EncodeToString(wrap)}, env...)
	return &cluster{t: t, bin: proctest.Build(t), db: dbURL, pol: pol, client: &http.Client{Timeout: 10 * time.Second}, env: env}
}

// onSharedPostgres runs body on storetest.Each's PostgreSQL engine only, as
// replicas share one database; it skips under -short, as replicas run the
// binary, which the test builds.
func onSharedPostgres(t *testing.T, body func(t *testing.T, e storetest.Engine)) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		if e.URL == "" {
			t.Skip("replicas share a PostgreSQL database")
		}
		body(t, e)
	})
}

// intakeLoad files notices from many clients and keeps what came back: the
// receipt of every 201 and a count of every status.
type intakeLoad struct {
	c        *cluster
	key      string
	seq      atomic.Int64
	mu       sync.Mutex
	acks     map[string]receipt.Receipt
	statuses map[int]int
}

func newIntakeLoad(c *cluster, authorityKey string) *intakeLoad {
	return &intakeLoad{c: c, key: authorityKey, acks: map[string]receipt.Receipt{}, statuses: map[int]int{}}
}

// file sends one notice to base and returns the status.
func (l *intakeLoad) file(base string) int {
	st, out := l.send(base, l.seq.Add(1))
	return l.record(st, out)
}

// send sends notice n to base with its own Idempotency-Key, as the contract
// advises, so that sending it again can never store it twice.
func (l *intakeLoad) send(base string, n int64) (int, map[string]any) {
	return l.c.callIdem(base, "POST", "/v1/notices", l.key, "cluster-load-"+strconv.FormatInt(n, 10), map[string]any{
		"kind": "referral", "regime": "ID-PSE", "category": "terrorism", "explanation": "incites violence",
		"subjects": []map[string]string{{"url": "https://t.me/cluster_load/" + strconv.FormatInt(n, 10)}}})
}

// record counts a request's final status and keeps the receipt of a 201.
func (l *intakeLoad) record(st int, out map[string]any) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.statuses[st]++
	if st == 201 {
		var rc receipt.Receipt
		rb, _ := json.Marshal(out["receipt"])
		_ = json.Unmarshal(rb, &rc)
		l.acks[out["id"].(string)] = rc
	}
	return st
}

// run starts clients that file notices until stop, each sending to the base
// pick names; a client backs off a little after an answer other than 201.
// A request that got no answer at all (its connection closed under it by a
// replica leaving the balancer) is sent again, with the same
// Idempotency-Key, to the replica the balancer picks next, up to three
// times, as a client following the contract does; only its last outcome
// counts.
func (l *intakeLoad) run(clients int, stop time.Time, pick func(client, n int) string) *sync.WaitGroup {
	var wg sync.WaitGroup
	for g := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(stop); i++ {
				n := l.seq.Add(1)
				st, out := l.send(pick(g, i), n)
				for try := 1; st == 0 && try <= 3; try++ {
					time.Sleep(50 * time.Millisecond)
					st, out = l.send(pick(g, i+try), n)
				}
				if l.record(st, out) != 201 {
					time.Sleep(50 * time.Millisecond)
				}
			}
		}()
	}
	return &wg
}

func (l *intakeLoad) acked() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.acks)
}

// answers fails the test on any status outside allowed and returns the
// counts, e.g. "201×2353 503×342".
func (l *intakeLoad) answers(t *testing.T, allowed ...int) string {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var codes []string
	for st, n := range l.statuses {
		codes = append(codes, fmt.Sprintf("%d×%d", st, n))
		ok := false
		for _, a := range allowed {
			ok = ok || st == a
		}
		if !ok {
			t.Errorf("%d requests answered %d; want only %v", n, st, allowed)
		}
	}
	sort.Strings(codes)
	return strings.Join(codes, " ")
}

// verify checks that every acknowledged notice is there (asked of the
// bases in turn) with a receipt that verifies, that a checkpoint comes to
// cover the whole log, and that `sigap log verify` passes.
func (l *intakeLoad) verify(t *testing.T, db *store.DB, bases ...string) {
	t.Helper()
	var pubs struct {
		Keys []receipt.PublicKey `json:"keys"`
	}
	kb, _ := json.Marshal(l.c.must(bases[0], "GET", "/v1/keys", "", nil, 200))
	_ = json.Unmarshal(kb, &pubs)
	missing, bad, i := 0, 0, 0
	l.mu.Lock()
	for id, rc := range l.acks {
		if st, _ := l.c.call(bases[i%len(bases)], "GET", "/v1/notices/"+id, l.key, nil); st != 200 {
			missing++
		}
		if _, err := receipt.Verify(rc, pubs.Keys); err != nil {
			bad++
		}
		i++
	}
	n := len(l.acks)
	l.mu.Unlock()
	if missing > 0 || bad > 0 {
		t.Errorf("%d notices acknowledged: %d missing, %d receipts that do not verify", n, missing, bad)
	}
	l.c.waitFor(30*time.Second, "a checkpoint covering every notice", func() bool {
		size, _, err := db.LogState(t.Context())
		cp, cerr := db.LatestCheckpoint(t.Context())
		return err == nil && cerr == nil && cp.Size == size
	})
	if out, err := exec.Command(l.c.bin, "log", "verify", "--server", bases[0]).CombinedOutput(); err != nil {
		t.Errorf("sigap log verify: %v\n%s", err, out)
	}
}
