package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/sigap/sigap/internal/client"
	"github.com/sigap/sigap/internal/ledger"
)

func runExport(ctx context.Context, env *Env, args []string) error {
	subs := map[string]subcommand{"dsa-sor": exportDSA, "saman-ledger": exportLedger}
	return runSubcommand(ctx, env, args, subs, `usage: sigap export dsa-sor|saman-ledger --from DATE --to DATE [--out FILE] [flags]

  dsa-sor       statements of reasons for the EU DSA Transparency Database, one batch of at most
                100 per line ({"statements": [...]}: the body of POST /api/v1/statements);
                --index FILE writes which decision each statement stands for
  saman-ledger  the compliance ledger per order to reconcile with SAMAN (--format csv|json, --regime ID-PSE|all)

Dates are YYYY-MM-DD (midnight UTC) or RFC 3339 times; the period is [from, to).
Every command takes --server URL (env SIGAP_SERVER) and --key KEY or --key-file FILE (env SIGAP_KEY).
See docs/exports.md.`)
}

// periodFlags are an export's --from and --to: the period [from, to).
func periodFlags(fs *flag.FlagSet) (from, to *string) {
	return fs.String("from", "", "start of the period (inclusive)"), fs.String("to", "", "end of the period (exclusive)")
}

// output opens --out, or stdout for "" and "-".
func output(env *Env, path string) (io.Writer, func() error, error) {
	if path == "" || path == "-" {
		return env.Stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}

func exportDSA(ctx context.Context, env *Env, args []string) error {
	fs, cn := connFlagSet("export dsa-sor", env)
	from, to := periodFlags(fs)
	out := fs.String("out", "-", "write the batches here, one JSON object per line (- for stdout)")
	index := fs.String("index", "", "also write batch,position,puid,decision_id as CSV here")
	limit := fs.Int("limit", 100, "statements per batch, 1 to 100")
	skipInvalid := fs.Bool("skip-invalid", false, "leave out statements the database would refuse (listed on stderr) instead of stopping")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c, err := cn.client()
	if err != nil {
		return err
	}
	w, closeOut, err := output(env, *out)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	var idx *csv.Writer
	closeIdx := func() error { return nil }
	if *index != "" {
		f, err := os.Create(*index)
		if err != nil {
			closeOut()
			return err
		}
		idx, closeIdx = csv.NewWriter(f), f.Close
		_ = idx.Write([]string{"batch", "position", "puid", "decision_id"})
	}
	skip := ""
	if *skipInvalid {
		skip = "true"
	}
	var page struct {
		Statements  []json.RawMessage `json:"statements"`
		DecisionIDs []string          `json:"decision_ids"`
		Skipped     []struct {
			DecisionID, Reason, Detail string
		} `json:"skipped"`
		NextCursor string `json:"next_cursor"`
	}
	cursor, batches, statements, skipped := "", 0, 0, 0
	for {
		page.Statements, page.DecisionIDs, page.Skipped, page.NextCursor = nil, nil, nil, ""
		path := client.Query("/v1/exports/dsa-sor", "from", *from, "to", *to, "limit", strconv.Itoa(*limit), "skip_invalid", skip, "cursor", cursor)
		if _, err = c.Do(ctx, "GET", path, nil, nil, &page); err != nil {
			break
		}
		for _, s := range page.Skipped {
			fmt.Fprintf(env.Stderr, "skipped %s (%s): %s\n", s.DecisionID, s.Reason, s.Detail)
		}
		skipped += len(page.Skipped)
		if len(page.Statements) > 0 {
			line, _ := json.Marshal(map[string][]json.RawMessage{"statements": page.Statements})
			bw.Write(line)
			bw.WriteByte('\n')
			for i, st := range page.Statements {
				var p struct{ PUID string }
				_ = json.Unmarshal(st, &p)
				if idx != nil && i < len(page.DecisionIDs) {
					_ = idx.Write([]string{strconv.Itoa(batches + 1), strconv.Itoa(i), p.PUID, page.DecisionIDs[i]})
				}
			}
			batches++
			statements += len(page.Statements)
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	if idx != nil {
		idx.Flush()
		err = errors.Join(err, idx.Error(), closeIdx())
	}
	err = errors.Join(err, bw.Flush(), closeOut())
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "%d statements in %d batches, %d decisions skipped\n", statements, batches, skipped)
	return nil
}

func exportLedger(ctx context.Context, env *Env, args []string) error {
	fs, cn := connFlagSet("export saman-ledger", env)
	from, to := periodFlags(fs)
	out := fs.String("out", "-", "write the ledger here (- for stdout)")
	format := fs.String("format", "csv", "csv or json")
	regime := fs.String("regime", "", "the orders' regime (default ID-PSE; all for every regime)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *format != "csv" && *format != "json" {
		return fmt.Errorf("--format must be csv or json, not %q", *format)
	}
	c, err := cn.client()
	if err != nil {
		return err
	}
	path := func(extra ...string) string {
		return client.Query("/v1/exports/saman-ledger", append([]string{"from", *from, "to", *to, "regime", *regime, "format", *format}, extra...)...)
	}
	var body []byte
	if *format == "csv" {
		var raw json.RawMessage
		if _, err := c.Do(ctx, "GET", path(), nil, nil, &raw); err != nil {
			return err
		}
		body = raw
	} else {
		// JSON comes in pages; put them together into one document.
		var all ledger.Doc[json.RawMessage]
		cursor := ""
		for {
			var page ledger.Doc[json.RawMessage]
			if _, err := c.Do(ctx, "GET", path("limit", "1000", "cursor", cursor), nil, nil, &page); err != nil {
				return err
			}
			if cursor == "" {
				all = page
				all.Items = []json.RawMessage{}
			}
			all.Items = append(all.Items, page.Items...)
			if page.NextCursor == "" {
				break
			}
			cursor = page.NextCursor
		}
		all.NextCursor = ""
		if body, err = json.MarshalIndent(all, "", "  "); err != nil {
			return err
		}
		body = append(body, '\n')
	}
	w, closeOut, err := output(env, *out)
	if err != nil {
		return err
	}
	_, err = w.Write(body)
	return errors.Join(err, closeOut())
}
