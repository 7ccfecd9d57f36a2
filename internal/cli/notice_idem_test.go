package cli

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// TestSubmitWithoutAnswer files a notice to a server that reads the request
// and closes the connection without answering, as a replica that dies
// mid-request does. The submission carried an Idempotency-Key though the
// user gave none, and the error says the notice may be stored and how to
// file it again exactly once, with that key.
func TestSubmitWithoutAnswer(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var keys []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		keys = append(keys, r.Header.Get("Idempotency-Key"))
		mu.Unlock()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	defer srv.Close()
	_, stderr, code := run(t, "notice", "submit", "--server", srv.URL, "--key", "k", "--category", "terrorism",
		"--explanation", "Propaganda ISIS", "https://t.me/channel/1")
	mu.Lock()
	defer mu.Unlock()
	if code == 0 || len(keys) == 0 {
		t.Fatalf("submit to a server that never answers: exit %d, %d requests: %s", code, len(keys), stderr)
	}
	k := keys[0]
	if !strings.HasPrefix(k, "cli-") || len(k) != len("cli-")+16 {
		t.Fatalf("Idempotency-Key %q, want one the command made (cli- and 16 hex digits)", k)
	}
	for _, other := range keys[1:] {
		if other != k {
			t.Errorf("a retry sent key %q, the first %q", other, k)
		}
	}
	if !strings.Contains(stderr, "may or may not be stored") || !strings.Contains(stderr, "--idempotency-key "+k) {
		t.Errorf("the error does not say how to file it again exactly once: %s", stderr)
	}
}

// TestSubmitTwiceFilesTwice checks that the command's own keys differ from
// one run to the next: the same links filed twice without a key of the
// user's are two notices, as before the command made keys.
func TestSubmitTwiceFilesTwice(t *testing.T) {
	t.Parallel()
	url, key := testServer(t)
	var ids []string
	for range 2 {
		stdout, stderr, code := run(t, "notice", "submit", "--server", url, "--key", key, "--category", "terrorism",
			"--explanation", "Propaganda ISIS", "--legal-basis", "UU ITE Pasal 40", "https://t.me/channel/7")
		if code != 0 {
			t.Fatalf("submit: exit %d: %s", code, stderr)
		}
		id := regexp.MustCompile(`ntc_[0-9a-z]+`).FindString(stdout + stderr)
		if id == "" {
			t.Fatalf("no notice id in the answer:\n%s%s", stdout, stderr)
		}
		ids = append(ids, id)
	}
	if ids[0] == ids[1] {
		t.Errorf("two runs without --idempotency-key filed one notice, %s", ids[0])
	}
}
