package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/sigap/sigap/internal/client"
)

// subcommand runs one word of a command that has several, such as `sigap bank list`.
type subcommand func(ctx context.Context, env *Env, args []string) error

// runSubcommand runs the subcommand args[0] names; for none, or one not in
// subs, it prints usage and returns errUsage.
func runSubcommand(ctx context.Context, env *Env, args []string, subs map[string]subcommand, usage string) error {
	if len(args) > 0 {
		if run, ok := subs[args[0]]; ok {
			return run(ctx, env, args[1:])
		}
	}
	fmt.Fprintln(env.Stderr, usage)
	return errUsage
}

// newFlags is the flag set of `sigap NAME`, reporting its errors and usage on stderr.
func newFlags(name string, env *Env) *flag.FlagSet {
	fs := flag.NewFlagSet("sigap "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs
}

// usageFlags is newFlags whose usage is text, then the flags' defaults.
func usageFlags(name string, env *Env, text string) *flag.FlagSet {
	fs := newFlags(name, env)
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, text)
		fs.PrintDefaults()
	}
	return fs
}

// connFlagSet is newFlags with the flags that reach the server (--server,
// --key, --key-file and the signing key).
func connFlagSet(name string, env *Env) (*flag.FlagSet, conn) {
	fs := newFlags(name, env)
	return fs, connFlags(fs, env)
}

// parseClient parses a command's flags as parseFlags does, checks its
// arguments with ok (nil: any will do), showing the usage when they are
// wrong, and opens the client its connection flags name.
func (c conn) parseClient(fs *flag.FlagSet, args []string, ok func() bool) (*client.Client, error) {
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	if ok != nil && !ok() {
		fs.Usage()
		return nil, errUsage
	}
	return c.client()
}
