package cli

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/store/storetest"
)

// TestServePrintsWhereToSignIn starts `sigap serve` on a free port and
// checks that what it prints on first start is enough to sign in (the
// portal's sign-in address with the real port, and the set-password link
// on the same address), and that its last word after stopping is "stopped".
func TestServePrintsWhereToSignIn(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		lines := serveUntilReady(t, onEngine(e, "serve", "--addr", "127.0.0.1:0"))
		out := strings.Join(lines, "\n")
		login := regexp.MustCompile(`masuk portal: (http://127\.0\.0\.1:\d+)/login\b`).FindStringSubmatch(out)
		if login == nil {
			t.Fatalf("no portal sign-in address with the real port in:\n%s", out)
		}
		base := login[1]
		if last := lines[len(lines)-1]; !strings.Contains(last, `msg=stopped`) {
			t.Errorf("last line %q, want the log's \"stopped\"", last)
		}
		for _, want := range []string{
			base + "/set-password/",
			"sign in as admin@sigap.local at " + base + "/login",
			"masuk sebagai admin@sigap.local di " + base + "/login",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	})
}

// onEngine is args with --data and, for PostgreSQL, --db naming e.
func onEngine(e storetest.Engine, args ...string) []string {
	args = append(args, "--data", e.Dir)
	if e.URL != "" {
		args = append(args, "--db", e.URL)
	}
	return args
}

// serveUntilReady runs serve, fetches its printed sign-in page once it is
// ready, then stops it and returns everything it wrote to stderr.
func serveUntilReady(t *testing.T, args []string) []string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	env := testEnv(io.Discard, pw, nil)
	done := make(chan int, 1)
	go func() {
		code := Main(ctx, env, args)
		pw.Close()
		done <- code
	}()
	loginRE := regexp.MustCompile(`masuk portal: (\S+)`)
	var lines []string
	ready := false
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		line := sc.Text()
		lines = append(lines, line)
		if m := loginRE.FindStringSubmatch(line); m != nil {
			resp, err := http.Get(m[1])
			if err != nil {
				t.Errorf("GET %s: %v", m[1], err)
			} else {
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Errorf("GET %s: %s", m[1], resp.Status)
				}
			}
		}
		// The line after "ready" has been handled: stop the server. Whatever
		// else the ready callback prints is still read before serve returns.
		if ready {
			cancel()
		}
		ready = ready || strings.Contains(line, "sigap is ready")
	}
	if code := <-done; code != 0 {
		t.Errorf("serve exited %d:\n%s", code, strings.Join(lines, "\n"))
	}
	return lines
}
