package server_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/store/storetest"
)

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
	a, b := c.reps[0].base, c.reps[1].base
	authOrg := c.must(a, "POST", "/v1/orgs", c.admin, map[string]string{"name": "Kominfo", "kind": "authority"}, 201)["id"].(string)
	load := newIntakeLoad(c, c.must(a, "POST", "/v1/orgs/"+authOrg+"/keys", c.admin, map[string]string{"role": "authority"}, 201)["key"].(string))

	wg := load.run(8, time.Now().Add(9*time.Second), func(g, n int) string { return c.reps[(g+n)%2].base })
	time.Sleep(2 * time.Second)
	before := load.acked()
	if err := pg.Crash(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	if err := pg.Start(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()

	// Both replicas take notices again without being restarted themselves.
	for i, r := range c.reps {
		c.waitFor(30*time.Second, fmt.Sprintf("replica %d to take a notice again", i), func() bool { return load.file(r.base) == 201 })
	}
	answers := load.answers(t, 201, 503)
	if before == 0 || load.acked() <= before || load.statuses[503] == 0 {
		t.Errorf("acknowledged %d before the crash and %d in all (%s): the load did not span the restart", before, load.acked(), answers)
	}
	t.Logf("answers: %s; %d acknowledged, %d of them before the crash", answers, load.acked(), before)
	load.verify(t, storetest.Open(t, storetest.Engine{Name: "postgres", URL: pg.URL}), a, b)
}
