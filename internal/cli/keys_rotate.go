package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/sigap/sigap/internal/audit"
	"github.com/sigap/sigap/internal/keyring"
	"github.com/sigap/sigap/internal/receipt"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/translog"
)

// keysActor names who rotates in the audit record: whoever runs the command
// holds the data dir, which no API key or portal user stands for.
const keysActor = "operator"

func runKeys(ctx context.Context, env *Env, args []string) error {
	usage := "usage: sigap keys list --data DIR                       the receipt and log signing keys, with their validity\n" +
		"       sigap keys rotate --data DIR [--db URL] [--announce 24h] [--only receipt|log]\n\n" +
		"rotate makes the next signing key of the receipts and of the transparency log and announces it: it is\n" +
		"listed at once (GET /v1/keys, GET /v1/log/keys) and co-signs checkpoints; after --announce it signs\n" +
		"alone and the old key retires, still listed, so everything it signed keeps verifying. A running server\n" +
		"picks the rotation up within seconds. Each rotation is an entry of the audit record."
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "list":
		return runKeysList(ctx, env, args[1:])
	case "rotate":
		return runKeysRotate(ctx, env, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintln(env.Stderr, usage)
		return flag.ErrHelp
	}
	fmt.Fprintln(env.Stderr, usage)
	return errUsage
}

func runKeysList(ctx context.Context, env *Env, args []string) error {
	fset := flag.NewFlagSet("sigap keys list", flag.ContinueOnError)
	fset.SetOutput(env.Stderr)
	dir := fset.String("data", envOr(env, "SIGAP_DATA", "./sigap-data"), "the data dir (env SIGAP_DATA)")
	if err := fset.Parse(args); err != nil {
		return err
	}
	rr, err := receipt.LoadRing(ctx, *dir)
	if err != nil {
		return err
	}
	lk, err := translog.LoadKeys(ctx, *dir)
	if err != nil {
		return err
	}
	now := env.Now()
	fmt.Fprintf(env.Stdout, "%-8s %-10s %-20s %-20s %s\n", "SIGNS", "STATUS", "NOT_BEFORE", "NOT_AFTER", "KEY_ID")
	for i, k := range rr.Keys {
		fmt.Fprintf(env.Stdout, "%-8s %-10s %-20s %-20s %s\n", "receipts", rr.Status(i, now), stamp(k.NotBefore), stamp(k.NotAfter), k.ID)
	}
	for _, k := range lk.List(now) {
		fmt.Fprintf(env.Stdout, "%-8s %-10s %-20s %-20s %s\n", "log", k.Status, stamp(k.NotBefore), stamp(k.NotAfter), k.KeyID)
	}
	return nil
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func runKeysRotate(ctx context.Context, env *Env, args []string) error {
	fset := flag.NewFlagSet("sigap keys rotate", flag.ContinueOnError)
	fset.SetOutput(env.Stderr)
	dir := fset.String("data", envOr(env, "SIGAP_DATA", "./sigap-data"), "the data dir (env SIGAP_DATA)")
	dbURL := fset.String("db", envOr(env, "SIGAP_DB", ""), "the service's database URL, as sigap serve --db (env SIGAP_DB), for the audit entry")
	announce := fset.Duration("announce", 24*time.Hour, "how long the new key is announced before it signs alone (0: at once, for a key that leaked)")
	only := fset.String("only", "", "rotate only the receipt key (receipt) or only the log key (log); default both")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if fset.NArg() != 0 {
		return fmt.Errorf("unexpected argument %q", fset.Arg(0))
	}
	if *only != "" && *only != "receipt" && *only != "log" {
		return fmt.Errorf("--only %q: give receipt or log", *only)
	}
	if *announce < 0 {
		return fmt.Errorf("--announce %s: it cannot be negative", *announce)
	}
	now := env.Now()
	// Work out every rotation before writing anything: a corrupt key or ring
	// stops here, with nothing changed.
	var rots []keyring.Rotation
	var kinds []string
	if *only != "log" {
		r, err := receipt.PrepareRotation(ctx, *dir, now, *announce)
		if err != nil {
			return err
		}
		rots, kinds = append(rots, r), append(kinds, "receipt")
	}
	if *only != "receipt" {
		r, err := translog.PrepareRotation(ctx, *dir, now, *announce)
		if err != nil {
			return err
		}
		rots, kinds = append(rots, r), append(kinds, "log")
	}
	if *dbURL == "" {
		// Without --db the database is the data dir's SQLite file; refuse to
		// make an empty one where the service keeps PostgreSQL.
		if _, err := os.Stat(filepath.Join(*dir, "sigap.db")); errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s holds no sigap.db: give the service's database with --db (the rotation is recorded in its audit record)", *dir)
		}
	}
	db, err := store.Open(ctx, store.Options{URL: *dbURL, DataDir: *dir})
	if err != nil {
		return err
	}
	defer db.Close()
	platform, err := db.PlatformOrgID(ctx)
	if err != nil {
		return fmt.Errorf("the database has no platform org: has sigap started on it? %w", err)
	}
	// The keys are saved inside the audit entry's transaction: when saving
	// fails the entry is not written, and when the entry does not commit the
	// saved rings are put back.
	var saved []keyring.Rotation
	undo := func() {
		for _, r := range saved {
			if err := r.Undo(ctx); err != nil {
				fmt.Fprintf(env.Stderr, "sigap keys rotate: could not put back the ring before the rotation (%v); check %s with sigap keys list\n", err, *dir)
			}
		}
		saved = nil
	}
	err = db.Write(ctx, func(tx *store.Tx) error {
		undo() // a retried transaction starts over
		for _, r := range rots {
			if err := tx.Audit(ctx, audit.Entry{At: now, Actor: keysActor, Action: audit.SigningKeyRotated, Object: r.Next().ID, OrgID: platform}); err != nil {
				return err
			}
		}
		for _, r := range rots {
			if err := r.Commit(ctx); err != nil {
				return err
			}
			saved = append(saved, r)
		}
		return nil
	})
	if err != nil {
		undo()
		return fmt.Errorf("rotate: %w (the keys are as they were)", err)
	}
	for i, r := range rots {
		what := map[string]string{"receipt": "receipts", "log": "log checkpoints"}[kinds[i]]
		next, old := r.Next(), r.Retiring()
		fmt.Fprintf(env.Stdout, "%s key %s announced: it signs %s from %s, when %s retires (still listed, still verifying)\n",
			kinds[i], next.ID, what, stamp(next.NotBefore), old.ID)
	}
	fmt.Fprintf(env.Stdout, "back up the data dir now (sigap backup): the new keys are only in %s\n", *dir)
	return nil
}
