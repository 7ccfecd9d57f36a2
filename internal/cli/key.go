package cli

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"text/tabwriter"
	"time"

	"github.com/sigap/sigap/internal/client"
)

const keyUsage = `usage: sigap key list   [--org ORG_ID]
       sigap key revoke [--org ORG_ID] KEY_ID
       sigap key rotate [--org ORG_ID] [--overlap 24h] KEY_ID

Manages an org's API keys on a sigap server, with an admin key.
  list    every key of the org: role, created, expires, last used (recorded at
          most once a minute) and revoked, in UTC and WIB; never the keys
  revoke  refuse the key from now on (401 key_revoked); revoking twice is no error
  rotate  print a new key with the same role; the old one keeps working for
          --overlap (default 24h), then answers 401 key_expired

Without --org, the org is the admin key's own. Every command takes --server URL
(env SIGAP_SERVER, default http://127.0.0.1:8080) and --key KEY or --key-file
FILE (env SIGAP_KEY).`

func runKey(ctx context.Context, env *Env, args []string) error {
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	if sub != "list" && sub != "revoke" && sub != "rotate" {
		fmt.Fprintln(env.Stderr, keyUsage)
		return errUsage
	}
	fs, cn := connFlagSet("key "+sub, env)
	fs.Usage = func() { fmt.Fprintln(env.Stderr, keyUsage) }
	orgID := fs.String("org", "", "the org's ID (default: the admin key's own org)")
	overlap := fs.String("overlap", "24h", "rotate: how long the old key keeps working")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cl, err := cn.client()
	if err != nil {
		return err
	}
	if *orgID == "" {
		var me struct {
			Org struct {
				ID string `json:"id"`
			} `json:"org"`
		}
		if _, err := cl.Do(ctx, "GET", "/v1/me", nil, nil, &me); err != nil {
			return err
		}
		*orgID = me.Org.ID
	}
	keys := "/v1/orgs/" + url.PathEscape(*orgID) + "/keys"
	if sub == "list" {
		if fs.NArg() != 0 {
			return fmt.Errorf("list takes no arguments\n\n%s", keyUsage)
		}
		return keyList(ctx, env, cl, keys)
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%s takes one KEY_ID\n\n%s", sub, keyUsage)
	}
	one := keys + "/" + url.PathEscape(fs.Arg(0))
	if sub == "revoke" {
		if _, err := cl.Do(ctx, "DELETE", one, nil, nil, nil); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "revoked %s\n", fs.Arg(0))
		return nil
	}
	var rot struct {
		ID           string    `json:"id"`
		Key          string    `json:"key"`
		Role         string    `json:"role"`
		OldExpiresAt time.Time `json:"old_expires_at"`
	}
	if _, err := cl.Do(ctx, "POST", one+"/rotate", map[string]string{"overlap": *overlap}, nil, &rot); err != nil {
		return err
	}
	if rot.Key == "" {
		return errors.New("the server answered no key")
	}
	// The key alone on stdout, so it can be piped to a file; the rest is for the person.
	fmt.Fprintln(env.Stdout, rot.Key)
	fmt.Fprintf(env.Stderr, "new key %s (%s); %s stops working at %s\nthe key is shown this once: keep it safe\n",
		rot.ID, rot.Role, fs.Arg(0), bothZones(rot.OldExpiresAt))
	return nil
}

// wibZone is Western Indonesia Time, shown beside UTC as the portal does;
// Indonesia keeps no summer time, so a fixed offset needs no zone database.
func wibZone() *time.Location { return time.FixedZone("WIB", 7*60*60) }

// bothZones shows a time in UTC and WIB, or "-" when unset.
func bothZones(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC") + " (" + t.In(wibZone()).Format("15:04 WIB") + ")"
}

func keyList(ctx context.Context, env *Env, cl *client.Client, path string) error {
	var l client.KeyList
	if _, err := cl.Do(ctx, "GET", path, nil, nil, &l); err != nil {
		return err
	}
	deref := func(t *time.Time) time.Time {
		if t == nil {
			return time.Time{}
		}
		return *t
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tROLE\tCREATED\tEXPIRES\tLAST USED\tREVOKED")
	for _, k := range l.Items {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Role, bothZones(k.CreatedAt), bothZones(deref(k.ExpiresAt)),
			bothZones(deref(k.LastUsedAt)), bothZones(deref(k.RevokedAt)))
	}
	return tw.Flush()
}
