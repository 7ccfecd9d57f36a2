package readme

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/logtest"
	"github.com/sigap/sigap/internal/proctest"
)

// readmeAddr is where the README says sigap serve listens; the test swaps in
// the address of the server it starts.
const readmeAddr = "http://localhost:8080"

// shim makes the README's `go run ./cmd/sigap ARGS` run the binary the test
// built, so the blocks run verbatim without compiling once per line.
const shim = `go() { if [ "${1:-}" = run ] && [ "${2:-}" = ./cmd/sigap ]; then shift 2; "$SIGAP_BIN" "$@"; else command go "$@"; fi; }
`

// TestREADMEWalkthrough runs the sh blocks of "Try it with curl" with bash,
// in order and in one shell (as a reader pastes them), against a fresh
// sigap serve whose data directory is the shell's ./sigap-data.
func TestREADMEWalkthrough(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"bash", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("SIGAP_REQUIRE_README") == "1" {
				t.Fatalf("the README walk-through needs %s, and SIGAP_REQUIRE_README=1: %v", tool, err)
			}
			t.Skipf("skipping the README walk-through: %s is not installed (set SIGAP_REQUIRE_README=1 to fail instead)", tool)
		}
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := shBlocks(string(readme), "## Try it with curl")
	if len(blocks) < 3 {
		t.Fatalf("found %d sh blocks under \"Try it with curl\", want at least 3", len(blocks))
	}
	script := strings.Join(blocks, "\n")
	if strings.Count(script, readmeAddr) != 1 {
		t.Fatalf("the walk-through should name %s once, in SIGAP=", readmeAddr)
	}

	dir := t.TempDir()
	bin := proctest.Build(t)
	base := startServe(t, bin, dir)

	script = "set -euo pipefail\n" + shim + strings.Replace(script, readmeAddr, base, 1)
	cmd := exec.Command("bash", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SIGAP_BIN="+bin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("the walk-through failed: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	out, errOut := stdout.String(), stderr.String()
	t.Logf("stdout:\n%s\nstderr:\n%s", out, errOut)

	tests := []struct {
		name, in, want string
	}{
		{"the order is received with its clock", out, `"status": "received"`},
		{"the receipt verifies offline", out, "OK: the receipt verifies"},
		{"a private link is refused", out, "private_subject"},
		{"the reviewer claims a case", out, `"lane"`},
		{"notice submit saves its receipt", errOut, "saved to receipt.json"},
		{"progress is written as lines off a terminal", errOut, "progress: 2/2 links (100%)"},
		{"notice show shows the saved notice", out, "Notice   ntc_"},
	}
	for _, tt := range tests {
		if !strings.Contains(tt.in, tt.want) {
			t.Errorf("%s: output lacks %q", tt.name, tt.want)
		}
	}
	// notice show must show the notice submit saved, not merely some notice.
	_, id, _ := strings.Cut(errOut, "notice ntc_")
	id, _, _ = strings.Cut(id, " ")
	if id == "" || !strings.Contains(out, "Notice   ntc_"+id+" ") {
		t.Errorf("notice show does not show the submitted notice ntc_%s", id)
	}
	for _, f := range []string{"notice.json", "keys.json", "links.txt", "receipt.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("the walk-through should leave %s (which .gitignore lists): %v", f, err)
		}
	}
}

// shBlocks returns the bodies of the ```sh blocks of the section that starts
// with the heading, up to the next second-level heading.
func shBlocks(md, heading string) []string {
	_, sec, ok := strings.Cut(md, "\n"+heading+"\n")
	if !ok {
		return nil
	}
	if i := strings.Index(sec, "\n## "); i >= 0 {
		sec = sec[:i]
	}
	var blocks []string
	for {
		_, rest, ok := strings.Cut(sec, "```sh\n")
		if !ok {
			return blocks
		}
		body, after, ok := strings.Cut(rest, "```")
		if !ok {
			return blocks
		}
		blocks = append(blocks, body)
		sec = after
	}
}

// startServe runs `sigap serve` with its data in dir/sigap-data on a free
// loopback port, waits until /readyz answers, and stops it when the test ends.
func startServe(t *testing.T, bin, dir string) string {
	t.Helper()
	addr := proctest.FreeAddr(t)
	var log logtest.Buffer
	srv := exec.Command(bin, "serve", "--addr", addr, "--data", "./sigap-data")
	srv.Dir = dir
	srv.Env = append(os.Environ(), "SIGAP_DB=")
	srv.Stdout, srv.Stderr = &log, &log
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Wait() }()
	t.Cleanup(func() {
		_ = srv.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(40 * time.Second):
			_ = srv.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("sigap serve:\n%s", log.String())
		}
	})
	base := "http://" + addr
	ready := func() bool {
		select {
		case err := <-done:
			done <- err // for the clean-up, which waits for it too
			t.Fatalf("sigap serve exited: %v\n%s", err, log.String())
		default:
		}
		return proctest.OK(base + "/readyz")
	}
	if _, ok := proctest.Wait(time.Minute, ready); !ok {
		t.Fatalf("sigap serve not ready after a minute\n%s", log.String())
	}
	return base
}
