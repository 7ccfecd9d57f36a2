package backup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/sigap/sigap/internal/store"
)

// pgxOnly are URL parameters pgx understands and libpq (pg_dump, pg_restore)
// refuses as invalid.
var pgxOnly = []string{"search_path", "statement_cache_capacity", "description_cache_capacity",
	"statement_cache_mode", "default_query_exec_mode", "min_read_buffer_size"}

// libpqTarget turns a database URL as sigap takes it into what libpq's tools
// take: the URL without its password (which goes in PGPASSWORD, not on a
// command line every local user can read) and without the parameters only
// pgx knows; the schema named by search_path comes back separately.
func libpqTarget(raw string) (conn, password, schema string, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", "", fmt.Errorf("backup: database URL: %w", err)
	}
	if u.User != nil {
		password, _ = u.User.Password()
		name := u.User.Username()
		u.User = nil
		if name != "" {
			u.User = url.User(name)
		}
	}
	q := u.Query()
	schema = q.Get("search_path")
	if strings.Contains(schema, ",") {
		return "", "", "", fmt.Errorf("backup: search_path %q names several schemas; a backup covers one", schema)
	}
	for k := range q {
		if strings.HasPrefix(k, "pool_") || slices.Contains(pgxOnly, k) {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	return u.String(), password, schema, nil
}

// tool finds one of PostgreSQL's client programs and checks it can work
// with a server of major version serverMajor (pg_dump refuses a newer server).
func tool(ctx context.Context, name string, serverMajor int) (string, error) {
	path, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("backup: %s not found: install PostgreSQL's client programs (Debian: apt-get install postgresql-client-%d) or put them on PATH", name, serverMajor)
	}
	out, err := exec.CommandContext(ctx, path, "--version").Output()
	if err != nil {
		return "", fmt.Errorf("backup: %s --version: %w", path, err)
	}
	major, err := toolMajor(string(out))
	if err != nil {
		return "", fmt.Errorf("backup: %s: %w", path, err)
	}
	if major < serverMajor {
		return "", fmt.Errorf("backup: %s is PostgreSQL %d's, older than the server (PostgreSQL %d): install postgresql-client-%d or newer", path, major, serverMajor, serverMajor)
	}
	return path, nil
}

var versionRe = regexp.MustCompile(`\(PostgreSQL\) (\d+)`)

// toolMajor reads the major version from `pg_dump --version`'s line.
func toolMajor(line string) (int, error) {
	m := versionRe.FindStringSubmatch(line)
	if m == nil {
		return 0, fmt.Errorf("cannot read the version in %q", strings.TrimSpace(line))
	}
	return strconv.Atoi(m[1])
}

// pgDump dumps the database at dbURL into file in pg_dump's custom format,
// returning the schema it covers ("" for the whole database). pg_dump reads
// in one snapshot, so the dump holds every transaction committed before it
// began and none half.
func pgDump(ctx context.Context, dbURL, file string) (string, error) {
	major, err := store.PostgresServerVersion(ctx, dbURL)
	if err != nil {
		return "", err
	}
	bin, err := tool(ctx, "pg_dump", major)
	if err != nil {
		return "", err
	}
	conn, password, schema, err := libpqTarget(dbURL)
	if err != nil {
		return "", err
	}
	args := []string{"--format=custom", "--no-owner", "--no-privileges", "--file=" + file}
	if schema != "" {
		args = append(args, "--schema="+schema)
	}
	args = append(args, "--dbname="+conn)
	if err := runPG(ctx, bin, password, args); err != nil {
		return "", err
	}
	if err := os.Chmod(file, 0o600); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	return schema, nil
}

// runPG runs a PostgreSQL client program with the password in its
// environment and returns its error output on failure.
func runPG(ctx context.Context, bin, password string, args []string) error {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = os.Environ()
	if password != "" {
		cmd.Env = append(cmd.Env, "PGPASSWORD="+password)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("backup: %s failed: %s", bin, strings.TrimSpace(stderr.String()))
		}
		return fmt.Errorf("backup: run %s: %w", bin, err)
	}
	return nil
}
