package cli

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// benchCompare runs rounds of intake on SQLite (a fresh data folder) and on
// PostgreSQL (a fresh database on the server admin names), one after the
// other, and reports them side by side: what "the same sitting,
// interleaved" means, in one command anyone can rerun. admin must be allowed
// to create and drop databases; each round's database is dropped after it.
func benchCompare(ctx context.Context, env *Env, prof benchProfiler, admin string, clients int, d time.Duration, poolSize, rounds int) error {
	database, err := databaseURLs(admin)
	if err != nil {
		return err
	}
	pg, err := pgx.Connect(ctx, admin)
	if err != nil {
		return fmt.Errorf("bench: --compare %s: %w", redactURL(admin), err)
	}
	defer pg.Close(context.Background())
	cpu := postgresCPU(ctx, pg)
	var lite, post []benchResult
	var pgCPU []time.Duration // PostgreSQL's processes' CPU per notice, when readable
	for round := range max(rounds, 1) {
		fmt.Fprintf(env.Stdout, "round %d, SQLite (load %s):\n", round+1, loadAverage())
		res, err := benchOnce(ctx, env, prof, fmt.Sprintf("sqlite-%d", round+1), "", clients, d, poolSize, nil)
		if err != nil {
			return err
		}
		lite = append(lite, res)

		name := fmt.Sprintf("sigap_bench_%d_%d", os.Getpid(), round+1)
		dbURL := database(name)
		if _, err := pg.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
			return fmt.Errorf("bench: create database %s: %w", name, err)
		}
		fmt.Fprintf(env.Stdout, "round %d, PostgreSQL (load %s):\n", round+1, loadAverage())
		var before, after time.Duration
		res, err = benchOnce(ctx, env, prof, fmt.Sprintf("postgres-%d", round+1), dbURL, clients, d, poolSize, func(start bool) {
			if start {
				before = cpu()
			} else {
				after = cpu()
			}
		})
		_, derr := pg.Exec(context.Background(), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
		if err := errors.Join(err, derr); err != nil {
			return err
		}
		post = append(post, res)
		if before > 0 && after > before {
			pgCPU = append(pgCPU, (after-before)/time.Duration(max(res.stored, 1)))
		}
		if len(pgCPU) == len(post) {
			fmt.Fprintf(env.Stdout, "PostgreSQL's processes: %s/notice\n", pgCPU[len(pgCPU)-1].Round(time.Microsecond))
		}
	}
	rate := func(r benchResult) float64 { return r.rate() }
	us := func(r benchResult) float64 { return float64(r.cpuPerNotice().Microseconds()) }
	p99 := func(r benchResult) float64 { return float64(r.pct(0.99).Microseconds()) / 1000 }
	fmt.Fprintf(env.Stdout, "medians of %d rounds   SQLite / PostgreSQL\n", len(post))
	fmt.Fprintf(env.Stdout, "  throughput        %6.0f / %6.0f notices/s   (PostgreSQL at %.2f of SQLite)\n", median(lite, rate), median(post, rate), median(post, rate)/median(lite, rate))
	fmt.Fprintf(env.Stdout, "  latency p99       %6.2f / %6.2f ms\n", median(lite, p99), median(post, p99))
	if len(pgCPU) == len(post) {
		fmt.Fprintf(env.Stdout, "  CPU per notice    %6.0f / %6.0f + %.0f µs (this process / + PostgreSQL's)\n", median(lite, us), median(post, us), medianMicros(pgCPU))
	} else {
		fmt.Fprintf(env.Stdout, "  CPU per notice    %6.0f / %6.0f µs (this process; PostgreSQL's own is not readable from here)\n", median(lite, us), median(post, us))
	}
	fmt.Fprintf(env.Stdout, "per round, PostgreSQL/SQLite throughput:")
	for i := range post {
		fmt.Fprintf(env.Stdout, " %.2f", post[i].rate()/lite[i].rate())
	}
	fmt.Fprintln(env.Stdout)
	return nil
}

// benchOnce starts a server on a fresh data folder (and dbURL; empty:
// SQLite), runs one timed intake against it, prints the result and stops
// the server; around, when set, is called just before and just after the
// timed loop.
func benchOnce(ctx context.Context, env *Env, prof benchProfiler, profName, dbURL string, clients int, d time.Duration, poolSize int, around func(start bool)) (benchResult, error) {
	var res benchResult
	err := benchServer(ctx, dbURL, func(b benchTarget) error {
		reqs, err := benchRequests(b.base, 0, poolSize, nil)
		if err != nil {
			return err
		}
		if around != nil {
			around(true)
		}
		err = prof.run(profName, func() (err error) {
			res, err = benchIntake(ctx, env, b.base, b.key, clients, d, reqs)
			return err
		})
		if around != nil {
			around(false)
		}
		if err == nil {
			res.print(env.Stdout, clients)
		}
		return err
	})
	return res, err
}

// databaseURLs checks that u is a PostgreSQL URL and returns a maker of
// the same URL naming another database. A search_path, which names a
// schema of u's database, is dropped: a fresh database has only public.
func databaseURLs(u string) (func(name string) string, error) {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "postgres" && p.Scheme != "postgresql") {
		return nil, fmt.Errorf("bench: --compare wants a postgres:// URL, got %q", redactURL(u))
	}
	q := p.Query()
	q.Del("search_path")
	p.RawQuery = q.Encode()
	return func(name string) string {
		c := *p
		c.Path = "/" + name
		return c.String()
	}, nil
}

// postgresCPU returns a reader of the CPU time that the PostgreSQL server
// behind pg has used, summed over its postmaster and every child process,
// when that server runs on this machine and /proc shows it; otherwise a
// reader of 0.
func postgresCPU(ctx context.Context, pg *pgx.Conn) func() time.Duration {
	none := func() time.Duration { return 0 }
	var backend int
	if err := pg.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&backend); err != nil {
		return none
	}
	st, ok := procStat(backend)
	if !ok || !strings.Contains(st.comm, "postgres") {
		return none // another machine's process number
	}
	postmaster := st.ppid
	return func() time.Duration {
		var ticks int64
		dirs, _ := filepath.Glob("/proc/[0-9]*")
		for _, d := range dirs {
			pid, err := strconv.Atoi(filepath.Base(d))
			if err != nil {
				continue
			}
			if s, ok := procStat(pid); ok && (pid == postmaster || s.ppid == postmaster) {
				ticks += s.ticks
			}
		}
		return time.Duration(ticks) * 10 * time.Millisecond // USER_HZ is 100 on Linux
	}
}

type procStatus struct {
	comm  string
	ppid  int
	ticks int64 // utime + stime
}

// procStat reads /proc/pid/stat: the command, the parent and the CPU ticks.
func procStat(pid int) (procStatus, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procStatus{}, false
	}
	s := string(b)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return procStatus{}, false
	}
	f := strings.Fields(s[end+1:]) // from the state on: state ppid ... utime(12) stime(13)
	if len(f) < 13 {
		return procStatus{}, false
	}
	ppid, err1 := strconv.Atoi(f[1])
	ut, err2 := strconv.ParseInt(f[11], 10, 64)
	stt, err3 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return procStatus{}, false
	}
	return procStatus{comm: s[open+1 : end], ppid: ppid, ticks: ut + stt}, true
}
