package escalate_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/escalate"
	"github.com/sigap/sigap/internal/jobs"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/textnorm/testcorpus"
)

// seed fills a fresh SQLite database with n open notices, each on its own
// open case, due in 1 to 30 days (so no timer is near), plus `soon` notices
// whose 50% timer falls due from 3 s after the seed on, one per 200 ms.
func seed(b *testing.B, dir string, n, soon int, seeded chan<- struct{}, start <-chan struct{}) time.Time {
	b.Helper()
	db, err := store.Open(context.Background(), store.Options{DataDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "sigap.db")+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	now := time.Now().UTC()
	tx, err := raw.Begin()
	if err != nil {
		b.Fatal(err)
	}
	must := func(_ sql.Result, err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	must(tx.Exec(`INSERT INTO orgs (id, name, kind, created_at) VALUES ('org_a', 'Kominfo', 'authority', ?)`, now.UnixMilli()))
	ins, _ := tx.Prepare(`INSERT INTO notices (id, org_id, kind, regime, category, class, within_ms, explanation, urgent, territorial_scope,
		good_faith, status, received_at, due_at, body_sha256, receipt_key_id, receipt_payload, receipt_signature, subject_count)
		VALUES (?, 'org_a', 'referral', 'ID-PSE', 'terrorism', 'standard', ?, 'x', 0, '["ID"]', 0, 'received', ?, ?, '', '', '', '', 1)`)
	cs, _ := tx.Prepare(`INSERT INTO cases (id, subject, subject_kind, state, lane, lane_rank, category, due_at, opened_at, updated_at)
		VALUES (?, ?, 'message', 'open', 'trusted', 1, 'terrorism', ?, ?, ?)`)
	ns, _ := tx.Prepare(`INSERT INTO notice_subjects (notice_id, position, url, subject, case_id, new_case) VALUES (?, 0, ?, ?, ?, 1)`)
	// Each notice's first timer, as intake files it with the notice.
	tm, _ := tx.Prepare(`INSERT INTO escalation_timers (notice_id, kind, step, fraction, next_at) VALUES (?, 'deadline', 0, 0.5, ?)`)
	for i := range n + soon {
		within := time.Duration(24+i%(29*24)) * time.Hour
		rec := now
		if i == n {
			// The clocks due soon are filed once the loops run (seeding the
			// bulk and reopening take minutes), with their timers the same way.
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
			// A running server checkpoints as it goes; fold the bulk load's
			// WAL into the database now rather than during the measurement.
			must(raw.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`))
			close(seeded)
			<-start
			if tx, err = raw.Begin(); err != nil {
				b.Fatal(err)
			}
			ins, cs, ns, tm = tx.Stmt(ins), tx.Stmt(cs), tx.Stmt(ns), tx.Stmt(tm)
			now = time.Now().UTC()
		}
		if i >= n {
			// 50% of a 10 s clock falls due 3 s + 200 ms·k from now, 80% 3 s
			// later, 100% 2 s after that.
			within = 10 * time.Second
			rec = now.Add(-2*time.Second + time.Duration(i-n)*200*time.Millisecond)
		}
		id := fmt.Sprintf("ntc_%09d", i)
		cid := fmt.Sprintf("cas_%09d", i)
		subj := "telegram:message/bench/" + strconv.Itoa(i+1)
		due := rec.Add(within).UnixMilli()
		must(ins.Exec(id, within.Milliseconds(), rec.UnixMilli(), due))
		must(cs.Exec(cid, subj, due, rec.UnixMilli(), rec.UnixMilli()))
		must(ns.Exec(id, "https://t.me/bench/"+strconv.Itoa(i+1), subj, cid))
		must(tm.Exec(id, store.FractionAt(time.UnixMilli(due), within, 0.5).UnixMilli()))
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return now
}

// BenchmarkEscalation1M measures, with 1,000,000 open notices and cases on
// SQLite, how late each escalation alert fires after its due instant, and the
// CPU the job queue and the escalation loop use while nothing is due.
// Run: SIGAP_BENCH_1M=1 go test ./internal/escalate/ -run '^$' -bench Escalation1M -benchtime 1x
func BenchmarkEscalation1M(b *testing.B) {
	n := 1_000_000
	if os.Getenv("SIGAP_BENCH_1M") == "" {
		n = 20_000 // the full size takes minutes to seed; opt in with SIGAP_BENCH_1M=1
	}
	const soon = 20
	for range b.N {
		dir := b.TempDir()
		t0 := time.Now()
		seeded, start, soonDone := make(chan struct{}), make(chan struct{}), make(chan struct{})
		go func() { defer close(soonDone); seed(b, dir, n, soon, seeded, start) }()
		<-seeded
		b.Logf("seeded %d open notices and cases in %s", n, time.Since(t0).Round(time.Second))
		db, err := store.Open(b.Context(), store.Options{DataDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		q := jobs.New(db, clock.System{}, nil, jobs.Config{})
		esc := escalate.New(db, clock.System{}, q, slog.New(slog.DiscardHandler), nil, escalate.Config{})
		var mu sync.Mutex
		var late []time.Duration
		esc.OnFire = func(tm store.Timer, at time.Time) {
			mu.Lock()
			late = append(late, time.Now().Sub(tm.NextAt))
			mu.Unlock()
		}
		ctx, cancel := context.WithCancel(b.Context())
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); q.Run(ctx) }()
		go func() { defer wg.Done(); esc.Run(ctx) }()
		close(start)
		<-soonDone
		deadline := time.Now().Add(60 * time.Second)
		for {
			mu.Lock()
			got := len(late)
			mu.Unlock()
			if got >= 3*soon || time.Now().After(deadline) {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		// Let the alert jobs settle, then measure an idle stretch: no timer due for a day.
		time.Sleep(2 * time.Second)
		idle := 30 * time.Second
		if os.Getenv("SIGAP_BENCH_1M") == "" {
			idle = 5 * time.Second
		}
		// Hand the seeding's garbage back first, so the runtime's background
		// scavenging is not counted as the loops' idle cost.
		debug.FreeOSMemory()
		if f := os.Getenv("SIGAP_BENCH_IDLE_PROFILE"); f != "" {
			pf, _ := os.Create(f)
			_ = pprof.StartCPUProfile(pf)
			defer func() { pprof.StopCPUProfile(); pf.Close() }()
		}
		c0, w0 := testcorpus.ProcessCPU(), time.Now()
		time.Sleep(idle)
		cpu, wall := testcorpus.ProcessCPU()-c0, time.Since(w0)
		cancel()
		wg.Wait()
		db.Close()
		mu.Lock()
		slices.Sort(late)
		var worst, p50 time.Duration
		if len(late) > 0 {
			worst, p50 = late[len(late)-1], late[len(late)/2]
		}
		b.ReportMetric(float64(len(late)), "alerts")
		b.ReportMetric(float64(p50.Milliseconds()), "p50-late-ms")
		b.ReportMetric(float64(worst.Milliseconds()), "max-late-ms")
		b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "idle-cpu-%")
		b.Logf("%d alerts; median %s, latest %s after its due time; idle: %s CPU over %s (%.2f%% of a core)",
			len(late), p50, worst, cpu, wall.Round(time.Millisecond), 100*cpu.Seconds()/wall.Seconds())
		mu.Unlock()
	}
}
