package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/sigap/sigap/internal/client"
)

// scanBatch is how many posts go in one POST /v1/scan/batch.
const scanBatch = 500

// runScan is `sigap scan FILE`: posts as NDJSON (one JSON post per line),
// sent in batches; the answer lines go to stdout in input order, a progress
// bar to stderr. Bad lines are answered with error lines and never stop the rest.
func runScan(ctx context.Context, env *Env, args []string) error {
	fs, cn := bankFlags("scan", env)
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "usage: sigap scan [--server URL] [--key KEY] FILE.ndjson\n\nScans each post (one JSON object per line, as POST /v1/scan takes) and prints one answer line per post.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	c, err := cn.client()
	if err != nil {
		return err
	}
	var r io.Reader = env.Stdin
	total := 0
	if fs.Arg(0) != "-" {
		data, err := os.ReadFile(fs.Arg(0))
		if err != nil {
			return err
		}
		total = bytes.Count(data, []byte("\n"))
		if len(data) > 0 && data[len(data)-1] != '\n' {
			total++
		}
		r = bytes.NewReader(data)
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	bar := newProgress(env.Stderr, "posts", total, total >= scanBatch)
	defer bar.done()
	var batch bytes.Buffer
	n, errLines := 0, 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		out, err := postNDJSON(ctx, c, batch.Bytes())
		if err != nil {
			return err
		}
		errLines += strings.Count(string(out), `"error":`)
		if _, err := env.Stdout.Write(out); err != nil {
			return err
		}
		bar.add(n)
		batch.Reset()
		n = 0
		return nil
	}
	for sc.Scan() {
		batch.Write(sc.Bytes())
		batch.WriteByte('\n')
		n++
		if n == scanBatch || batch.Len() > 4<<20 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read posts: %w", err)
	}
	if err := flush(); err != nil {
		return err
	}
	if errLines > 0 {
		return fmt.Errorf("%d posts were refused; see their error lines", errLines)
	}
	return nil
}

func postNDJSON(ctx context.Context, c *client.Client, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", c.BaseURL+"/v1/scan/batch", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Authorization", "Bearer "+c.Key)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("scan: %w (is the server running at %s?)", err, c.BaseURL)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("scan: read answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, errors.New("scan: " + resp.Status + ": " + strings.TrimSpace(string(out)))
	}
	return out, nil
}
