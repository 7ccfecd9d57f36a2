package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"time"
)

// Env is the outside world a command sees; tests pass their own.
type Env struct {
	Stdout, Stderr io.Writer
	Stdin          io.Reader
	Getenv         func(string) string
	Now            func() time.Time
}

type command struct {
	run     func(ctx context.Context, env *Env, args []string) error
	summary string
}

// commands is the one table of subcommands; each lives in its own file.
var commands = map[string]command{
	"serve":       {runServe, "run the service (sigap serve --help)"},
	"hash":        {runHash, "print the PDQ hash and quality of image files"},
	"receipt":     {runReceipt, "verify a saved notice receipt offline (sigap receipt verify FILE)"},
	"notice":      {runNotice, "submit, show and list notices on a sigap server"},
	"bench":       {runBench, "measure intake throughput and latency (sigap bench --help)"},
	"scan-worker": {runScanWorker, "scan the posts a platform publishes on NATS JetStream"},
	"user":        {runUser, "create portal users and print their one-time set-password links"},
	"bank":        {runBank, "create, list, import and export hash banks (sigap bank --help)"},
	"scan":        {runScan, "scan a file of posts (NDJSON) against every bank and list"},
	"log":         {runLog, "verify the transparency log: checkpoints, consistency, every event (sigap log verify --help)"},
	"export":      {runExport, "export DSA statements of reasons or the SAMAN compliance ledger (sigap export --help)"},
	"backup":      {runBackup, "copy the running service's database and keys, consistently (sigap backup --help)"},
	"restore":     {runRestore, "put a backup back: keys, SQLite file or PostgreSQL dump (sigap restore --help)"},
	"signing-key": {runSigningKey, "make a key to sign your requests with, and print it for registering (sigap signing-key gen --help)"},
	"key":         {runKey, "list, revoke and rotate an org's API keys on a sigap server (sigap key --help)"},
	"mail":        {runMail, "send a DKIM-signed e-mail to sigap, and keep replies on one machine (sigap mail --help)"},
	"keys":        {runKeys, "list and rotate the service's own signing keys, for receipts and the log (sigap keys --help)"},
}

// errUsage marks errors that already printed usage.
var errUsage = errors.New("usage")

// Main runs the command line and returns the process exit code.
func Main(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(env.Stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "sigap: unknown command %q\n\n", args[0])
		usage(env.Stderr)
		return 2
	}
	if err := cmd.run(ctx, env, args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		if !errors.Is(err, errUsage) {
			fmt.Fprintf(env.Stderr, "sigap %s: %v\n", args[0], err)
		}
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "sigap: the Government Channel between authorities and a platform.\n\nUsage: sigap COMMAND [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
}
