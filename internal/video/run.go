package video

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// tailBuffer keeps the last bytes written to it: ffmpeg's stderr, whose end
// says why a run failed, without letting a chatty input grow memory.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.buf))
}

// run executes a tool to completion and returns its standard output, at
// most maxOut bytes.
func (c Config) run(ctx context.Context, tool string, args []string, maxOut int64) ([]byte, error) {
	var out []byte
	err := c.stream(ctx, tool, args, func(r io.Reader) error {
		b, err := io.ReadAll(io.LimitReader(r, maxOut+1))
		if err != nil {
			return err
		}
		if int64(len(b)) > maxOut {
			return fmt.Errorf("%w: output over %d bytes", ErrTooLarge, maxOut)
		}
		out = b
		return nil
	})
	return out, err
}

// stream runs a tool under the configured bounds and hands its standard
// output to consume. When consume returns early the process is killed.
func (c Config) stream(parent context.Context, tool string, args []string, consume func(io.Reader) error) error {
	ctx, cancel := context.WithTimeoutCause(parent, c.Timeout, ErrTimeout)
	defer cancel()
	name, argv := c.command(tool, args)
	cmd := exec.CommandContext(ctx, name, argv...)
	cmd.WaitDelay = 5 * time.Second
	stderr := &tailBuffer{max: 4 << 10}
	cmd.Stderr = stderr
	cmd.Stdin = nil
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return fmt.Errorf("%w: %v", ErrNoFFmpeg, err)
		}
		if why := c.stopped(parent, ctx); why != nil {
			return why // the bound ran out before ffmpeg started (exec returns the bare context error)
		}
		return err
	}
	cerr := consume(stdout)
	if cerr != nil {
		cancel()
	} else {
		// Drain what is left so ffmpeg is not blocked writing at exit.
		_, _ = io.Copy(io.Discard, stdout)
	}
	werr := cmd.Wait()
	// A killed ffmpeg shows up as a truncated frame or a failed exit;
	// report why it was killed instead.
	if why := c.stopped(parent, ctx); why != nil {
		return why
	}
	if cerr != nil {
		return cerr
	}
	if werr != nil {
		msg := stderr.String()
		if msg == "" {
			msg = werr.Error()
		}
		return fmt.Errorf("%w: %s", ErrDecode, lastLine(msg))
	}
	return nil
}

// stopped says why a run's context ended, or nil while it has not: the
// caller cancelled (parent), or the configured bound ran out (ErrTimeout).
func (c Config) stopped(parent, ctx context.Context) error {
	if err := parent.Err(); err != nil {
		return fmt.Errorf("video: %w", err)
	}
	if errors.Is(context.Cause(ctx), ErrTimeout) {
		return fmt.Errorf("%w (%s)", ErrTimeout, c.Timeout)
	}
	return nil
}

func lastLine(s string) string {
	lines := strings.Split(s, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			return l
		}
	}
	return s
}
