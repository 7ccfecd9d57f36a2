package cli

import (
	"net/http/httptest"
	"regexp"
	"strconv"
	"testing"
)

// TestBenchServersCheck runs intake against two running "replicas", the
// second of which is dead from the start: the clients move to the live one,
// and --check finds every acknowledged notice with a valid receipt; a
// service that lost one would fail the check.
func TestBenchServersCheck(t *testing.T) {
	t.Parallel()
	url, key := testServer(t)
	dead := httptest.NewServer(nil)
	dead.Close()

	stdout, stderr, code := run(t, "bench", "intake", "--servers", url+","+dead.URL, "--key", key, "--clients", "4", "--duration", "1s", "--check")
	if code != 0 {
		t.Fatalf("bench --check: exit %d\n%s\n%s", code, stdout, stderr)
	}
	m := regexp.MustCompile(`check: (\d+) notices acknowledged; 0 missing, 0 receipts that do not verify`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no clean check line in:\n%s", stdout)
	}
	if n, _ := strconv.Atoi(m[1]); n == 0 {
		t.Fatalf("nothing acknowledged:\n%s", stdout)
	}
	if _, _, code := run(t, "bench", "--check", "intake"); code == 0 {
		t.Error("--check without --servers was accepted")
	}
}
