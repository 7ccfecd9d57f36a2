package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

func TestJobsLeaseFinishRetry(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		now := t0
		var added []bool
		mustWrite(ctx, t, db, func(tx *store.Tx) error {
			for _, k := range []string{"k1", "k1", "k2"} {
				ok, err := tx.EnqueueJob(ctx, store.JobRow{ID: "job_" + k + fmt.Sprint(len(added)), Kind: "test", Key: k, Payload: "{}", RunAt: now, CreatedAt: now})
				if err != nil {
					return err
				}
				added = append(added, ok)
			}
			return nil
		})
		if fmt.Sprint(added) != "[true false true]" {
			t.Fatalf("enqueue by key: %v", added)
		}
		if next, err := db.NextJobAt(ctx); err != nil || !next.Equal(now) {
			t.Fatalf("next job at %v, %v", next, err)
		}
		var leased []*store.JobRow
		mustWrite(ctx, t, db, func(tx *store.Tx) (err error) { leased, err = tx.LeaseJobs(ctx, now, now.Add(time.Minute), 10); return })
		if len(leased) != 2 || leased[0].Attempts != 1 {
			t.Fatalf("leased %+v", leased)
		}
		var again []*store.JobRow
		mustWrite(ctx, t, db, func(tx *store.Tx) (err error) {
			again, err = tx.LeaseJobs(ctx, now.Add(30*time.Second), now.Add(2*time.Minute), 10)
			return
		})
		if len(again) != 0 {
			t.Fatalf("leased jobs still under lease: %+v", again)
		}
		// The lease of k2 expires; another worker takes it; the first cannot settle it.
		mustWrite(ctx, t, db, func(tx *store.Tx) error {
			return tx.FinishJob(ctx, leased[0].ID, 1, store.JobAvailable, now.Add(5*time.Second), now, "boom")
		})
		mustWrite(ctx, t, db, func(tx *store.Tx) (err error) {
			again, err = tx.LeaseJobs(ctx, now.Add(2*time.Minute), now.Add(3*time.Minute), 10)
			return
		})
		if len(again) != 2 {
			t.Fatalf("after retry time and lease expiry: %+v", again)
		}
		err := db.Write(ctx, func(tx *store.Tx) error {
			return tx.FinishJob(ctx, leased[1].ID, 1, store.JobDone, now, now, "")
		})
		if !errors.Is(err, store.ErrLeaseLost) {
			t.Fatalf("stale settle: %v", err)
		}
		mustWrite(ctx, t, db, func(tx *store.Tx) error {
			for _, j := range again {
				if err := tx.FinishJob(ctx, j.ID, j.Attempts, store.JobDead, now, now, "gave up"); err != nil {
					return err
				}
			}
			return nil
		})
		if next, _ := db.NextJobAt(ctx); !next.IsZero() {
			t.Fatalf("dead jobs still due at %v", next)
		}
		mustWrite(ctx, t, db, func(tx *store.Tx) error { return tx.RetryJob(ctx, "k1", now.Add(time.Hour)) })
		j, err := db.JobByKey(ctx, "k1")
		if err != nil || j.State != store.JobAvailable || j.RetryFrom == nil {
			t.Fatalf("retried job: %+v %v", j, err)
		}
	})
}

// TestJobsConcurrentLeasersTakeEachJobOnce: many workers leasing at once never
// get the same job twice (SKIP LOCKED on PostgreSQL, the single writer on SQLite).
func TestJobsConcurrentLeasersTakeEachJobOnce(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		now := t0
		const n = 200
		mustWrite(ctx, t, db, func(tx *store.Tx) error {
			for i := range n {
				k := fmt.Sprintf("c%03d", i)
				if _, err := tx.EnqueueJob(ctx, store.JobRow{ID: "job_" + k, Kind: "test", Key: k, Payload: "{}", RunAt: now, CreatedAt: now}); err != nil {
					return err
				}
			}
			return nil
		})
		var mu sync.Mutex
		seen := map[string]int{}
		var wg sync.WaitGroup
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					var got []*store.JobRow
					if err := db.Write(ctx, func(tx *store.Tx) (err error) { got, err = tx.LeaseJobs(ctx, now, now.Add(time.Hour), 7); return }); err != nil {
						t.Error(err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, j := range got {
						seen[j.ID]++
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(seen) != n {
			t.Errorf("leased %d distinct jobs, want %d", len(seen), n)
		}
		for id, c := range seen {
			if c != 1 {
				t.Errorf("job %s leased %d times", id, c)
			}
		}
	})
}

// TestFinishJobsDoneSkipsLostLeases: a batch settle marks done only the
// attempts whose lease is still theirs, and names the others.
func TestFinishJobsDoneSkipsLostLeases(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		now := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
		var leased, again []*store.JobRow
		if err := db.Write(ctx, func(tx *store.Tx) (err error) {
			for _, k := range []string{"a", "b", "c"} {
				if _, err := tx.EnqueueJob(ctx, store.JobRow{ID: "job_" + k, Kind: "test", Key: k, Payload: "{}", RunAt: now, CreatedAt: now}); err != nil {
					return err
				}
			}
			leased, err = tx.LeaseJobs(ctx, now, now.Add(time.Minute), 10)
			return err
		}); err != nil || len(leased) != 3 {
			t.Fatalf("leased %d: %v", len(leased), err)
		}
		// Every lease expires and another worker takes job_b again (attempt 2).
		var lost map[string]bool
		if err := db.Write(ctx, func(tx *store.Tx) (err error) {
			if err := tx.FinishJob(ctx, "job_a", 1, store.JobAvailable, now.Add(10*time.Minute), now, "x"); err != nil {
				return err
			}
			if err := tx.FinishJob(ctx, "job_c", 1, store.JobAvailable, now.Add(10*time.Minute), now, "x"); err != nil {
				return err
			}
			if again, err = tx.LeaseJobs(ctx, now.Add(2*time.Minute), now.Add(3*time.Minute), 10); err != nil {
				return err
			}
			if err := tx.FinishJob(ctx, "job_c", 1, store.JobAvailable, now, now, "x"); !errors.Is(err, store.ErrLeaseLost) {
				return fmt.Errorf("a settled attempt settled again: %v", err)
			}
			return nil
		}); err != nil || len(again) != 1 || again[0].ID != "job_b" || again[0].Attempts != 2 {
			t.Fatalf("re-lease: %+v, %v", again, err)
		}
		// Later every job is leased anew (job_a and job_c attempt 2, job_b 3);
		// the batch holds job_a's and job_b's current attempts and job_c's stale one.
		if err := db.Write(ctx, func(tx *store.Tx) (err error) {
			if _, err := tx.LeaseJobs(ctx, now.Add(20*time.Minute), now.Add(21*time.Minute), 10); err != nil {
				return err
			}
			lost, err = tx.FinishJobsDone(ctx, []string{"job_a", "job_b", "job_c"}, []int{2, 3, 1}, now.Add(20*time.Minute))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(lost) != 1 || !lost["job_c"] {
			t.Errorf("lost %v, want only job_c", lost)
		}
		for key, want := range map[string]string{"a": store.JobDone, "b": store.JobDone, "c": store.JobRunning} {
			if j, err := db.JobByKey(ctx, key); err != nil || j.State != want {
				t.Errorf("job %s: %+v, %v; want %s", key, j, err, want)
			}
		}
	})
}
