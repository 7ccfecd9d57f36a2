package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/sigap/sigap/internal/bank"
	"github.com/sigap/sigap/internal/client"
	"github.com/sigap/sigap/internal/filterset"
)

// importChunk is how many signals go in one import request: well under the
// API's 8 MiB body limit and its per-import cap, and small enough for the
// progress bar to move.
const importChunk = 20_000

// runBank is `sigap bank create|list|import|export`.
func runBank(ctx context.Context, env *Env, args []string) error {
	subs := map[string]subcommand{"create": bankCreate, "list": bankList, "import": bankImport, "export": bankExport}
	return runSubcommand(ctx, env, args, subs, `usage: sigap bank create|list|import|export [flags]

  create  make a hash bank:           sigap bank create --policy review --label terrorism NAME
  list    list the hash banks:        sigap bank list
  import  add the signals of a file:  sigap bank import --bank BANK_ID FILE
          (CSV type,value,source; HMA JSON; ThreatExchange descriptors; see docs/filtering.md)
  export  write a bank's entries:     sigap bank export --bank BANK_ID [--format csv|json|threatexchange] [--out FILE]

Every command takes --server URL (env SIGAP_SERVER) and --key KEY or --key-file FILE (env SIGAP_KEY).`)
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

type labelsFlag []string

func (l *labelsFlag) String() string     { return fmt.Sprint([]string(*l)) }
func (l *labelsFlag) Set(v string) error { *l = append(*l, v); return nil }

func bankCreate(ctx context.Context, env *Env, args []string) error {
	fs, cn := connFlagSet("bank create", env)
	policy := fs.String("policy", "shadow", "auto_action, review or shadow")
	var labels labelsFlag
	fs.Var(&labels, "label", "a label such as terrorism (repeatable)")
	c, err := cn.parseClient(fs, args, func() bool { return fs.NArg() == 1 })
	if err != nil {
		return err
	}
	var out json.RawMessage
	if _, err := c.Do(ctx, "POST", "/v1/banks", map[string]any{"name": fs.Arg(0), "policy": *policy, "labels": []string(labels)}, nil, &out); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, string(out))
	return nil
}

func bankList(ctx context.Context, env *Env, args []string) error {
	fs, cn := connFlagSet("bank list", env)
	c, err := cn.parseClient(fs, args, nil)
	if err != nil {
		return err
	}
	cursor := ""
	for {
		var page struct {
			Items []filterset.Set `json:"items"`
			Next  string          `json:"next_cursor"`
		}
		if _, err := c.Do(ctx, "GET", client.Query("/v1/banks", "limit", "500", "cursor", cursor), nil, nil, &page); err != nil {
			return err
		}
		for _, b := range page.Items {
			fmt.Fprintf(env.Stdout, "%s\t%s\t%s\tenabled=%v\trollout=%.2f\n", b.ID, b.Policy, b.Name, b.Enabled, b.RolloutFraction)
		}
		if page.Next == "" {
			return nil
		}
		cursor = page.Next
	}
}

func bankImport(ctx context.Context, env *Env, args []string) error {
	fs, cn := connFlagSet("bank import", env)
	bankID := fs.String("bank", "", "the bank to add to (required)")
	format := fs.String("format", "", "csv, json or threatexchange (default: guessed from the file)")
	source := fs.String("source", "", "provenance for entries that name none")
	c, err := cn.parseClient(fs, args, func() bool { return fs.NArg() == 1 && *bankID != "" })
	if err != nil {
		return err
	}
	var r io.Reader = env.Stdin
	if fs.Arg(0) != "-" {
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	items, err := bank.Parse(r, *format)
	if err != nil {
		return err
	}
	for i := range items {
		if items[i].Source == "" {
			items[i].Source = *source
		}
	}
	bar := newProgress(env.Stderr, "signals", len(items), len(items) >= importChunk)
	var total filterset.ImportResult
	for start := 0; start < len(items); start += importChunk {
		part := items[start:min(len(items), start+importChunk)]
		var res filterset.ImportResult
		if _, err := c.Do(ctx, "POST", "/v1/banks/"+*bankID+"/import", map[string]any{"entries": part}, nil, &res); err != nil {
			bar.done()
			var ae *client.Error
			if errors.As(err, &ae) {
				return fmt.Errorf("signals %d to %d refused (entries[i] counts from %d): %w", start+1, start+len(part), start, err)
			}
			return err
		}
		total.Received += res.Received
		total.Added += res.Added
		total.Skipped += res.Skipped
		for typ, n := range res.SkippedTypes {
			if total.SkippedTypes == nil {
				total.SkippedTypes = map[string]int{}
			}
			total.SkippedTypes[typ] += n
		}
		bar.add(len(part))
	}
	bar.done()
	fmt.Fprintf(env.Stdout, "read %d signals: %d added, %d already in the bank\n", total.Received, total.Added, total.Skipped)
	if len(total.SkippedTypes) > 0 {
		types := slices.Sorted(maps.Keys(total.SkippedTypes))
		parts := make([]string, len(types))
		for i, typ := range types {
			parts[i] = fmt.Sprintf("%d %s", total.SkippedTypes[typ], typ)
		}
		fmt.Fprintf(env.Stdout, "left out, of types banks do not hold: %s\n", strings.Join(parts, ", "))
	}
	return nil
}

func bankExport(ctx context.Context, env *Env, args []string) error {
	fs, cn := connFlagSet("bank export", env)
	bankID := fs.String("bank", "", "the bank to export (required)")
	format := fs.String("format", "csv", "csv, json or threatexchange")
	out := fs.String("out", "-", "output file")
	c, err := cn.parseClient(fs, args, func() bool { return *bankID != "" })
	if err != nil {
		return err
	}
	var body json.RawMessage
	if _, err := c.Do(ctx, "GET", client.Query("/v1/banks/"+*bankID+"/export", "format", *format), nil, nil, &body); err != nil {
		return err
	}
	if *out == "-" {
		_, err = env.Stdout.Write(body)
		return err
	}
	return os.WriteFile(*out, body, 0o644)
}
