package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/server"
)

// runBench is the load generator for the intake figures in docs/benchmarks.md.
func runBench(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 && args[0] == "report" {
		return runBenchReport(ctx, env, args[1:]) // its own flags: sigap bench report --help
	}
	fs := flag.NewFlagSet("sigap bench", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "usage: sigap bench [flags] intake|bigorder|report\n\n"+
			"  intake    many single-subject notices from concurrent clients: notices/s and latency percentiles\n"+
			"  bigorder  one order with --subjects subjects: time to the signed receipt, and memory\n"+
			"  report    a year's transparency report over 10,000,000 seeded events on PostgreSQL (sigap bench report --help)\n\n"+
			"By default it starts its own server in a temporary data dir (SQLite, or --db postgres://...).")
		fs.PrintDefaults()
	}
	dbURL := fs.String("db", "", "database for the in-process server (empty: SQLite)")
	clients := fs.Int("clients", 64, "concurrent clients (intake)")
	duration := fs.Duration("duration", 10*time.Second, "how long to send (intake)")
	subjects := fs.Int("subjects", 100_000, "subjects in the order (bigorder)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	servers := fs.String("servers", "", "intake against running servers instead (comma-separated URLs, replicas of one service: clients spread over them)")
	key := fs.String("key", env.Getenv("SIGAP_KEY"), "authority API key for --servers (env SIGAP_KEY)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if fs.NArg() != 1 || (fs.Arg(0) != "intake" && fs.Arg(0) != "bigorder") {
		fs.Usage()
		return errUsage
	}
	if *servers != "" {
		if fs.Arg(0) != "intake" || *key == "" {
			return errors.New("bench: --servers runs intake only, with an authority key in --key or SIGAP_KEY")
		}
		bases := strings.Split(*servers, ",")
		fmt.Fprintf(env.Stdout, "sigap bench intake: %s, %s, GOMAXPROCS=%d, %d running server(s)\n", runtime.Version(), cpuModel(), runtime.GOMAXPROCS(0), len(bases))
		return benchIntake(ctx, env, bases, *key, *clients, *duration)
	}
	dir, err := os.MkdirTemp("", "sigap-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: dir, DB: *dbURL, ShutdownTimeout: 10 * time.Second}
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
	fmt.Fprintf(env.Stdout, "sigap bench %s: %s, %s, GOMAXPROCS=%d, database %s\n", fs.Arg(0), runtime.Version(), cpuModel(), runtime.GOMAXPROCS(0), s.DB.Dialect())
	if fs.Arg(0) == "intake" {
		err = benchIntake(ctx, env, []string{base}, k.Secret, *clients, *duration)
	} else {
		err = benchBigOrder(ctx, env, base, k.Secret, *subjects)
	}
	stop()
	return errors.Join(err, <-errc)
}

// benchIntake sends from clients spread over bases, client c to bases[c % len(bases)].
func benchIntake(ctx context.Context, env *Env, bases []string, key string, clients int, d time.Duration) error {
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var seq atomic.Int64
	var failures atomic.Int64
	lat := make([][]time.Duration, clients)
	deadline := time.Now().Add(d)
	start := time.Now()
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
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			base := bases[c%len(bases)]
			for time.Now().Before(deadline) && ctx.Err() == nil {
				n := seq.Add(1)
				body := fmt.Sprintf(`{"kind":"order","category":"terrorism","explanation":"bench","legal_basis":"UU ITE Pasal 40","subjects":[{"url":"https://t.me/benchchan%d/%d"}]}`, n%5000, n)
				req, _ := http.NewRequestWithContext(ctx, "POST", base+"/v1/notices", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+key)
				req.Header.Set("Content-Type", "application/json")
				t0 := time.Now()
				resp, err := hc.Do(req)
				if err != nil {
					failures.Add(1)
					continue
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
	elapsed := time.Since(start)
	all := slices.Concat(lat...)
	slices.Sort(all)
	if len(all) == 0 {
		return errors.New("no notice succeeded")
	}
	pct := func(p float64) time.Duration { return all[min(len(all)-1, int(p*float64(len(all))))] }
	fmt.Fprintf(env.Stdout, "clients %d, %s: %d notices stored (201), %d failed\n", clients, elapsed.Round(time.Millisecond), len(all), failures.Load())
	fmt.Fprintf(env.Stdout, "throughput %.0f notices/s   latency p50 %s  p90 %s  p99 %s  max %s\n",
		float64(len(all))/elapsed.Seconds(), pct(0.50).Round(10*time.Microsecond), pct(0.90).Round(10*time.Microsecond),
		pct(0.99).Round(10*time.Microsecond), all[len(all)-1].Round(10*time.Microsecond))
	return nil
}

func benchBigOrder(ctx context.Context, env *Env, base, key string, n int) error {
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
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/v1/notices", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
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
