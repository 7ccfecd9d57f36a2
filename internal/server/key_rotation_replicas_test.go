package server_test

import (
	"encoding/json"
	"os/exec"
	"regexp"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/store/storetest"
)

// TestKeyRotationReachesEveryReplica rotates the receipt and log keys with
// `sigap keys rotate` in one replica's data dir on PostgreSQL: the other
// replica lists the new keys and signs its receipts with the new key within
// seconds, without a restart and without anyone copying files.
func TestKeyRotationReachesEveryReplica(t *testing.T) {
	t.Parallel()
	onSharedPostgres(t, func(t *testing.T, e storetest.Engine) {
		c, a, b, authOrg := replicaPair(t, e) // key_revocation_replicas_test.go
		load := newIntakeLoad(c, c.must(a, "POST", "/v1/orgs/"+authOrg+"/keys", c.admin, map[string]string{"role": "authority"}, 201)["key"].(string))

		keyOf := func(base string) string {
			if st := load.file(base); st != 201 {
				t.Fatalf("notice on %s: %d", base, st)
			}
			load.mu.Lock()
			defer load.mu.Unlock()
			var last string
			for _, rc := range load.acks {
				last = rc.KeyID // every receipt so far is by one key; after the rotation, by the new one
			}
			return last
		}
		oldKey := keyOf(b)

		cmd := exec.Command(c.bin, "keys", "rotate", "--data", c.reps[0].data, "--db", e.URL, "--announce", "0s")
		cmd.Env = append(cmd.Environ(), c.env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("sigap keys rotate: %v\n%s", err, out)
		}
		ids := regexp.MustCompile(`receipt key (\S+) announced`).FindSubmatch(out)
		logIDs := regexp.MustCompile(`log key (\S+) announced`).FindSubmatch(out)
		if ids == nil || logIDs == nil {
			t.Fatalf("sigap keys rotate said:\n%s", out)
		}
		newKey, newLogKey := string(ids[1]), string(logIDs[1])
		if newKey == oldKey {
			t.Fatalf("the rotation made key %s again", newKey)
		}
		start := time.Now()
		// The other replica: the new keys listed, and its receipts signed by the new receipt key.
		c.waitFor(20*time.Second, "the other replica to sign with the rotated receipt key", func() bool {
			load.mu.Lock()
			clear(load.acks)
			load.mu.Unlock()
			return keyOf(b) == newKey
		})
		t.Logf("replica 1 signs receipts with %s (was %s) %s after the rotation in replica 0's data dir", newKey, oldKey, time.Since(start).Round(100*time.Millisecond))
		var logKeys struct {
			Keys []struct {
				KeyID  string `json:"key_id"`
				Status string `json:"status"`
			} `json:"keys"`
		}
		c.waitFor(20*time.Second, "the other replica to list the rotated log key", func() bool {
			kb, _ := json.Marshal(c.must(b, "GET", "/v1/log/keys", "", nil, 200))
			_ = json.Unmarshal(kb, &logKeys)
			for _, k := range logKeys.Keys {
				if k.KeyID == newLogKey && k.Status == "active" {
					return true
				}
			}
			return false
		})
	})
}
