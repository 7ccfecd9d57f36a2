package cli

import (
	"io"
	"strings"
	"time"
)

// testEnv is the Env a test runs a command in: it writes to stdout and
// stderr, reads stdin (nothing when nil), sees no environment variables and
// reads the wall clock.
func testEnv(stdout, stderr io.Writer, stdin io.Reader) *Env {
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	return &Env{Stdout: stdout, Stderr: stderr, Stdin: stdin, Getenv: func(string) string { return "" }, Now: time.Now}
}
