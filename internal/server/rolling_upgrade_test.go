package server_test

import (
	"database/sql"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/proctest"
	"github.com/sigap/sigap/internal/store/storetest"
)

// TestRollingUpgrade upgrades a running service the way docs/operations.md
// says: two replicas of the previous release (the commit in
// testdata/rolling_from, built from git) serve under load; a replica of this
// tree starts beside them and migrates the schema while they serve; then the
// old ones are drained (SIGTERM) one by one and replaced by new ones. The old
// replicas must keep taking notices on the new schema, clients must see only
// 201 and 503 (a draining replica), and every 201 must be there afterwards
// with a valid receipt in a log that verifies.
func TestRollingUpgrade(t *testing.T) {
	t.Parallel()
	onSharedPostgres(t, func(t *testing.T, e storetest.Engine) {
		rev, err := os.ReadFile("testdata/rolling_from")
		if err != nil {
			t.Fatal(err)
		}
		old := proctest.BuildIn(t, checkout(t, strings.TrimSpace(string(rev))))
		c := newCluster(t, e.URL, "regimes:\n  ID-PSE:\n    deadlines: {urgent: 1h, standard: 1h}\n")
		newBin := c.bin
		c.bin = old
		c.reps = append(c.reps, c.start(0), c.start(1))
		c.ready()
		oldVersion := schemaVersion(t, e.URL)
		a := c.reps[0].base
		authOrg := c.must(a, "POST", "/v1/orgs", c.admin, map[string]string{"name": "Kominfo", "kind": "authority"}, 201)["id"].(string)
		load := newIntakeLoad(c, c.must(a, "POST", "/v1/orgs/"+authOrg+"/keys", c.admin, map[string]string{"role": "authority"}, 201)["key"].(string))

		// Clients go to the replicas in service: the old pair at first.
		live := make(chan []string, 1)
		live <- []string{c.reps[0].base, c.reps[1].base}
		pick := func(g, n int) string {
			bases := <-live
			live <- bases
			return bases[(g+n)%len(bases)]
		}
		wg := load.run(6, time.Now().Add(14*time.Second), pick)
		time.Sleep(time.Second)

		// A new replica migrates the schema while the old ones serve.
		c.bin = newBin
		c.reps = append(c.reps, c.start(2))
		c.waitReady(c.reps[2], "the new replica, migrated,")
		newVersion := schemaVersion(t, e.URL)
		if newVersion <= oldVersion {
			t.Fatalf("schema version %d after the new replica started, %d before: no migration ran", newVersion, oldVersion)
		}
		for i := range 2 { // the old code on the new schema
			if st := load.file(c.reps[i].base); st != 201 {
				t.Errorf("old replica %d answered %d on schema %d (it knows %d)", i, st, newVersion, oldVersion)
			}
		}
		<-live
		live <- []string{c.reps[0].base, c.reps[1].base, c.reps[2].base}
		time.Sleep(time.Second)

		// Replace the old replicas one at a time: out of the balancer, drained, a new one in its place.
		for i := range 2 {
			bases := <-live
			live <- bases[1:]
			_ = c.reps[i].cmd.Process.Signal(syscall.SIGTERM)
			_ = c.reps[i].cmd.Wait()
			c.reps[i].dead = true
			r := c.start(3 + i)
			c.reps = append(c.reps, r)
			c.waitReady(r, "a new replica")
			bases = <-live
			live <- append(bases, r.base)
			time.Sleep(time.Second)
		}
		wg.Wait()
		answers := load.answers(t, 201, 503)
		t.Logf("schema %d → %d under load; answers %s", oldVersion, newVersion, answers)
		load.verify(t, storetest.Open(t, e), c.reps[2].base, c.reps[3].base, c.reps[4].base)
	})
}

// checkout writes the tree of revision rev of this repository into a
// temporary directory and returns it; the test needs the repository's
// history (a clone, not a bare export of the files).
func checkout(t *testing.T, rev string) string {
	t.Helper()
	dir := t.TempDir()
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Fatalf("git rev-parse: %v (the rolling-upgrade test builds the previous release from this repository's history)", err)
	}
	archive := exec.Command("git", "archive", "--format=tar", rev)
	archive.Dir = strings.TrimSpace(string(top))
	tar := exec.Command("tar", "-x", "-C", dir)
	pipe, err := archive.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	tar.Stdin = pipe
	var stderr strings.Builder
	archive.Stderr = &stderr
	if err := tar.Start(); err != nil {
		t.Fatal(err)
	}
	if err := archive.Run(); err != nil {
		t.Fatalf("git archive %s: %v: %s (the rolling-upgrade test builds the previous release from the repository's history; a shallow clone needs `git fetch --unshallow`)", rev, err, stderr.String())
	}
	if err := tar.Wait(); err != nil {
		t.Fatalf("untar %s: %v", rev, err)
	}
	return dir
}

// schemaVersion is the highest migration applied to the database at url,
// read without opening a store (which would migrate it).
func schemaVersion(t *testing.T, url string) int64 {
	t.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v int64
	if err := db.QueryRowContext(t.Context(), `SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}
