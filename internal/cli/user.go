package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/sigap/sigap/internal/account"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

const userUsage = `usage: sigap user create --email ADDRESS --role ROLE [--name NAME] [--org ORG_ID]
       sigap user reset  --email ADDRESS [--totp]
       sigap user list   [--org ORG_ID]

Manages the portal's people directly in the database (run it beside sigap serve,
with the same --data or --db). create and reset print a one-time link the person
opens to set their password; it works once and expires in 72 hours.
Roles: admin, reviewer (platform orgs), authority, flagger, auditor.
Without --org, create adds the person to the platform's own org.

Flags (each also read from the environment):
  --data DIR   data directory (SIGAP_DATA, default ./sigap-data)
  --db URL     database URL (SIGAP_DB, default SQLite in the data dir)
  --url URL    the portal's address for the printed link (SIGAP_URL, default http://SIGAP_ADDR)`

func runUser(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "reset" && args[0] != "list") {
		fmt.Fprintln(env.Stderr, userUsage)
		return errUsage
	}
	sub := args[0]
	getenv := func(k, def string) string {
		if v := strings.TrimSpace(env.Getenv(k)); v != "" {
			return v
		}
		return def
	}
	fs := flag.NewFlagSet("sigap user "+sub, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	email := fs.String("email", "", "the person's e-mail address (their sign-in name)")
	role := fs.String("role", "", "admin, reviewer, authority, flagger or auditor")
	name := fs.String("name", "", "the person's name")
	orgID := fs.String("org", "", "the org's ID (default: the platform org)")
	totp := fs.Bool("totp", false, "reset: also make them set up two-step verification again")
	data := fs.String("data", getenv("SIGAP_DATA", "./sigap-data"), "data directory")
	dbURL := fs.String("db", getenv("SIGAP_DB", ""), "database URL")
	base := fs.String("url", getenv("SIGAP_URL", "http://"+getenv("SIGAP_ADDR", "127.0.0.1:8080")), "the portal's address")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(env.Stderr, userUsage)
			return err
		}
		return fmt.Errorf("%w\n\n%s", err, userUsage)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q\n\n%s", fs.Arg(0), userUsage)
	}
	if sub != "list" && *email == "" {
		return errors.New("--email is required")
	}
	if sub == "create" && *role == "" {
		return errors.New("--role is required (admin, reviewer, authority, flagger or auditor)")
	}
	db, err := store.Open(ctx, store.Options{URL: *dbURL, DataDir: *data})
	if err != nil {
		return err
	}
	defer db.Close()
	var clk clock.Clock = clock.System{}
	acc := &account.Service{DB: db, Clock: clk}
	switch sub {
	case "create":
		id := *orgID
		if id == "" {
			if id, err = platformOrg(ctx, db); err != nil {
				return err
			}
		}
		u, link, err := acc.CreateUser(ctx, id, *email, *name, org.Role(*role))
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Created %s (%s) in %s, role %s.\n", u.Email, u.ID, u.OrgName, u.Role)
		fmt.Fprintf(env.Stdout, "Give them this one-time link to set their password (it expires %s):\n%s\n",
			link.ExpiresAt.Format("2006-01-02 15:04 UTC"), link.URL(*base))
		if account.TOTPRequired(u.Role) {
			fmt.Fprintln(env.Stdout, "Their role requires two-step verification: the portal sets it up at their first sign-in.")
		}
	case "reset":
		u, err := db.UserByEmail(ctx, *email)
		if err != nil {
			return fmt.Errorf("no user %s: %w", *email, err)
		}
		link, err := acc.ResetLink(ctx, u.ID, *totp)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "New one-time link for %s (expires %s); their sessions have ended:\n%s\n",
			u.Email, link.ExpiresAt.Format("2006-01-02 15:04 UTC"), link.URL(*base))
	case "list":
		users, err := db.Users(ctx, *orgID)
		if err != nil {
			return err
		}
		for _, u := range users {
			state := "active"
			switch {
			case u.PasswordHash == "":
				state = "password not set"
			case !u.TOTPEnabled && account.TOTPRequired(u.Role):
				state = "two-step verification not set up"
			}
			fmt.Fprintf(env.Stdout, "%s\t%s\t%s\t%s\t%s\n", u.ID, u.Email, u.OrgName, u.Role, state)
		}
	}
	return nil
}

func platformOrg(ctx context.Context, db *store.DB) (string, error) {
	orgs, err := db.Orgs(ctx)
	if err != nil {
		return "", err
	}
	for _, o := range orgs {
		if o.Kind == org.KindPlatform {
			return o.ID, nil
		}
	}
	return "", errors.New("no platform org: start sigap serve once to set up the database, or give --org")
}
