package jobs

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/sigap/sigap/internal/store"
)

// done is a successful attempt waiting to be settled.
type done struct {
	row    *store.JobRow
	job    *Job
	at     time.Time
	result chan error
}

// settler gathers successful attempts that finish while a settle is being
// written, so that many of them share one write request: the store runs each
// request in its own savepoint, which on PostgreSQL costs round trips per
// job that a busy outbox cannot spend.
type settler struct {
	mu      sync.Mutex
	pending []*done
	busy    bool
}

// settleDone marks a job done (running its OnDone in the same transaction)
// and returns once that is committed. The first caller to find no settle in
// progress writes, for itself and whoever arrived meanwhile, until none wait.
func (q *Queue) settleDone(ctx context.Context, d *done) error {
	d.result = make(chan error, 1)
	s := &q.settle
	s.mu.Lock()
	s.pending = append(s.pending, d)
	if s.busy {
		s.mu.Unlock()
		return <-d.result
	}
	s.busy = true
	for len(s.pending) > 0 {
		batch := s.pending
		s.pending = nil
		s.mu.Unlock()
		q.settleBatch(ctx, batch)
		s.mu.Lock()
	}
	s.busy = false
	s.mu.Unlock()
	return <-d.result
}

// settleBatch writes a group of successful attempts in one request; if that
// fails, each is written alone so that one bad OnDone cannot hold back the
// others.
func (q *Queue) settleBatch(ctx context.Context, batch []*done) {
	if len(batch) > 1 {
		results := make([]error, len(batch))
		ids, attempts := make([]string, len(batch)), make([]int, len(batch))
		for i, d := range batch {
			ids[i], attempts[i] = d.row.ID, d.row.Attempts
		}
		err := q.db.Write(ctx, func(tx *store.Tx) error {
			lost, err := tx.FinishJobsDone(ctx, ids, attempts, batch[0].at)
			if err != nil {
				return err
			}
			for i, d := range batch {
				results[i] = nil
				if lost[d.row.ID] {
					results[i] = fmt.Errorf("store: finish job %s: %w", d.row.ID, store.ErrLeaseLost)
					continue
				}
				if d.job.OnDone != nil {
					if err := d.job.OnDone(ctx, tx); err != nil {
						return fmt.Errorf("jobs: %s done: %w", d.job.Key, err)
					}
				}
			}
			return nil
		})
		if err == nil {
			for i, d := range batch {
				d.result <- results[i]
			}
			return
		}
		q.log.Warn("job settle batch failed; settling one by one", "jobs", len(batch), "err", err)
	}
	for _, d := range batch {
		d.result <- q.db.Write(ctx, func(tx *store.Tx) error { return settleOne(ctx, tx, d) })
	}
}

func settleOne(ctx context.Context, tx *store.Tx, d *done) error {
	if err := tx.FinishJob(ctx, d.row.ID, d.row.Attempts, store.JobDone, d.at, d.at, ""); err != nil {
		return err
	}
	if d.job.OnDone != nil {
		if err := d.job.OnDone(ctx, tx); err != nil {
			return fmt.Errorf("jobs: %s done: %w", d.job.Key, err)
		}
	}
	return nil
}
