package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/jobs"
	"github.com/sigap/sigap/internal/logtest"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

var t0 = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

type rig struct {
	db  *store.DB
	clk *clock.Fixed
	q   *jobs.Queue
	log *logtest.Buffer
}

func newRig(t *testing.T, e storetest.Engine, cfg jobs.Config) *rig {
	t.Helper()
	r := &rig{db: storetest.Open(t, e), clk: clock.NewFixed(t0), log: &logtest.Buffer{}}
	r.q = r.queue(cfg)
	return r
}

// queue is another worker process on the same database and clock.
func (r *rig) queue(cfg jobs.Config) *jobs.Queue {
	return jobs.New(r.db, r.clk, slog.New(slog.NewTextHandler(r.log, nil)), cfg)
}

func (r *rig) enqueue(t *testing.T, s jobs.Spec) {
	t.Helper()
	ctx := t.Context()
	if err := r.db.Write(ctx, func(tx *store.Tx) error { return r.q.Enqueue(ctx, tx, s) }); err != nil {
		t.Fatalf("enqueue %s: %v", s.Key, err)
	}
}

func (r *rig) job(t *testing.T, key string) *store.JobRow {
	t.Helper()
	j, err := r.db.JobByKey(t.Context(), key)
	if err != nil {
		t.Fatalf("job %s: %v", key, err)
	}
	return j
}

func runDue(t *testing.T, q *jobs.Queue, n int) int {
	t.Helper()
	ran, err := q.RunDue(t.Context(), n)
	if err != nil {
		t.Fatalf("run due: %v", err)
	}
	return ran
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	base, limit := 5*time.Second, time.Minute
	cases := []struct {
		attempt int
		full    time.Duration // before jitter: base doubled per attempt, capped
	}{
		{1, 5 * time.Second}, {2, 10 * time.Second}, {3, 20 * time.Second}, {4, 40 * time.Second},
		{5, time.Minute}, {6, time.Minute}, {40, time.Minute},
	}
	for _, tc := range cases {
		r := rand.New(rand.NewPCG(uint64(tc.attempt), 7))
		seen := map[time.Duration]bool{}
		for range 200 {
			d := jobs.Backoff(tc.attempt, base, limit, r)
			if d < tc.full/2 || d > tc.full {
				t.Fatalf("attempt %d: backoff %v outside [%v, %v]", tc.attempt, d, tc.full/2, tc.full)
			}
			seen[d] = true
		}
		if len(seen) < 2 {
			t.Errorf("attempt %d: 200 draws gave one delay; the jitter is missing", tc.attempt)
		}
		if d := jobs.Backoff(tc.attempt, base, limit, nil); d < tc.full/2 || d > tc.full {
			t.Errorf("attempt %d without a source: %v outside [%v, %v]", tc.attempt, d, tc.full/2, tc.full)
		}
	}
	if d := jobs.Backoff(3, 0, limit, nil); d != 0 {
		t.Errorf("zero base: %v", d)
	}
}

func TestRunFinishesAndEnqueueIsIdempotent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		r := newRig(t, e, jobs.Config{})
		var mu sync.Mutex
		var got []*jobs.Job
		r.q.Handle("send", func(_ context.Context, j *jobs.Job) error {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, j)
			return nil
		}, nil)
		r.enqueue(t, jobs.Spec{Kind: "send", Key: "send:1", Payload: map[string]int{"n": 1}})
		r.enqueue(t, jobs.Spec{Kind: "send", Key: "send:1", Payload: map[string]int{"n": 2}})
		r.enqueue(t, jobs.Spec{Kind: "send", Key: "later", RunAt: t0.Add(time.Hour)})
		if n := runDue(t, r.q, 10); n != 1 {
			t.Fatalf("ran %d jobs, want 1 (the key is taken once; the other is not due)", n)
		}
		if len(got) != 1 || got[0].Key != "send:1" || got[0].Attempt != 1 || !got[0].CreatedAt.Equal(t0) || !got[0].FirstTry.Equal(t0) {
			t.Fatalf("handler saw %+v", got)
		}
		var p struct{ N int }
		if err := json.Unmarshal(got[0].Payload, &p); err != nil || p.N != 1 {
			t.Errorf("payload %s (%v): the second enqueue with the key must not replace the first", got[0].Payload, err)
		}
		if j := r.job(t, "send:1"); j.State != store.JobDone || j.Attempts != 1 || j.FinishedAt == nil || !j.FinishedAt.Equal(t0) {
			t.Errorf("finished job %+v", j)
		}
		if n := runDue(t, r.q, 10); n != 0 {
			t.Errorf("a done job ran again (%d)", n)
		}
		r.clk.Advance(time.Hour)
		if n := runDue(t, r.q, 10); n != 1 || got[1].Key != "later" || string(got[1].Payload) != "{}" {
			t.Errorf("the delayed job at its time: ran %d, saw %+v", n, got)
		}
	})
}

func TestEnqueueWithoutKeyNamesTheKind(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		r := newRig(t, e, jobs.Config{})
		var keys []string
		r.q.Handle("ping", func(_ context.Context, j *jobs.Job) error { keys = append(keys, j.Key); return nil }, nil)
		r.enqueue(t, jobs.Spec{Kind: "ping"})
		if n := runDue(t, r.q, 1); n != 1 || len(keys) != 1 || !strings.HasPrefix(keys[0], "ping:job_") {
			t.Errorf("ran %d, keys %v", n, keys)
		}
		ctx := t.Context()
		err := r.db.Write(ctx, func(tx *store.Tx) error {
			return r.q.Enqueue(ctx, tx, jobs.Spec{Kind: "ping", Payload: func() {}})
		})
		if err == nil || !strings.Contains(err.Error(), "payload of ping") {
			t.Errorf("a payload JSON cannot carry: err = %v", err)
		}
	})
}

// TestRetryBackoff: a failing job comes back at now plus the backoff of its
// attempt, not a millisecond earlier, with the attempt counted.
func TestRetryBackoff(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		base, limit := 10*time.Second, 40*time.Second
		r := newRig(t, e, jobs.Config{BaseBackoff: base, MaxBackoff: limit, Lease: time.Minute})
		var attempts []int
		r.q.Handle("flaky", func(_ context.Context, j *jobs.Job) error {
			attempts = append(attempts, j.Attempt)
			return errors.New("upstream 503")
		}, nil)
		r.enqueue(t, jobs.Spec{Kind: "flaky", Key: "f"})
		full := []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second, 40 * time.Second, 40 * time.Second}
		for i, d := range full {
			if n := runDue(t, r.q, 1); n != 1 {
				t.Fatalf("attempt %d did not run", i+1)
			}
			j := r.job(t, "f")
			wait := j.RunAt.Sub(r.clk.Now())
			if j.State != store.JobAvailable || j.Attempts != i+1 || j.LastError != "upstream 503" || j.FinishedAt != nil {
				t.Fatalf("after attempt %d: %+v", i+1, j)
			}
			if wait < d/2 || wait > d {
				t.Fatalf("after attempt %d the job waits %v, want within [%v, %v]", i+1, wait, d/2, d)
			}
			r.clk.Advance(wait - time.Millisecond)
			if n := runDue(t, r.q, 1); n != 0 {
				t.Fatalf("attempt %d ran a millisecond before its backoff ended", i+2)
			}
			r.clk.Advance(time.Millisecond)
		}
		if want := []int{1, 2, 3, 4, 5}; len(attempts) != len(want) || attempts[4] != 5 {
			t.Errorf("the handler saw attempts %v, want %v", attempts, want)
		}
	})
}

// TestDeadLetter: each way a job ends dead, and the hook that runs with it.
func TestDeadLetter(t *testing.T) {
	t.Parallel()
	permanent := errors.New("payload names no such notice")
	cases := []struct {
		name string
		cfg  jobs.Config
		fail error
		// step is how far the clock moves between attempts (past any backoff).
		step     time.Duration
		deadAt   int // the attempt that dead-letters the job
		dueAfter bool
	}{
		{name: "max attempts", cfg: jobs.Config{MaxAttempts: 3, BaseBackoff: time.Second, MaxBackoff: time.Second}, fail: errors.New("boom"), step: time.Second, deadAt: 3},
		{name: "one attempt", cfg: jobs.Config{MaxAttempts: 1}, fail: errors.New("boom"), step: time.Hour, deadAt: 1},
		{name: "dead after a day", cfg: jobs.Config{BaseBackoff: 10 * time.Hour, MaxBackoff: 10 * time.Hour}, fail: errors.New("boom"), step: 10 * time.Hour, deadAt: 4},
		{name: "permanent", cfg: jobs.Config{MaxAttempts: 10}, fail: jobs.Permanent(permanent), step: time.Hour, deadAt: 1},
		{name: "wrapped permanent", cfg: jobs.Config{MaxAttempts: 10}, fail: fmt.Errorf("send: %w", jobs.Permanent(permanent)), step: time.Hour, deadAt: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, e storetest.Engine) {
				r := newRig(t, e, tc.cfg)
				ctx := t.Context()
				runs := 0
				var causes []error
				var deadJob *jobs.Job
				r.q.Handle("work", func(context.Context, *jobs.Job) error { runs++; return tc.fail }, func(ctx context.Context, tx *store.Tx, j *jobs.Job, cause error) error {
					causes, deadJob = append(causes, cause), j
					// What the hook records commits with the dead letter.
					return jobs.EnqueueTx(ctx, tx, r.clk.Now(), jobs.Spec{Kind: "alert", Key: "alert:" + j.Key, RunAt: t0.AddDate(1, 0, 0)})
				})
				r.enqueue(t, jobs.Spec{Kind: "work", Key: "w"})
				for attempt := 1; attempt <= tc.deadAt; attempt++ {
					if n := runDue(t, r.q, 1); n != 1 {
						t.Fatalf("attempt %d did not run", attempt)
					}
					j := r.job(t, "w")
					if attempt < tc.deadAt {
						if j.State != store.JobAvailable || len(causes) != 0 {
							t.Fatalf("attempt %d of %d dead-lettered early: %+v", attempt, tc.deadAt, j)
						}
						r.clk.Advance(tc.step)
						continue
					}
					if j.State != store.JobDead || j.Attempts != tc.deadAt || j.FinishedAt == nil || j.LastError != tc.fail.Error() {
						t.Fatalf("after attempt %d: %+v, want dead", attempt, j)
					}
				}
				if len(causes) != 1 || !errors.Is(causes[0], tc.fail) || deadJob.Attempt != tc.deadAt {
					t.Fatalf("dead hook calls %v (job %+v)", causes, deadJob)
				}
				if errors.Is(tc.fail, permanent) && !errors.Is(causes[0], permanent) {
					t.Errorf("the hook's cause does not unwrap to the handler's error: %v", causes[0])
				}
				if _, err := r.db.JobByKey(ctx, "alert:w"); err != nil {
					t.Errorf("the hook's job did not commit with the dead letter: %v", err)
				}
				r.clk.Advance(30 * 24 * time.Hour)
				if n := runDue(t, r.q, 1); n != 0 || runs != tc.deadAt {
					t.Errorf("a dead job ran again: ran %d, handler calls %d", n, runs)
				}
			})
		})
	}
}

// TestDeadHookErrorUndoesTheDeadLetter: the dead letter and its hook commit
// together, so a hook that fails leaves the job leased, to be tried again
// once the lease runs out.
func TestDeadHookErrorUndoesTheDeadLetter(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		r := newRig(t, e, jobs.Config{MaxAttempts: 1, Lease: time.Minute})
		hookCalls := 0
		r.q.Handle("work", func(context.Context, *jobs.Job) error { return errors.New("boom") }, func(context.Context, *store.Tx, *jobs.Job, error) error {
			hookCalls++
			if hookCalls == 1 {
				return errors.New("alert store down")
			}
			return nil
		})
		r.enqueue(t, jobs.Spec{Kind: "work", Key: "w"})
		runDue(t, r.q, 1)
		if j := r.job(t, "w"); j.State != store.JobRunning || j.Attempts != 1 {
			t.Fatalf("after a failed hook the job is %+v, want still running under its lease", j)
		}
		if !strings.Contains(r.log.String(), "alert store down") {
			t.Errorf("the failed settle was not logged: %s", r.log)
		}
		if n := runDue(t, r.q, 1); n != 0 {
			t.Fatal("the job ran again inside its lease")
		}
		r.clk.Advance(time.Minute)
		if n := runDue(t, r.q, 1); n != 1 {
			t.Fatal("the job did not run again after its lease")
		}
		if j := r.job(t, "w"); j.State != store.JobDead || j.Attempts != 2 || hookCalls != 2 {
			t.Errorf("job %+v after %d hook calls, want dead after 2", j, hookCalls)
		}
	})
}

// TestOperatorRetryRestartsTheDeadLetterClock: after an operator's retry the
// job counts its day from the retry, not from its creation.
func TestOperatorRetryRestartsTheDeadLetterClock(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		r := newRig(t, e, jobs.Config{DeadAfter: time.Hour})
		ctx := t.Context()
		var seen []*jobs.Job
		r.q.Handle("work", func(_ context.Context, j *jobs.Job) error {
			seen = append(seen, j)
			if len(seen) == 1 {
				return jobs.Permanent(errors.New("bad"))
			}
			return errors.New("still failing")
		}, nil)
		r.enqueue(t, jobs.Spec{Kind: "work", Key: "w"})
		runDue(t, r.q, 1)
		if j := r.job(t, "w"); j.State != store.JobDead {
			t.Fatalf("job %+v, want dead", j)
		}
		r.clk.Advance(2 * time.Hour)
		retried := r.clk.Now()
		if err := r.db.Write(ctx, func(tx *store.Tx) error { return tx.RetryJob(ctx, "w", retried) }); err != nil {
			t.Fatal(err)
		}
		if n := runDue(t, r.q, 1); n != 1 {
			t.Fatal("the retried job did not run")
		}
		if !seen[1].FirstTry.Equal(retried) || !seen[1].CreatedAt.Equal(t0) || seen[1].Attempt != 2 {
			t.Errorf("retried job seen as %+v, want FirstTry %v", seen[1], retried)
		}
		// Two hours after creation but minutes after the retry: not dead yet.
		if j := r.job(t, "w"); j.State != store.JobAvailable {
			t.Errorf("retried job %+v, want available: its hour starts at the retry", j)
		}
	})
}

func TestPanicAndUnknownKindAreFailedAttempts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, kind, wantErr string
		maxAttempts         int
		wantState           string
	}{
		{"panic retries", "panics", "jobs: handler panicked: assignment to entry in nil map", 0, store.JobAvailable},
		{"unknown kind retries", "mystery", `jobs: no handler for kind "mystery"`, 0, store.JobAvailable},
		{"unknown kind dead at the last attempt", "mystery", `jobs: no handler for kind "mystery"`, 1, store.JobDead},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, e storetest.Engine) {
				r := newRig(t, e, jobs.Config{MaxAttempts: tc.maxAttempts})
				r.q.Handle("panics", func(context.Context, *jobs.Job) error {
					var m map[string]int
					m["x"]++
					return nil
				}, nil)
				r.enqueue(t, jobs.Spec{Kind: tc.kind, Key: "k"})
				if n := runDue(t, r.q, 1); n != 1 {
					t.Fatal("the job was not leased")
				}
				j := r.job(t, "k")
				if j.State != tc.wantState || j.Attempts != 1 || !strings.HasPrefix(j.LastError, tc.wantErr) {
					t.Errorf("job %+v, want %s with error %q", j, tc.wantState, tc.wantErr)
				}
			})
		})
	}
}

// TestLeaseAndCrashedWorker: a job held by a worker is not taken by another
// while its lease lasts; a worker that died holding it loses it when the
// lease ends, and its late result is not recorded over the new one.
func TestLeaseAndCrashedWorker(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		cfg := jobs.Config{Lease: time.Minute}
		r := newRig(t, e, cfg)
		ctx := t.Context()
		// A process leased "crashed" and died: nothing will ever settle it.
		r.enqueue(t, jobs.Spec{Kind: "work", Key: "crashed"})
		if err := r.db.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.LeaseJobs(ctx, t0, t0.Add(time.Minute), 1)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		// Worker A takes "stuck" and hangs in its handler.
		r.enqueue(t, jobs.Spec{Kind: "work", Key: "stuck"})
		started, release := make(chan struct{}), make(chan struct{})
		var once sync.Once
		unblock := func() { once.Do(func() { close(release) }) }
		t.Cleanup(unblock) // a failed check below must not leave worker A hanging
		a := r.queue(cfg)
		a.Handle("work", func(context.Context, *jobs.Job) error { close(started); <-release; return errors.New("late failure") }, nil)
		aDone := make(chan error, 1)
		go func() { _, err := a.RunDue(ctx, 1); aDone <- err }()
		<-started
		var mu sync.Mutex
		var bSaw []string
		b := r.queue(cfg)
		b.Handle("work", func(_ context.Context, j *jobs.Job) error {
			mu.Lock()
			defer mu.Unlock()
			bSaw = append(bSaw, fmt.Sprintf("%s#%d", j.Key, j.Attempt))
			return nil
		}, nil)
		r.clk.Advance(time.Minute - time.Millisecond)
		if n := runDue(t, b, 10); n != 0 {
			t.Fatalf("worker B took %d leased jobs (%v)", n, bSaw)
		}
		r.clk.Advance(time.Millisecond)
		if n := runDue(t, b, 10); n != 2 {
			t.Fatalf("after the leases ended worker B ran %d jobs (%v), want both", n, bSaw)
		}
		unblock()
		if err := <-aDone; err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"crashed", "stuck"} {
			if j := r.job(t, key); j.State != store.JobDone || j.Attempts != 2 || j.LastError != "" {
				t.Errorf("%s: %+v, want done by worker B on attempt 2", key, j)
			}
		}
		if !strings.Contains(r.log.String(), "job lease lost") {
			t.Errorf("worker A's late settle was not reported as a lost lease: %s", r.log)
		}
	})
}

// TestRunWorksTheQueueAndStops drives the loop itself; goleak in TestMain
// checks that it leaves no goroutine behind once ctx ends.
func TestRunWorksTheQueueAndStops(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		r := newRig(t, e, jobs.Config{Workers: 2})
		done := make(chan string, 3)
		r.q.Handle("work", func(_ context.Context, j *jobs.Job) error { done <- j.Key; return nil }, nil)
		for _, k := range []string{"a", "b", "c"} {
			r.enqueue(t, jobs.Spec{Kind: "work", Key: k})
		}
		ctx, cancel := context.WithCancel(t.Context())
		stopped := make(chan struct{})
		go func() { r.q.Run(ctx); close(stopped) }()
		r.q.Wake()
		got := map[string]bool{}
		for range 3 {
			got[<-done] = true
		}
		cancel()
		<-stopped
		if len(got) != 3 {
			t.Errorf("ran %v", got)
		}
		counts, err := r.db.JobCounts(t.Context())
		if err != nil || counts[store.JobDone] != 3 {
			t.Errorf("job counts %v (%v), want 3 done", counts, err)
		}
	})
}

// TestSettledAfterCancel: a job whose context ends while it runs is still
// settled with its outcome, not left to run again after its lease.
func TestSettledAfterCancel(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		r := newRig(t, e, jobs.Config{})
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		r.q.Handle("work", func(ctx context.Context, _ *jobs.Job) error {
			cancel() // the service shuts down while the job runs
			<-ctx.Done()
			return nil
		}, nil)
		r.enqueue(t, jobs.Spec{Kind: "work", Key: "w"})
		if n, err := r.q.RunDue(ctx, 1); n != 1 || err != nil {
			t.Fatalf("ran %d, %v", n, err)
		}
		if j := r.job(t, "w"); j.State != store.JobDone {
			t.Errorf("job %+v, want done although its context ended", j)
		}
	})
}

func TestConfigDefaults(t *testing.T) {
	t.Parallel()
	got := jobs.New(nil, nil, nil, jobs.Config{Workers: -1, MaxAttempts: 7}).Config()
	want := jobs.Config{Workers: 64, Lease: 30 * time.Second, DeadAfter: 24 * time.Hour, MaxAttempts: 7,
		BaseBackoff: 5 * time.Second, MaxBackoff: time.Hour, Poll: time.Second}
	if got != want {
		t.Errorf("defaults %+v, want %+v", got, want)
	}
	set := jobs.Config{Workers: 2, Lease: time.Minute, DeadAfter: time.Hour, BaseBackoff: time.Second, MaxBackoff: time.Minute, Poll: time.Millisecond}
	if got := jobs.New(nil, nil, nil, set).Config(); got != set {
		t.Errorf("a full configuration became %+v", got)
	}
}

// TestLongErrorIsTruncated: the stored error is bounded, whatever a handler returns.
func TestLongErrorIsTruncated(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		r := newRig(t, e, jobs.Config{})
		long := strings.Repeat("x", 5000)
		r.q.Handle("work", func(context.Context, *jobs.Job) error { return errors.New(long) }, nil)
		r.enqueue(t, jobs.Spec{Kind: "work", Key: "w"})
		runDue(t, r.q, 1)
		if j := r.job(t, "w"); j.LastError != long[:1000] {
			t.Errorf("stored error of %d bytes, want the first 1000", len(j.LastError))
		}
	})
}
