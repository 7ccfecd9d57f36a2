package cli

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/httpsig"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/server"
	"github.com/sigap/sigap/internal/store"
)

// runBench is the load generator for the intake figures in docs/benchmarks.md.
func runBench(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 && args[0] == "report" {
		return runBenchReport(ctx, env, args[1:]) // its own flags: sigap bench report --help
	}
	fs := usageFlags("bench", env, "usage: sigap bench [flags] intake|bigorder|report\n\n"+
		"  intake    many single-subject notices from concurrent clients: notices/s, latency percentiles and CPU per notice\n"+
		"            (--signed: rounds of unsigned and RFC 9421-signed runs, side by side;\n"+
		"             --compare postgres://...: rounds on SQLite and on PostgreSQL, side by side)\n"+
		"  bigorder  one order with --subjects subjects: time to the signed receipt, and memory\n"+
		"  report    a year's transparency report over 10,000,000 seeded events on PostgreSQL (sigap bench report --help)\n\n"+
		"By default it starts its own server in a temporary data dir (SQLite, or --db postgres://...).")
	dbURL := fs.String("db", "", "database for the in-process server (empty: SQLite)")
	clients := fs.Int("clients", 64, "concurrent clients (intake)")
	duration := fs.Duration("duration", 10*time.Second, "how long to send (intake)")
	subjects := fs.Int("subjects", 100_000, "subjects in the order (bigorder)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the timed loop to this file (intake --signed: one a run, FILE-unsigned-1.ext, FILE-signed-1.ext, ...)")
	signed := fs.Bool("signed", false, "intake: also run with every request signed (RFC 9421, Ed25519; signed before the timed loop), in rounds interleaved with unsigned ones, and report the two side by side")
	check := fs.Bool("check", false, "intake --servers: afterwards, ask the servers for every notice they acknowledged (201) and verify its receipt: nothing lost, even when a replica was killed during the run")
	rounds := fs.Int("rounds", 3, "intake --signed or --compare: rounds of the two runs")
	pool := fs.Int("pool", 0, "intake: requests prepared before each timed loop (0: 8,000 a second of --duration); a run that uses them all stops early")
	servers := fs.String("servers", "", "intake against running servers instead (comma-separated URLs, replicas of one service: clients spread over them)")
	key := fs.String("key", env.Getenv("SIGAP_KEY"), "authority API key for --servers (env SIGAP_KEY)")
	compare := fs.String("compare", "", "intake: rounds on SQLite and on PostgreSQL one after the other (--rounds), each round on a fresh database created through this postgres:// URL (it needs CREATEDB) and dropped after it, and the two side by side")
	if err := fs.Parse(args); err != nil {
		return err
	}
	// Flags may come after the subcommand too (sigap bench intake --servers ...).
	if sub := fs.Args(); len(sub) > 1 {
		if err := fs.Parse(sub[1:]); err != nil {
			return err
		}
		if fs.NArg() != 0 {
			return fmt.Errorf("bench: unexpected argument %q", fs.Arg(0))
		}
		if err := fs.Parse([]string{sub[0]}); err != nil {
			return err
		}
	}
	prof := benchProfiler{path: *cpuProfile}
	if fs.NArg() != 1 || (fs.Arg(0) != "intake" && fs.Arg(0) != "bigorder") || (*signed && fs.Arg(0) != "intake") {
		fs.Usage()
		return errUsage
	}
	if *check && *servers == "" {
		return errors.New("bench: --check goes with --servers")
	}
	if *servers != "" {
		if fs.Arg(0) != "intake" || *signed || *key == "" {
			return errors.New("bench: --servers runs unsigned intake only, with an authority key in --key or SIGAP_KEY")
		}
		poolSize := *pool
		if poolSize <= 0 {
			poolSize = max(1000, int(8000*duration.Seconds()))
		}
		fmt.Fprintf(env.Stdout, "sigap bench intake: %s, %s, GOMAXPROCS=%d, %d running server(s)\n", runtime.Version(), cpuModel(), runtime.GOMAXPROCS(0), strings.Count(*servers, ",")+1)
		reqs, err := benchRequests(*servers, 0, poolSize, nil)
		if err != nil {
			return err
		}
		var acks *acknowledged
		var keep func([]byte)
		if *check {
			acks = &acknowledged{}
			keep = acks.keep
		}
		var res benchResult
		err = prof.run("", func() (err error) {
			res, err = benchIntakeKeeping(ctx, env, *servers, *key, *clients, *duration, reqs, keep)
			return err
		})
		if err == nil {
			res.print(env.Stdout, *clients)
		}
		if err == nil && acks != nil {
			err = acks.check(ctx, env, strings.Split(*servers, ","), *key)
		}
		return err
	}
	poolSize := *pool
	if poolSize <= 0 {
		poolSize = max(1000, int(8000*duration.Seconds()))
	}
	if *compare != "" {
		if fs.Arg(0) != "intake" || *signed || *dbURL != "" {
			return errors.New("bench: --compare runs unsigned intake on SQLite and on the PostgreSQL server it names; leave out --db and --signed")
		}
		fmt.Fprintf(env.Stdout, "sigap bench intake: %s, %s, GOMAXPROCS=%d, SQLite and PostgreSQL in interleaved rounds\n", runtime.Version(), cpuModel(), runtime.GOMAXPROCS(0))
		return benchCompare(ctx, env, prof, *compare, *clients, *duration, poolSize, *rounds)
	}
	return benchServer(ctx, *dbURL, func(b benchTarget) error {
		fmt.Fprintf(env.Stdout, "sigap bench %s: %s, %s, GOMAXPROCS=%d, database %s\n", fs.Arg(0), runtime.Version(), cpuModel(), runtime.GOMAXPROCS(0), b.db.Dialect())
		switch {
		case fs.Arg(0) == "intake" && *signed:
			sk, err := benchSigningKey(ctx, b.db, b.orgID)
			if err != nil {
				return err
			}
			return benchSigned(ctx, env, prof, b.base, b.key, *clients, *duration, poolSize, *rounds, sk)
		case fs.Arg(0) == "intake":
			reqs, err := benchRequests(b.base, 0, poolSize, nil)
			if err != nil {
				return err
			}
			var res benchResult
			err = prof.run("", func() (err error) {
				res, err = benchIntake(ctx, env, b.base, b.key, *clients, *duration, reqs)
				return err
			})
			if err == nil {
				res.print(env.Stdout, *clients)
			}
			return err
		default:
			return benchBigOrder(ctx, env, prof, b.base, b.key, *subjects)
		}
	})
}

// benchTarget is the in-process server a bench runs against: its address,
// database, and the bench authority's org and API key.
type benchTarget struct {
	base, key, orgID string
	db               *store.DB
}

// benchServer starts an in-process server on a fresh data folder (and dbURL;
// empty: SQLite) with a bench authority, runs fn against it, and stops it.
func benchServer(ctx context.Context, dbURL string, fn func(benchTarget) error) error {
	dir, err := os.MkdirTemp("", "sigap-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: dir, DB: dbURL, ShutdownTimeout: 10 * time.Second}
	s, err := server.New(ctx, cfg, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		return err
	}
	defer s.Close()
	o, err := s.API.Admin.CreateOrg(ctx, "Bench authority", org.KindAuthority, "")
	if err != nil {
		return err
	}
	k, err := s.API.Admin.CreateKey(ctx, o.ID, org.RoleAuthority)
	if err != nil {
		return err
	}
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	addrc := make(chan string, 1)
	errc := make(chan error, 1)
	go func() { errc <- s.Serve(sctx, func(a string) { addrc <- a }) }()
	var base string
	select {
	case a := <-addrc:
		base = "http://" + a
	case err := <-errc:
		return err
	}
	err = fn(benchTarget{base: base, key: k.Secret, orgID: o.ID, db: s.DB})
	stop()
	return errors.Join(err, <-errc)
}

// benchRequest is one notice prepared before the timed loop: its body and,
// when signed, its Content-Digest, Signature-Input and Signature fields,
// already in canonical form so the loop only copies them in.
type benchRequest struct {
	body []byte
	sig  http.Header
}

// benchRequests prepares n single-subject notices numbered from first,
// signed with k (now) unless k is nil, so that the timed loop only sends.
func benchRequests(base string, first, n int, k *httpsig.Key) ([]benchRequest, error) {
	reqs := make([]benchRequest, n)
	now := time.Now()
	for i := range reqs {
		seq := first + i + 1
		body := []byte(fmt.Sprintf(`{"kind":"order","category":"terrorism","explanation":"bench","legal_basis":"UU ITE Pasal 40","subjects":[{"url":"https://t.me/benchchan%d/%d"}]}`, seq%5000, seq))
		reqs[i].body = body
		if k == nil {
			continue
		}
		m := httpsig.Message{Method: "POST", TargetURI: base + "/v1/notices", Header: http.Header{}}
		if err := httpsig.Sign(m, body, *k, now); err != nil {
			return nil, err
		}
		reqs[i].sig = m.Header
	}
	return reqs, nil
}

// benchResult is one timed intake run.
type benchResult struct {
	stored, failed int64
	elapsed        time.Duration
	lat            []time.Duration // sorted
	cpu            time.Duration   // of this whole process (server and clients)
	heap           heapAllocs      // of this whole process, as cpu
	exhausted      bool            // every prepared request was sent before the deadline
}

func (r benchResult) rate() float64 { return float64(r.stored) / r.elapsed.Seconds() }

// cpuPerNotice is the process's CPU time per stored notice.
func (r benchResult) cpuPerNotice() time.Duration { return r.cpu / time.Duration(max(r.stored, 1)) }

// allocPerNotice is the bytes the process allocated per stored notice: unlike
// its CPU time it hardly moves with the machine's load, so it shows a saving
// of a few hundred bytes that a noisy CPU figure hides, and what the GC is fed.
func (r benchResult) allocPerNotice() (bytes, objects float64) {
	n := float64(max(r.stored, 1))
	return float64(r.heap.bytes) / n, float64(r.heap.objects) / n
}

func (r benchResult) pct(p float64) time.Duration {
	return r.lat[min(len(r.lat)-1, int(p*float64(len(r.lat))))].Round(10 * time.Microsecond)
}

func (r benchResult) print(w io.Writer, clients int) {
	note := ""
	if r.exhausted {
		note = " (every prepared request sent: raise --pool)"
	}
	fmt.Fprintf(w, "clients %d, %s: %d notices stored (201), %d failed%s\n", clients, r.elapsed.Round(time.Millisecond), r.stored, r.failed, note)
	fmt.Fprintf(w, "throughput %.0f notices/s   latency p50 %s  p90 %s  p99 %s  max %s   CPU %s/notice\n",
		r.rate(), r.pct(0.50), r.pct(0.90), r.pct(0.99), r.lat[len(r.lat)-1].Round(10*time.Microsecond), r.cpuPerNotice().Round(time.Microsecond))
	b, o := r.allocPerNotice()
	fmt.Fprintf(w, "allocated %.0f bytes in %.0f objects per notice\n", b, o)
}

// benchSigningKey registers a fresh Ed25519 key for the bench authority.
func benchSigningKey(ctx context.Context, db *store.DB, orgID string) (*httpsig.Key, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	k := store.SigningKey{OrgID: orgID, KeyID: "bench", Algorithm: httpsig.Algorithm,
		PublicKey: base64.StdEncoding.EncodeToString(pub), CreatedAt: time.Now()}
	if err := db.Write(ctx, func(tx *store.Tx) error { return tx.AddSigningKey(ctx, k) }); err != nil {
		return nil, err
	}
	return &httpsig.Key{KeyID: k.KeyID, Private: priv}, nil
}

// benchSigned runs rounds of an unsigned and a signed intake run, each on
// requests prepared (and signed) before its timed loop, and reports what
// signing adds: throughput, latency and the process's CPU per notice.
func benchSigned(ctx context.Context, env *Env, prof benchProfiler, base, key string, clients int, d time.Duration, poolSize, rounds int, k *httpsig.Key) error {
	var unsigned, signed []benchResult
	next := 0
	for round := range max(rounds, 1) {
		for _, sign := range []bool{false, true} {
			var sk *httpsig.Key
			name := "unsigned"
			if sign {
				sk, name = k, "signed"
			}
			reqs, err := benchRequests(base, next, poolSize, sk)
			if err != nil {
				return err
			}
			next += poolSize
			fmt.Fprintf(env.Stdout, "round %d, %s (load %s):\n", round+1, name, loadAverage())
			var res benchResult
			err = prof.run(fmt.Sprintf("%s-%d", name, round+1), func() (err error) {
				res, err = benchIntake(ctx, env, base, key, clients, d, reqs)
				return err
			})
			if err != nil {
				return err
			}
			res.print(env.Stdout, clients)
			if sign {
				signed = append(signed, res)
			} else {
				unsigned = append(unsigned, res)
			}
		}
	}
	med := median
	rate := func(r benchResult) float64 { return r.rate() }
	cpu := func(r benchResult) float64 { return float64(r.cpuPerNotice().Microseconds()) }
	p50 := func(r benchResult) float64 { return float64(r.pct(0.5).Microseconds()) / 1000 }
	p99 := func(r benchResult) float64 { return float64(r.pct(0.99).Microseconds()) / 1000 }
	fmt.Fprintf(env.Stdout, "medians of %d rounds   unsigned / signed\n", len(signed))
	fmt.Fprintf(env.Stdout, "  throughput        %6.0f / %6.0f notices/s   (signed %+.1f%%)\n", med(unsigned, rate), med(signed, rate), 100*(med(signed, rate)/med(unsigned, rate)-1))
	fmt.Fprintf(env.Stdout, "  CPU per notice    %6.0f / %6.0f µs          (signed %+.1f%%)\n", med(unsigned, cpu), med(signed, cpu), 100*(med(signed, cpu)/med(unsigned, cpu)-1))
	allocB := func(r benchResult) float64 { b, _ := r.allocPerNotice(); return b }
	allocO := func(r benchResult) float64 { _, o := r.allocPerNotice(); return o }
	fmt.Fprintf(env.Stdout, "  allocated           %6.0f / %6.0f bytes/notice (signed %+.0f)\n", med(unsigned, allocB), med(signed, allocB), med(signed, allocB)-med(unsigned, allocB))
	fmt.Fprintf(env.Stdout, "  objects             %6.0f / %6.0f per notice   (signed %+.0f)\n", med(unsigned, allocO), med(signed, allocO), med(signed, allocO)-med(unsigned, allocO))
	fmt.Fprintf(env.Stdout, "  latency p50       %6.2f / %6.2f ms\n", med(unsigned, p50), med(signed, p50))
	fmt.Fprintf(env.Stdout, "  latency p99       %6.2f / %6.2f ms\n", med(unsigned, p99), med(signed, p99))
	fmt.Fprintf(env.Stdout, "per round, signed/unsigned CPU per notice:")
	for i := range signed {
		fmt.Fprintf(env.Stdout, " %.3f", float64(signed[i].cpuPerNotice())/float64(unsigned[i].cpuPerNotice()))
	}
	fmt.Fprintln(env.Stdout)
	return nil
}

// median is the median of f over rs.
func median(rs []benchResult, f func(benchResult) float64) float64 {
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = f(r)
	}
	slices.Sort(v)
	return v[len(v)/2]
}

// medianMicros is the median of ds in microseconds.
func medianMicros(ds []time.Duration) float64 {
	v := slices.Clone(ds)
	slices.Sort(v)
	return float64(v[len(v)/2].Microseconds())
}

// processCPU is the user and system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadAverage is the 1-minute load average, or "?".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

// benchIntake sends the prepared requests from concurrent clients until d
// has passed or none is left.
func benchIntake(ctx context.Context, env *Env, base, key string, clients int, d time.Duration, reqs []benchRequest) (benchResult, error) {
	return benchIntakeKeeping(ctx, env, base, key, clients, d, reqs, nil)
}

// benchIntakeKeeping is benchIntake handing each 201's body to keep, when
// not nil (it must be safe for concurrent use).
func benchIntakeKeeping(ctx context.Context, env *Env, base, key string, clients int, d time.Duration, reqs []benchRequest, keep func([]byte)) (benchResult, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var seq atomic.Int64
	var failures atomic.Int64
	lat := make([][]time.Duration, clients)
	deadline := time.Now().Add(d)
	start := time.Now()
	cpu0, heap0 := processCPU(), readHeapAllocs()
	var stored atomic.Int64
	bar := newProgress(env.Stderr, "s", int(d.Seconds()), true)
	bar.status = func() string {
		n := stored.Load()
		return fmt.Sprintf("%d notices  %.0f/s", n, float64(n)/max(time.Since(start).Seconds(), 0.001))
	}
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				bar.add(1)
			case <-done:
				return
			}
		}
	}()
	var wg sync.WaitGroup
	bases := strings.Split(base, ",") // replicas of one service (--servers): clients spread over them
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			at := c % len(bases)
			base := bases[at]
			for time.Now().Before(deadline) && ctx.Err() == nil {
				n := seq.Add(1)
				if n > int64(len(reqs)) {
					return
				}
				br := &reqs[n-1]
				req, _ := http.NewRequestWithContext(ctx, "POST", base+"/v1/notices", bytes.NewReader(br.body))
				req.Header.Set("Authorization", "Bearer "+key)
				req.Header.Set("Content-Type", "application/json")
				for name, v := range br.sig {
					req.Header[name] = v
				}
				t0 := time.Now()
				resp, err := hc.Do(req)
				if err != nil {
					// Like a load balancer: a replica that does not answer is
					// skipped and the client goes on with the next one.
					failures.Add(1)
					at = (at + 1) % len(bases)
					base = bases[at]
					continue
				}
				if keep != nil && resp.StatusCode == http.StatusCreated {
					if b, err := io.ReadAll(resp.Body); err == nil {
						keep(b)
					}
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					failures.Add(1)
					continue
				}
				lat[c] = append(lat[c], time.Since(t0))
				stored.Add(1)
			}
		}()
	}
	wg.Wait()
	close(done)
	bar.done()
	res := benchResult{elapsed: time.Since(start), cpu: processCPU() - cpu0, heap: readHeapAllocs().since(heap0), failed: failures.Load(), exhausted: seq.Load() >= int64(len(reqs))}
	res.lat = slices.Concat(lat...)
	slices.Sort(res.lat)
	res.stored = int64(len(res.lat))
	if len(res.lat) == 0 {
		return res, errors.New("no notice succeeded")
	}
	return res, nil
}

func benchBigOrder(ctx context.Context, env *Env, prof benchProfiler, base, key string, n int) error {
	subs := make([]map[string]string, n)
	for i := range subs {
		subs[i] = map[string]string{"url": fmt.Sprintf("https://t.me/s/Channel%d/%d?single", i%20000, i+1)}
	}
	body, _ := json.Marshal(map[string]any{"kind": "order", "category": "terrorism", "explanation": "bench",
		"legal_basis": "UU ITE Pasal 40", "subjects": subs})
	subs = nil
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	t0 := time.Now()
	var resp *http.Response
	var answer []byte
	err := prof.run("", func() error {
		req, _ := http.NewRequestWithContext(ctx, "POST", base+"/v1/notices", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		var err error
		if resp, err = http.DefaultClient.Do(req); err != nil {
			return err
		}
		answer, _ = io.ReadAll(resp.Body)
		return resp.Body.Close()
	})
	if err != nil {
		return err
	}
	elapsed := time.Since(t0)
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("status %d: %.300s", resp.StatusCode, answer)
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	fmt.Fprintf(env.Stdout, "one order of %d subjects (%.1f MB body): stored and receipted in %s (answer %.1f MB)\n",
		n, float64(len(body))/1e6, elapsed.Round(time.Millisecond), float64(len(answer))/1e6)
	fmt.Fprintf(env.Stdout, "memory: peak RSS of this process (client and server together) %s; Go heap allocated during the request %.0f MB\n",
		peakRSS(), float64(after.TotalAlloc-before.TotalAlloc)/1e6)
	return nil
}

// peakRSS reads the process's high-water resident set from /proc.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
		}
	}
	return runtime.GOARCH
}
