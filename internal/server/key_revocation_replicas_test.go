package server_test

import (
	"testing"
	"time"

	"github.com/sigap/sigap/internal/store/storetest"
)

// replicaPair starts two replicas on the engine's PostgreSQL database (see
// onSharedPostgres) with an authority org. The key tests share it: what one
// replica changes about keys, the other must see.
func replicaPair(t *testing.T, e storetest.Engine) (c *cluster, a, b, authOrg string) {
	t.Helper()
	c = newCluster(t, e.URL, "regimes:\n  ID-PSE:\n    deadlines: {urgent: 1h, standard: 1h}\n")
	c.reps = append(c.reps, c.start(0), c.start(1))
	c.ready()
	a, b = c.reps[0].base, c.reps[1].base
	authOrg = c.must(a, "POST", "/v1/orgs", c.admin, map[string]string{"name": "Kominfo", "kind": "authority"}, 201)["id"].(string)
	return c, a, b, authOrg
}

// TestKeyRevocationReachesEveryReplica revokes an API key through one of two
// replicas on PostgreSQL, both of which have just taken the key (so both hold
// it in their key caches): the revoking replica refuses it at once, the other
// within the contract's second.
func TestKeyRevocationReachesEveryReplica(t *testing.T) {
	t.Parallel()
	onSharedPostgres(t, func(t *testing.T, e storetest.Engine) {
		c, a, b, authOrg := replicaPair(t, e)
		made := c.must(b, "POST", "/v1/orgs/"+authOrg+"/keys", c.admin, map[string]string{"role": "authority"}, 201)
		key, keyID := made["key"].(string), made["id"].(string)

		revoked := func(base string) bool {
			st, out := c.call(base, "GET", "/v1/notices", key, nil)
			return st == 401 && out["code"] == "key_revoked"
		}
		for _, base := range []string{a, b} { // made on b, taken at once on a too; now in both caches
			c.must(base, "GET", "/v1/notices", key, nil, 200)
		}
		c.must(a, "DELETE", "/v1/orgs/"+authOrg+"/keys/"+keyID, c.admin, nil, 204)
		start := time.Now()
		if !revoked(a) {
			t.Error("the replica that revoked the key still takes it")
		}
		c.waitFor(time.Second, "the other replica to refuse the revoked key", func() bool { return revoked(b) })
		t.Logf("the other replica refused the key %s after the revocation", time.Since(start).Round(10*time.Millisecond))
	})
}
