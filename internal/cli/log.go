package cli

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/translog"
)

func runLog(ctx context.Context, env *Env, args []string) error {
	usage := "usage: sigap log verify [flags]     check checkpoints, consistency and every event (sigap log verify --help)\n" +
		"       sigap log keygen --data DIR [--origin NAME]   create the log key before the first start\n" +
		"       sigap log key --data DIR       print the log's public verifier key"
	subs := map[string]subcommand{"verify": runLogVerify, "keygen": logKey("keygen"), "key": logKey("key")}
	return runSubcommand(ctx, env, args, subs, usage)
}

// logKey is `sigap log keygen` (make the log key) or `sigap log key` (load
// it); both print its verifier key.
func logKey(name string) subcommand {
	return func(_ context.Context, env *Env, args []string) error {
		fs := newFlags("log "+name, env)
		dir := fs.String("data", envOr(env, "SIGAP_DATA", "./sigap-data"), "the data dir (env SIGAP_DATA)")
		origin := fs.String("origin", translog.DefaultOrigin, "the log's name: its checkpoints' origin line (keygen)")
		if err := fs.Parse(args); err != nil {
			return err
		}
		var k translog.Key
		var err error
		if name == "keygen" {
			k, err = translog.GenerateKey(*dir, *origin)
		} else {
			k, err = translog.LoadKey(*dir)
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, k.VerifierKey)
		return nil
	}
}

func envOr(env *Env, name, def string) string {
	if v := strings.TrimSpace(env.Getenv(name)); v != "" {
		return v
	}
	return def
}

func runLogVerify(ctx context.Context, env *Env, args []string) error {
	fs := usageFlags("log verify", env, "usage: sigap log verify [--data DIR] [--db URL] [--server URL] [--key VKEY] [--checkpoint FILE] [--previous FILE] [--save FILE]\n\n"+
		"Checks a checkpoint's signature with the log key, its consistency with an earlier checkpoint, and, given the\n"+
		"database (--data, --db), that every event row still hashes to its log entry and the entries to the checkpoint's root.\n"+
		"Without --server or --checkpoint it checks the latest checkpoint stored in the database.")
	dir := fs.String("data", "", "the data dir: its database (unless --db) and its log key (unless --key)")
	dbURL := fs.String("db", "", "the database to audit (postgres://... or sqlite:PATH)")
	server := fs.String("server", "", "fetch the checkpoint (and proofs) from this sigap server")
	var vkeys []string
	fs.Func("key", "the log's verifier key (GET /v1/log/key), pinned: <origin>+<hash>+<base64>; repeat it for each key of a rotation", func(s string) error {
		vkeys = append(vkeys, s)
		return nil
	})
	keyFile := fs.String("key-file", "", "a file holding the verifier key, or several, one a line (every key across rotations)")
	cpFile := fs.String("checkpoint", "", "a saved checkpoint to verify instead of the latest")
	prevFile := fs.String("previous", "", "an earlier checkpoint (saved with --save) the new one must extend")
	save := fs.String("save", "", "write the verified checkpoint here, for the next run's --previous")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return errUsage
	}
	if *dir == "" && *dbURL == "" && *server == "" {
		return errors.New("give the database (--data DIR or --db URL) and/or a server (--server URL)")
	}
	// The keys: pinned, from the data dir, or (weakest) from the server itself.
	// A checkpoint signed by any of them verifies: keys rotate.
	vs, err := logVerifiers(ctx, env, vkeys, *keyFile, *dir, *server)
	if err != nil {
		return err
	}
	var db *store.DB
	if *dir != "" || *dbURL != "" {
		var err error
		if db, err = store.Open(ctx, store.Options{URL: *dbURL, DataDir: *dir}); err != nil {
			return err
		}
		defer db.Close()
	}
	// The checkpoint to verify.
	var msg []byte
	switch {
	case *cpFile != "":
		msg, err = os.ReadFile(*cpFile)
	case *server != "":
		msg, err = getText(ctx, *server, "/v1/log/checkpoint")
	default:
		var sc store.StoredCheckpoint
		if sc, err = db.LatestCheckpoint(ctx); err == nil {
			msg = []byte(sc.Note)
		}
	}
	if err != nil {
		return fmt.Errorf("read the checkpoint: %w", err)
	}
	cp, by, err := openCheckpoint(env, msg, vs, "checkpoint", "")
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "OK: checkpoint of %s signed by %s: %s, root %s\n", cp.Origin, strings.Join(by, " and "), count(cp.Size, "entry", "entries"), base64.StdEncoding.EncodeToString(cp.Root[:]))
	failed := 0
	var prev *translog.Checkpoint
	if *prevFile != "" {
		pm, err := os.ReadFile(*prevFile)
		if err != nil {
			return fmt.Errorf("read the previous checkpoint: %w", err)
		}
		p, _, err := openCheckpoint(env, pm, vs, "previous checkpoint", "previous checkpoint: ")
		if err != nil {
			return err
		}
		prev = &p
		switch {
		case p.Size > cp.Size:
			fmt.Fprintf(env.Stdout, "STALE: the checkpoint covers %d entries, fewer than the previous one's %d: it is older, or the log was rolled back\n", cp.Size, p.Size)
			return errors.New("stale checkpoint")
		case p.Size == cp.Size && p.Root != cp.Root:
			fmt.Fprintf(env.Stdout, "FORK: two checkpoints of size %d with different roots: the log shows different histories\n", cp.Size)
			return errors.New("inconsistent checkpoints")
		case p.Size == cp.Size:
			fmt.Fprintln(env.Stdout, "OK: same tree as the previous checkpoint")
		case db == nil:
			if err := checkConsistencyOnline(ctx, *server, p, cp); err != nil {
				fmt.Fprintln(env.Stdout, "INCONSISTENT: "+err.Error())
				return errors.New("the checkpoint does not extend the previous one")
			}
			fmt.Fprintf(env.Stdout, "OK: consistent with the previous checkpoint of %s (server's proof)\n", count(p.Size, "entry", "entries"))
		}
	}
	if db != nil {
		rep, err := translog.Audit(ctx, db, cp, prev)
		if err != nil {
			return err
		}
		for _, f := range rep.Findings {
			fmt.Fprintln(env.Stdout, "TAMPERED: "+f.String())
		}
		if rep.Truncated > 0 {
			fmt.Fprintf(env.Stdout, "TAMPERED: ... and %s more\n", count(rep.Truncated, "finding", "findings"))
		}
		failed = len(rep.Findings) + rep.Truncated
		if failed == 0 {
			if prev != nil && prev.Size < cp.Size {
				fmt.Fprintf(env.Stdout, "OK: consistent with the previous checkpoint of %s (recomputed from the database)\n", count(prev.Size, "entry", "entries"))
			}
			fmt.Fprintf(env.Stdout, "OK: %s, each recomputes to its log entry; the entries hash to the checkpoint's root", count(rep.Events, "event", "events"))
			if rep.Unsigned > 0 {
				fmt.Fprintf(env.Stdout, "; %s the next checkpoint", count(rep.Unsigned, "newer entry awaits", "newer entries await"))
			}
			fmt.Fprintln(env.Stdout)
		}
	}
	if failed > 0 {
		return fmt.Errorf("the log does not verify: %s", count(failed, "finding", "findings"))
	}
	if *save != "" {
		if err := os.WriteFile(*save, msg, 0o644); err != nil {
			return fmt.Errorf("save the checkpoint: %w", err)
		}
	}
	return nil
}

// openCheckpoint opens a checkpoint note with the log's keys. One that does
// not verify is printed as INVALID (label saying which, before the reason)
// and fails the run as the checkpoint name names.
func openCheckpoint(env *Env, msg []byte, vs []note.Verifier, name, label string) (translog.Checkpoint, []string, error) {
	cp, by, err := translog.OpenCheckpointKeys(msg, vs)
	if err != nil {
		fmt.Fprintln(env.Stdout, "INVALID: "+label+err.Error())
		return translog.Checkpoint{}, nil, errors.New("the " + name + " does not verify")
	}
	return cp, by, nil
}

// logVerifiers reads the log's keys: pinned (--key, --key-file), from the
// data dir's ring, or from the server (GET /v1/log/keys, or GET /v1/log/key
// from a server without rings).
func logVerifiers(ctx context.Context, env *Env, vkeys []string, keyFile, dir, server string) ([]note.Verifier, error) {
	if keyFile != "" {
		b, err := os.ReadFile(keyFile)
		if err != nil {
			return nil, fmt.Errorf("read the key: %w", err)
		}
		vkeys = append(vkeys, strings.Fields(string(b))...)
	}
	switch {
	case len(vkeys) > 0:
		return parseVerifiers(vkeys, "--key")
	case dir != "":
		keys, err := translog.LoadKeys(ctx, dir)
		if err != nil {
			return nil, err
		}
		return keys.Verifiers(), nil
	}
	var list []string
	if b, err := getText(ctx, server, "/v1/log/keys"); err == nil {
		var out struct {
			Keys []translog.KeyInfo `json:"keys"`
		}
		if err := json.Unmarshal(b, &out); err != nil {
			return nil, fmt.Errorf("GET /v1/log/keys: %w", err)
		}
		for _, k := range out.Keys {
			list = append(list, k.VerifierKey)
		}
	} else {
		b, err := getText(ctx, server, "/v1/log/key")
		if err != nil {
			return nil, err
		}
		list = []string{strings.TrimSpace(string(b))}
	}
	fmt.Fprintln(env.Stderr, "note: trusting the keys the server sent; pin them with --key for an independent check")
	return parseVerifiers(list, "the server's key")
}

func parseVerifiers(vkeys []string, what string) ([]note.Verifier, error) {
	vs := make([]note.Verifier, 0, len(vkeys))
	for _, s := range vkeys {
		v, err := note.NewVerifier(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("%s is not a note verifier key (<origin>+<hash>+<base64>): %w", what, err)
		}
		vs = append(vs, v)
	}
	if len(vs) == 0 {
		return nil, fmt.Errorf("%s: no key", what)
	}
	return vs, nil
}

// checkConsistencyOnline fetches and checks the server's consistency proof.
func checkConsistencyOnline(ctx context.Context, server string, prev, cp translog.Checkpoint) error {
	if server == "" {
		return errors.New("no database and no server to prove consistency with")
	}
	b, err := getText(ctx, server, fmt.Sprintf("/v1/log/proof/consistency?old=%d&new=%d", prev.Size, cp.Size))
	if err != nil {
		return err
	}
	p, err := translog.ParseConsistencyProof(b)
	if err != nil {
		return err
	}
	if p.Old != prev.Size || p.New != cp.Size {
		return fmt.Errorf("the server proved sizes %d -> %d, not %d -> %d", p.Old, p.New, prev.Size, cp.Size)
	}
	return translog.VerifyConsistency(p, prev.Root, cp.Root)
}

// getText GETs a public path and returns its body, refusing anything but 200.
func getText(ctx context.Context, base, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", strings.TrimSuffix(base, "/")+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", path, err)
	}
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: %s: %.300s", path, resp.Status, b)
	}
	return b, nil
}
