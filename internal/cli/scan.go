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
	"strconv"
	"strings"

	"github.com/sigap/sigap/internal/client"
)

// scanBatch is how many posts go in one POST /v1/scan/batch.
const scanBatch = 500

// runScan is `sigap scan FILE`: posts as NDJSON (one JSON post per line),
// sent in batches; the answer lines go to stdout in input order, a progress
// bar to stderr. Bad lines are answered with error lines and never stop the rest.
func runScan(ctx context.Context, env *Env, args []string) error {
	fs, cn := connFlagSet("scan", env)
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "usage: sigap scan [--server URL] [--key KEY] FILE.ndjson\n\nScans each post (one JSON object per line, as POST /v1/scan takes) and prints one answer line per post.\n\nFlags:")
		fs.PrintDefaults()
	}
	c, err := cn.parseClient(fs, args, func() bool { return fs.NArg() == 1 })
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
	// n lines in the batch, posts of them not blank, from line first of the file.
	n, posts, first, errLines := 0, 0, 1, 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		out, err := postNDJSON(ctx, c, batch.Bytes())
		if err != nil {
			return err
		}
		// The server numbers the lines of its batch; make them the file's.
		out, answered := renumber(out, first-1)
		if answered != posts {
			return fmt.Errorf("the server answered %d of the %d posts on lines %d-%d; nothing after them was sent", answered, posts, first, first+n-1)
		}
		errLines += strings.Count(string(out), `"error":`)
		if _, err := env.Stdout.Write(out); err != nil {
			return err
		}
		bar.add(n)
		batch.Reset()
		first += n
		n, posts = 0, 0
		return nil
	}
	for sc.Scan() {
		batch.Write(sc.Bytes())
		batch.WriteByte('\n')
		n++
		if len(bytes.TrimSpace(sc.Bytes())) > 0 {
			posts++
		}
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
		verb := "were"
		if errLines == 1 {
			verb = "was"
		}
		return fmt.Errorf("%s %s refused; see the error lines", count(errLines, "post", "posts"), verb)
	}
	return nil
}

// renumber adds offset to the "line" of each answer line (they begin with
// {"line":N) and counts the lines.
func renumber(out []byte, offset int) ([]byte, int) {
	const prefix = `{"line":`
	var b bytes.Buffer
	count := 0
	for line := range bytes.Lines(out) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		count++
		rest, ok := bytes.CutPrefix(line, []byte(prefix))
		end := bytes.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
		if !ok || end <= 0 {
			b.Write(line)
			continue
		}
		num, err := strconv.Atoi(string(rest[:end]))
		if err != nil {
			b.Write(line)
			continue
		}
		b.WriteString(prefix)
		b.WriteString(strconv.Itoa(num + offset))
		b.Write(rest[end:])
	}
	return b.Bytes(), count
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
