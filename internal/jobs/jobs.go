package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/store"
)

// Job is a leased job as a handler sees it.
type Job struct {
	ID      string
	Kind    string
	Key     string
	Payload json.RawMessage
	// Attempt counts this attempt, from 1.
	Attempt   int
	CreatedAt time.Time
	// FirstTry is when the dead-letter clock started (creation, or an operator's retry).
	FirstTry time.Time
	// OnDone, when a handler sets it and returns nil, runs inside the
	// transaction that marks the job done, so what it records (a delivery's
	// outcome) commits with the settle, sharing one write with other jobs
	// finishing at the same time.
	OnDone func(ctx context.Context, tx *store.Tx) error
}

// Handler runs one job. A nil return finishes it; an error retries it later
// (or dead-letters it once DeadAfter has passed); a Permanent error
// dead-letters it at once.
type Handler func(ctx context.Context, j *Job) error

// DeadHook runs inside the transaction that dead-letters a job, so whatever it
// records (an alert, a failed state) commits with it or not at all.
type DeadHook func(ctx context.Context, tx *store.Tx, j *Job, cause error) error

type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent marks an error that retrying will not fix.
func Permanent(err error) error { return permanent{err} }

// Spec describes a job to enqueue.
type Spec struct {
	Kind string
	// Key makes enqueueing idempotent: a second job with the same key is not
	// added. Empty means kind plus a fresh ID.
	Key     string
	Payload any
	// RunAt is when the job becomes due; zero means now.
	RunAt time.Time
	// Priority orders due jobs, higher first (PriorityRoutine when zero).
	Priority int
}

// Job priorities: among due jobs the queue leases urgent ones first, so that a
// backlog of routine work never delays a deadline alert.
const (
	PriorityRoutine = 0
	PriorityUrgent  = 10
)

// Enqueuer adds jobs inside a caller's write transaction.
type Enqueuer interface {
	Enqueue(ctx context.Context, tx *store.Tx, s Spec) error
}

// Config tunes a Queue; zero fields take the defaults.
type Config struct {
	// Workers run jobs at once (default 64): most jobs wait on a webhook
	// receiver, not on this machine, and their writes share group commits.
	Workers int
	// Lease is how long a worker owns a job before another may take it over (default 30s).
	Lease time.Duration
	// DeadAfter is how long a failing job is retried before it is dead-lettered (default 24h).
	DeadAfter time.Duration
	// MaxAttempts, when positive, dead-letters a job after that many attempts
	// even before DeadAfter.
	MaxAttempts int
	// BaseBackoff is the first retry delay (default 5s); it doubles per attempt up to MaxBackoff (default 1h).
	BaseBackoff, MaxBackoff time.Duration
	// Poll bounds how long the loop sleeps without looking at the table, to see
	// jobs other writers or processes enqueued (default 1s).
	Poll time.Duration
}

func (c Config) withDefaults() Config {
	if c.Workers <= 0 {
		c.Workers = 64
	}
	if c.Lease <= 0 {
		c.Lease = 30 * time.Second
	}
	if c.DeadAfter <= 0 {
		c.DeadAfter = 24 * time.Hour
	}
	if c.BaseBackoff <= 0 {
		c.BaseBackoff = 5 * time.Second
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = time.Hour
	}
	if c.Poll <= 0 {
		c.Poll = time.Second
	}
	return c
}

// Queue runs the jobs in the database's jobs table.
type Queue struct {
	db       *store.DB
	clock    clock.Clock
	log      *slog.Logger
	cfg      Config
	mu       sync.RWMutex
	handlers map[string]Handler
	dead     map[string]DeadHook
	wake     chan struct{}
	settle   settler
}

// New returns a queue over db.
func New(db *store.DB, clk clock.Clock, log *slog.Logger, cfg Config) *Queue {
	if clk == nil {
		clk = clock.System{}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Queue{db: db, clock: clk, log: log, cfg: cfg.withDefaults(), handlers: map[string]Handler{},
		dead: map[string]DeadHook{}, wake: make(chan struct{}, 1)}
}

// Config returns the queue's effective configuration.
func (q *Queue) Config() Config { return q.cfg }

// Handle registers the handler of a kind, and optionally its dead-letter hook.
func (q *Queue) Handle(kind string, h Handler, onDead DeadHook) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.handlers[kind] = h
	if onDead != nil {
		q.dead[kind] = onDead
	}
}

// Enqueue adds a job inside tx; call Wake after the transaction commits to
// have it run without waiting for the next poll.
func (q *Queue) Enqueue(ctx context.Context, tx *store.Tx, s Spec) error {
	return EnqueueTx(ctx, tx, q.clock.Now(), s)
}

// EnqueueTx adds a job inside tx, now being the enqueue time.
func EnqueueTx(ctx context.Context, tx *store.Tx, now time.Time, s Spec) error {
	payload := []byte("{}")
	if s.Payload != nil {
		var err error
		if payload, err = json.Marshal(s.Payload); err != nil {
			return fmt.Errorf("jobs: payload of %s: %w", s.Kind, err)
		}
	}
	jid := id.New("job", now)
	if s.Key == "" {
		s.Key = s.Kind + ":" + jid
	}
	if s.RunAt.IsZero() {
		s.RunAt = now
	}
	_, err := tx.EnqueueJob(ctx, store.JobRow{ID: jid, Kind: s.Kind, Key: s.Key, Payload: string(payload), RunAt: s.RunAt, CreatedAt: now, Priority: s.Priority})
	return err
}

// Wake makes the loop look for due jobs now.
func (q *Queue) Wake() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Backoff is the delay before retry number attempt (1-based): base doubled
// per attempt, capped at max, with "equal jitter" (half fixed, half random) so
// that retries of many jobs failing together spread out.
func Backoff(attempt int, base, max time.Duration, r *rand.Rand) time.Duration {
	d := base
	for i := 1; i < attempt && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	half := d / 2
	var j time.Duration
	if half > 0 {
		if r != nil {
			j = time.Duration(r.Int64N(int64(half) + 1))
		} else {
			j = time.Duration(rand.Int64N(int64(half) + 1))
		}
	}
	return half + j
}

// RunDue leases up to n due jobs and runs them to completion (concurrently),
// returning how many ran. Tests drive the queue with it under a manual clock.
func (q *Queue) RunDue(ctx context.Context, n int) (int, error) {
	leased, err := q.lease(ctx, n)
	if err != nil {
		return 0, err
	}
	var wg sync.WaitGroup
	for _, j := range leased {
		wg.Add(1)
		go func() { defer wg.Done(); q.run(ctx, j) }()
	}
	wg.Wait()
	return len(leased), nil
}

func (q *Queue) lease(ctx context.Context, n int) ([]*store.JobRow, error) {
	now := q.clock.Now()
	var leased []*store.JobRow
	err := q.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		leased, err = tx.LeaseJobs(ctx, now, now.Add(q.cfg.Lease), n)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: lease: %w", err)
	}
	return leased, nil
}

func (q *Queue) run(ctx context.Context, row *store.JobRow) {
	j := &Job{ID: row.ID, Kind: row.Kind, Key: row.Key, Payload: json.RawMessage(row.Payload), Attempt: row.Attempts, CreatedAt: row.CreatedAt,
		FirstTry: row.CreatedAt}
	if row.RetryFrom != nil {
		j.FirstTry = *row.RetryFrom
	}
	q.mu.RLock()
	h, ok := q.handlers[row.Kind]
	onDead := q.dead[row.Kind]
	q.mu.RUnlock()
	var herr error
	if !ok {
		herr = fmt.Errorf("jobs: no handler for kind %q", row.Kind)
	} else {
		herr = safeRun(ctx, h, j)
	}
	// Settle the attempt even if ctx ended: the outcome is known now.
	sctx := context.WithoutCancel(ctx)
	now := q.clock.Now()
	var err error
	if herr == nil {
		err = q.settleDone(sctx, &done{row: row, job: j, at: now})
	} else {
		err = q.settleFailed(sctx, ctx, row, j, herr, onDead, now)
	}
	switch {
	case errors.Is(err, store.ErrLeaseLost):
		q.log.Warn("job lease lost before it was settled; another worker has it", "job", row.Key, "attempt", row.Attempts)
	case err != nil:
		q.log.Error("job not settled; it runs again when its lease expires", "job", row.Key, "err", err)
	case herr != nil:
		q.log.Info("job attempt failed", "job", row.Key, "attempt", row.Attempts, "err", herr)
	}
}

// settleFailed records a failed attempt: due again after a backoff, at once
// when a shutdown cut it short, or dead-lettered.
func (q *Queue) settleFailed(sctx, ctx context.Context, row *store.JobRow, j *Job, herr error, onDead DeadHook, now time.Time) error {
	return q.db.Write(sctx, func(tx *store.Tx) error {
		if ctx.Err() != nil {
			// Shutdown cut it short: due again now, for another replica to take
			// at once rather than after its lease or a backoff.
			return tx.FinishJob(sctx, row.ID, row.Attempts, store.JobAvailable, now, now, truncate("interrupted by shutdown: "+herr.Error()))
		}
		var p permanent
		dead := errors.As(herr, &p) || now.Sub(j.FirstTry) >= q.cfg.DeadAfter ||
			(q.cfg.MaxAttempts > 0 && row.Attempts >= q.cfg.MaxAttempts)
		if !dead {
			next := now.Add(Backoff(row.Attempts, q.cfg.BaseBackoff, q.cfg.MaxBackoff, nil))
			return tx.FinishJob(sctx, row.ID, row.Attempts, store.JobAvailable, next, now, truncate(herr.Error()))
		}
		if err := tx.FinishJob(sctx, row.ID, row.Attempts, store.JobDead, now, now, truncate(herr.Error())); err != nil {
			return err
		}
		if onDead != nil {
			return onDead(sctx, tx, j, herr)
		}
		return nil
	})
}

func safeRun(ctx context.Context, h Handler, j *Job) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("jobs: handler panicked: %v", r)
		}
	}()
	return h(ctx, j)
}

func truncate(s string) string {
	if len(s) > 1000 {
		return s[:1000]
	}
	return s
}

// leaseGap is how long a busy queue gathers freed workers before it leases
// again: a few milliseconds of an alert's latency against a transaction per
// job in a burst.
const leaseGap = 5 * time.Millisecond

// Run works the queue until ctx ends, then waits for running jobs to settle.
// It sleeps until the earliest due job, a Wake, or Poll, whichever is first.
func (q *Queue) Run(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	slots := make(chan struct{}, q.cfg.Workers)
	timer := time.NewTimer(0)
	defer timer.Stop()
	var lastLease time.Time
	for {
		// One index read says whether anything is due; only then does the loop
		// take the (single, on SQLite) writer to lease, so an idle queue costs
		// a read a second and no commits.
		next, err := q.db.NextJobAt(ctx)
		if err != nil && ctx.Err() == nil {
			q.log.Error("job queue", "err", err)
		}
		due := !next.IsZero() && !next.After(q.clock.Now())
		if free := q.cfg.Workers - len(slots); free > 0 && due {
			// In a burst, workers free up one by one; leasing for each would
			// cost a transaction a job. While most workers are busy, gather
			// freed slots for up to leaseGap and lease them together.
			if gap := leaseGap - time.Since(lastLease); free < q.cfg.Workers/4 && len(slots) > 0 && gap > 0 {
				timer.Reset(gap)
				select {
				case <-ctx.Done():
					return
				case <-timer.C:
				}
				continue
			}
			lastLease = time.Now()
			leased, err := q.lease(ctx, free)
			if err != nil && ctx.Err() == nil {
				q.log.Error("job queue", "err", err)
			}
			for _, j := range leased {
				slots <- struct{}{}
				wg.Add(1)
				go func() {
					defer wg.Done()
					q.run(ctx, j)
					<-slots
					q.Wake()
				}()
			}
			if len(leased) > 0 {
				if ctx.Err() != nil {
					return
				}
				continue
			}
		}
		wait := q.cfg.Poll
		if !next.IsZero() {
			if d := next.Sub(q.clock.Now()); d < wait {
				wait = max(d, 0)
			}
		}
		if len(slots) == q.cfg.Workers || (due && wait == 0) {
			wait = q.cfg.Poll // all busy, or due jobs are held by other workers: a finishing worker wakes us
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-q.wake:
		case <-timer.C:
		}
	}
}
