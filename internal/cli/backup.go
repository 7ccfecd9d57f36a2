package cli

import (
	"context"
	"fmt"
	"net/url"

	"github.com/sigap/sigap/internal/backup"
)

func runBackup(ctx context.Context, env *Env, args []string) error {
	fs := usageFlags("backup", env, "usage: sigap backup --data DIR [--db URL] --out DIR2\n\n"+
		"Writes a consistent copy of the running service: the keys of its data dir and its database (SQLite: a\n"+
		"copy that `sigap serve --data DIR2` starts from; PostgreSQL: a pg_dump that `sigap restore` loads), with\n"+
		"backup.json saying when, where the transparency log stood and the SHA-256 of every file. Safe while the\n"+
		"service runs; every notice acknowledged before it began is in the copy. DIR2 must not exist or be empty.")
	data := fs.String("data", envOr(env, "SIGAP_DATA", "./sigap-data"), "the service's data dir (env SIGAP_DATA)")
	db := fs.String("db", envOr(env, "SIGAP_DB", ""), "the service's database URL, as sigap serve --db (env SIGAP_DB)")
	out := fs.String("out", "", "the directory to write the backup to (must not exist or be empty)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 || *out == "" {
		fs.Usage()
		return errUsage
	}
	m, err := backup.Create(ctx, backup.Options{DataDir: *data, DB: *db, Out: *out, Now: env.Now,
		Progress: func(line string) { fmt.Fprintln(env.Stderr, line) }})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "backup %s: %s, %d files, transparency log of %d entries (checkpoint of %d)\n",
		*out, m.Engine, len(m.Files)+1, m.LogSize, m.CheckpointSize)
	if m.Engine == "sqlite" {
		fmt.Fprintf(env.Stdout, "start from it:  sigap serve --data %s\ncheck it:       sigap log verify --data %s\n", *out, *out)
	} else {
		fmt.Fprintf(env.Stdout, "restore it into a new, empty database, then check it:\n"+
			"  sigap restore --from %s --data NEWDIR --db postgres://.../NEWDB\n"+
			"  sigap log verify --data NEWDIR --db postgres://.../NEWDB\n", *out)
	}
	return nil
}

func runRestore(ctx context.Context, env *Env, args []string) error {
	fs := usageFlags("restore", env, "usage: sigap restore --from DIR2 --data DIR [--db URL]\n\n"+
		"Checks a backup made by `sigap backup` against its manifest and puts it back: the keys (and a SQLite\n"+
		"database) into the data dir DIR, which must not exist or be empty; a PostgreSQL dump into the database\n"+
		"--db names, which must hold no sigap tables (pg_restore, in one transaction). Then: sigap serve --data DIR [--db URL].")
	from := fs.String("from", "", "the backup directory")
	data := fs.String("data", "", "the data dir to restore into (must not exist or be empty)")
	db := fs.String("db", "", "PostgreSQL: the empty database to restore into; SQLite: sqlite:PATH, or empty for DIR/sigap.db")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 || *from == "" || *data == "" {
		fs.Usage()
		return errUsage
	}
	m, err := backup.Restore(ctx, backup.RestoreOptions{From: *from, DataDir: *data, DB: *db,
		Progress: func(line string) { fmt.Fprintln(env.Stderr, line) }})
	if err != nil {
		return err
	}
	at := "--data " + *data
	if *db != "" {
		at += " --db " + redactURL(*db)
	}
	fmt.Fprintf(env.Stdout, "restored the backup of %s (%s, transparency log of %d entries)\nstart it:  sigap serve %s\ncheck it:  sigap log verify %s\n",
		m.CreatedAt.Format("2006-01-02 15:04:05 UTC"), m.Engine, m.LogSize, at, at)
	return nil
}

// redactURL hides a password in a database URL before it is printed.
func redactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "URL"
	}
	return p.Redacted()
}
