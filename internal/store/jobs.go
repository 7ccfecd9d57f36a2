package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Job states.
const (
	JobAvailable = "available"
	JobRunning   = "running"
	JobDone      = "done"
	JobDead      = "dead"
)

// JobRow is one row of the durable job queue.
type JobRow struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	Key       string    `json:"key"`
	Payload   string    `json:"payload"`
	State     string    `json:"state"`
	Attempts  int       `json:"attempts"`
	RunAt     time.Time `json:"run_at"`
	CreatedAt time.Time `json:"created_at"`
	// RetryFrom restarts the dead-letter clock after an operator's retry.
	RetryFrom  *time.Time `json:"retry_from,omitempty"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	LastError  string     `json:"last_error,omitempty"`
	// Priority orders due jobs: higher first, then the oldest run_at.
	Priority int `json:"priority"`
}

const jobCols = `id, kind, key, payload, state, attempts, run_at, created_at, retry_from, finished_at, last_error, priority`

func scanJob(s rowScanner) (*JobRow, error) {
	var j JobRow
	var run, created int64
	var retry, fin sql.NullInt64
	if err := s.Scan(&j.ID, &j.Kind, &j.Key, &j.Payload, &j.State, &j.Attempts, &run, &created, &retry, &fin, &j.LastError, &j.Priority); err != nil {
		return nil, err
	}
	j.RunAt, j.CreatedAt, j.RetryFrom, j.FinishedAt = fromMS(run), fromMS(created), timePtr(retry), timePtr(fin)
	return &j, nil
}

// EnqueueJob adds a job unless one with the same key exists (then it does
// nothing and reports false): enqueueing is idempotent by key.
func (t *Tx) EnqueueJob(ctx context.Context, j JobRow) (bool, error) {
	res, err := t.exec(ctx, `INSERT INTO jobs (id, kind, key, payload, state, attempts, run_at, created_at, priority) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)
		ON CONFLICT DO NOTHING`, j.ID, j.Kind, j.Key, j.Payload, JobAvailable, ms(j.RunAt), ms(j.CreatedAt), j.Priority)
	if err != nil {
		return false, fmt.Errorf("store: enqueue job %s: %w", j.Key, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// LeaseJobs takes up to n jobs that are due (available, or running with an
// expired lease), marks them running until leaseUntil and counts the attempt.
// Higher priorities go first, so an alert due now is not queued behind a
// backlog of routine jobs due earlier. On PostgreSQL concurrent leasers skip
// each other's rows (SKIP LOCKED).
func (t *Tx) LeaseJobs(ctx context.Context, now, leaseUntil time.Time, n int) ([]*JobRow, error) {
	inner := `SELECT id FROM jobs WHERE state IN ('available', 'running') AND run_at <= ? ORDER BY priority DESC, run_at LIMIT ?`
	if t.dialect == Postgres {
		inner += ` FOR UPDATE SKIP LOCKED`
	}
	return queryAll(ctx, t, "lease jobs", scanJob, `UPDATE jobs SET state = 'running', run_at = ?, attempts = attempts + 1
		WHERE id IN (`+inner+`) RETURNING `+jobCols, ms(leaseUntil), ms(now), n)
}

// ErrLeaseLost is returned when a job was taken over (its lease expired and
// another worker leased it) before this worker settled it.
var ErrLeaseLost = errors.New("store: job lease lost")

// FinishJob settles a leased job attempt: state done, dead, or available
// again at runAt. attempt must be the attempt count the lease returned.
func (t *Tx) FinishJob(ctx context.Context, jobID string, attempt int, state string, runAt, now time.Time, lastErr string) error {
	var fin any
	if state == JobDone || state == JobDead {
		fin = ms(now)
	}
	res, err := t.exec(ctx, `UPDATE jobs SET state = ?, run_at = ?, finished_at = ?, last_error = ?
		WHERE id = ? AND attempts = ? AND state = 'running'`, state, ms(runAt), fin, lastErr, jobID, attempt)
	if err != nil {
		return fmt.Errorf("store: finish job %s: %w", jobID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: finish job %s: %w", jobID, ErrLeaseLost)
	}
	return nil
}

// FinishJobsDone settles many leased attempts as done in one statement (each
// job's ID with the attempt count its lease returned) and reports which of
// them had lost their lease, like FinishJob's ErrLeaseLost.
func (t *Tx) FinishJobsDone(ctx context.Context, ids []string, attempts []int, now time.Time) (lost map[string]bool, err error) {
	if len(ids) == 0 || len(ids) != len(attempts) {
		return nil, fmt.Errorf("store: finish %d jobs with %d attempt counts", len(ids), len(attempts))
	}
	args := []any{ms(now), ms(now)}
	for _, id := range ids {
		args = append(args, id)
	}
	for i, id := range ids {
		args = append(args, id+":"+strconv.Itoa(attempts[i]))
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
	rows, err := t.query(ctx, `UPDATE jobs SET state = 'done', run_at = ?, finished_at = ?, last_error = ''
		WHERE state = 'running' AND id IN (`+marks+`) AND id || ':' || CAST(attempts AS TEXT) IN (`+marks+`) RETURNING id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: finish %d jobs: %w", len(ids), err)
	}
	defer rows.Close()
	lost = make(map[string]bool, len(ids))
	for _, id := range ids {
		lost[id] = true
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: finish %d jobs: %w", len(ids), err)
		}
		delete(lost, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: finish %d jobs: %w", len(ids), err)
	}
	return lost, nil
}

// RetryJob makes a job (typically dead) run again now, restarting its
// dead-letter clock.
func (t *Tx) RetryJob(ctx context.Context, key string, now time.Time) error {
	return t.execOne(ctx, "retry job "+key, `UPDATE jobs SET state = 'available', run_at = ?, retry_from = ?, finished_at = NULL WHERE key = ? AND state <> 'running'`,
		ms(now), ms(now), key)
}

// NextJobAt is the earliest instant a job becomes due (zero when none waits).
func (db *DB) NextJobAt(ctx context.Context) (time.Time, error) {
	var v sql.NullInt64
	if err := db.queryRow(ctx, `SELECT MIN(run_at) FROM jobs WHERE state IN ('available', 'running')`).Scan(&v); err != nil {
		return time.Time{}, fmt.Errorf("store: next job: %w", err)
	}
	if !v.Valid {
		return time.Time{}, nil
	}
	return fromMS(v.Int64), nil
}

// JobByKey reads one job.
func (db *DB) JobByKey(ctx context.Context, key string) (*JobRow, error) {
	return queryOne(ctx, db, "job "+key, scanJob, `SELECT `+jobCols+` FROM jobs WHERE key = ?`, key)
}

// JobCounts counts jobs by state.
func (db *DB) JobCounts(ctx context.Context) (map[string]int, error) {
	return countBy(ctx, db, "job counts", `SELECT state, COUNT(*) FROM jobs GROUP BY state`)
}

// PurgeDoneJobs deletes jobs finished (done) before cutoff, at most limit of them.
func (t *Tx) PurgeDoneJobs(ctx context.Context, cutoff time.Time, limit int) (int64, error) {
	res, err := t.exec(ctx, `DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE state = 'done' AND finished_at < ? LIMIT ?)`, ms(cutoff), limit)
	if err != nil {
		return 0, fmt.Errorf("store: purge jobs: %w", err)
	}
	return res.RowsAffected()
}
