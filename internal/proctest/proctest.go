package proctest

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/logtest"
)

// Build builds cmd/sigap into a temporary directory of t and returns the
// binary's path.
func Build(t testing.TB) string {
	t.Helper()
	return BuildIn(t, "")
}

// BuildIn is Build of the source tree whose module root is dir (an older
// checkout, say), or of this tree when dir is "".
func BuildIn(t testing.TB, dir string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "sigap")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/sigap/sigap/cmd/sigap")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", dir, err, out)
	}
	return bin
}

// FreeAddr is a loopback address nothing listens on, for a process under
// test to take.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// Serve starts `bin serve --addr addr args...` with env added to this
// process's environment and returns it with what it writes; it is killed
// when t ends, unless the caller ended it first. The caller waits for it to
// be ready (Wait, OK).
func Serve(t testing.TB, bin, addr string, env []string, args ...string) (*exec.Cmd, *logtest.Buffer) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", addr}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	out := &logtest.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Both fail harmlessly on a process the test already ended and waited for.
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd, out
}

// OK reports whether url answers a GET with 200 OK within ten seconds, for
// Wait on a health or readiness address. Its connection is closed after the
// answer, so that polling leaves no idle connection behind.
func OK(url string) bool {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	req.Close = true
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// Wait polls ok until it holds and returns how long that took; ok is false
// when limit passed first. The caller says in its failure what it waited for.
func Wait(limit time.Duration, ok func() bool) (time.Duration, bool) {
	start := time.Now()
	for !ok() {
		if time.Since(start) > limit {
			return time.Since(start), false
		}
		time.Sleep(50 * time.Millisecond)
	}
	return time.Since(start), true
}

// Call sends a request to url with key as its bearer token (none when key is
// ""): body is sent as is when it is a string, as JSON otherwise, and not at
// all when nil. It returns the answer's status and body; a request that gets
// no answer fails t.
func Call(t testing.TB, method, url, key string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	// A body cut short shows in the caller's checks of what it holds.
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, raw
}
