package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/lease"
	"github.com/sigap/sigap/internal/store/storetest"
)

// TestMeasureFailover measures, for docs/benchmarks.md, the time from kill -9
// of the escalation lease holder to the next deadline alert a receiver gets,
// with alerts falling due every 100 ms across three replicas. It is a
// measurement, not a pass/fail test: it runs only with SIGAP_MEASURE_FAILOVER=1
// (SIGAP_LEASE_TTL sets the lease, default 5s).
func TestMeasureFailover(t *testing.T) {
	if os.Getenv("SIGAP_MEASURE_FAILOVER") == "" {
		t.Skip("a measurement: set SIGAP_MEASURE_FAILOVER=1")
	}
	onSharedPostgres(t, func(t *testing.T, e storetest.Engine) {
		c := newCluster(t, e.URL, "regimes:\n  ID-PSE:\n    deadlines: {urgent: 4s, standard: 4s}\nescalation:\n  at: [0.5]\n")
		c.reps = append(c.reps, c.start(0), c.start(1), c.start(2))
		c.ready()
		db := storetest.Open(t, e)
		a := c.reps[0].base
		authOrg := c.must(a, "POST", "/v1/orgs", c.admin, map[string]string{"name": "Kominfo", "kind": "authority"}, 201)["id"].(string)
		authKey := c.must(a, "POST", "/v1/orgs/"+authOrg+"/keys", c.admin, map[string]string{"role": "authority"}, 201)["key"].(string)
		var mu sync.Mutex
		arrived := map[string]time.Time{} // notice id → its alert's arrival
		due := map[string]time.Time{}     // notice id → when its alert fell due
		gov := &receiver{ids: map[string]map[string]bool{}}
		gts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			var m struct {
				Type string `json:"type"`
				Data struct {
					NoticeID string `json:"notice_id"`
				} `json:"data"`
			}
			_ = json.Unmarshal(body, &m)
			mu.Lock()
			if _, ok := arrived[m.Data.NoticeID]; !ok && m.Type == "notice.deadline" {
				arrived[m.Data.NoticeID] = time.Now()
			}
			mu.Unlock()
			r.Body = io.NopCloser(bytes.NewReader(body))
			gov.ServeHTTP(w, r)
		}))
		defer gts.Close()
		gov.mu.Lock()
		gov.secret = c.must(a, "PUT", "/v1/webhook", authKey, map[string]string{"url": gts.URL}, 200)["secret"].(string)
		gov.mu.Unlock()

		victim := c.holder(db, lease.Escalate)
		if victim < 0 {
			t.Fatal("no escalation lease holder")
		}
		// A notice every 100 ms through the survivors: an alert falls due every 100 ms, 2 s later.
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-time.After(100 * time.Millisecond):
				}
				base := c.reps[(victim+1+i%2)%3].base
				t0 := time.Now()
				_, n := c.call(base, "POST", "/v1/notices", authKey, map[string]any{"kind": "referral", "regime": "ID-PSE", "category": "terrorism",
					"explanation": "x", "subjects": []map[string]string{{"url": "https://t.me/failover/" + strconv.Itoa(i+1)}}})
				if id, ok := n["id"].(string); ok {
					mu.Lock()
					due[id] = t0.Add(2 * time.Second)
					mu.Unlock()
				}
			}
		}()
		time.Sleep(5 * time.Second) // alerts flowing
		_ = c.reps[victim].cmd.Process.Signal(syscall.SIGKILL)
		_ = c.reps[victim].cmd.Wait()
		c.reps[victim].dead = true
		killed := time.Now()
		time.Sleep(12 * time.Second)
		close(stop)
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		// The alert most late among those due after the kill: the timers' failover.
		var worst time.Duration
		var worstDue time.Time
		lost := 0
		for id, d := range due {
			if d.Before(killed) || d.After(killed.Add(8*time.Second)) {
				continue
			}
			at, ok := arrived[id]
			if !ok {
				lost++
				continue
			}
			if late := at.Sub(d); late > worst {
				worst, worstDue = late, d
			}
		}
		t.Logf("FAILOVER: lease ttl %q: the latest alert due after the kill arrived %s late (due %s after the kill); %d due after the kill never arrived; %d alerts in all",
			os.Getenv("SIGAP_LEASE_TTL"), worst.Round(10*time.Millisecond), worstDue.Sub(killed).Round(10*time.Millisecond), lost, len(arrived))
	})
}
