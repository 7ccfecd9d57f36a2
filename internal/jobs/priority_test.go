package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/jobs"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

// TestUrgentJobIsLeasedBeforeARoutineBacklog is the outbox's promise: an alert
// due now is claimed before routine updates that have waited longer.
func TestUrgentJobIsLeasedBeforeARoutineBacklog(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		r := newRig(t, e, jobs.Config{})
		var mu sync.Mutex
		var order []string
		r.q.Handle("send", func(_ context.Context, j *jobs.Job) error {
			mu.Lock()
			defer mu.Unlock()
			order = append(order, j.Key)
			return nil
		}, nil)
		for i := range 50 {
			r.enqueue(t, jobs.Spec{Kind: "send", Key: fmt.Sprintf("routine:%02d", i), RunAt: t0.Add(-time.Hour + time.Duration(i)*time.Second)})
		}
		r.enqueue(t, jobs.Spec{Kind: "send", Key: "alert:later", Priority: jobs.PriorityUrgent, RunAt: t0.Add(time.Minute)})
		r.enqueue(t, jobs.Spec{Kind: "send", Key: "alert", Priority: jobs.PriorityUrgent})
		if j := r.job(t, "alert"); j.Priority != jobs.PriorityUrgent {
			t.Fatalf("stored priority %d, want %d", j.Priority, jobs.PriorityUrgent)
		}
		if n := runDue(t, r.q, 1); n != 1 || len(order) != 1 || order[0] != "alert" {
			t.Fatalf("first lease of one ran %v, want the due alert ahead of 50 older routine jobs", order)
		}
		if n := runDue(t, r.q, 1); n != 1 || order[1] != "routine:00" {
			t.Errorf("second lease ran %v, want the oldest routine job (the later alert is not due)", order)
		}
		r.clk.Advance(time.Minute)
		if n := runDue(t, r.q, 1); n != 1 || order[2] != "alert:later" {
			t.Errorf("once due, the later alert goes before the remaining backlog; ran %v", order)
		}
	})
}

// TestPriorityKeptAcrossRetries checks that a failed urgent job stays urgent
// when it comes due again.
func TestPriorityKeptAcrossRetries(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		r := newRig(t, e, jobs.Config{BaseBackoff: time.Second, MaxBackoff: time.Second})
		fail := true
		var order []string
		r.q.Handle("send", func(_ context.Context, j *jobs.Job) error {
			order = append(order, j.Key)
			if j.Key == "alert" && fail {
				fail = false
				return errors.New("receiver down")
			}
			return nil
		}, nil)
		r.enqueue(t, jobs.Spec{Kind: "send", Key: "alert", Priority: jobs.PriorityUrgent})
		if n := runDue(t, r.q, 1); n != 1 {
			t.Fatalf("ran %d", n)
		}
		if j := r.job(t, "alert"); j.State != store.JobAvailable || j.Attempts != 1 || j.Priority != jobs.PriorityUrgent {
			t.Fatalf("after a failed attempt: %+v", j)
		}
		for i := range 20 {
			r.enqueue(t, jobs.Spec{Kind: "send", Key: fmt.Sprintf("routine:%02d", i), RunAt: t0.Add(-time.Hour)})
		}
		r.clk.Advance(time.Second)
		if n := runDue(t, r.q, 1); n != 1 || order[len(order)-1] != "alert" {
			t.Fatalf("the retried alert was not leased first: %v", order)
		}
		if j := r.job(t, "alert"); j.State != store.JobDone || j.Attempts != 2 || j.Priority != jobs.PriorityUrgent {
			t.Errorf("after the retry: %+v", j)
		}
	})
}

// TestOnDoneCommitsWithTheSettle: what a handler records on success commits
// with its job's settle; one failing OnDone leaves its job unsettled (to run
// again after its lease) without holding back the jobs settled beside it.
func TestOnDoneCommitsWithTheSettle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		r := newRig(t, e, jobs.Config{})
		r.q.Handle("send", func(_ context.Context, j *jobs.Job) error {
			j.OnDone = func(ctx context.Context, tx *store.Tx) error {
				if j.Key == "send:bad" {
					return errors.New("record refused")
				}
				_, err := tx.EnqueueJob(ctx, store.JobRow{ID: "job_rec_" + j.Key, Kind: "record", Key: "record:" + j.Key, Payload: "{}",
					RunAt: t0.Add(time.Hour), CreatedAt: t0})
				return err
			}
			return nil
		}, nil)
		keys := []string{"send:bad"}
		for i := range 20 {
			keys = append(keys, fmt.Sprintf("send:%02d", i))
		}
		for _, k := range keys {
			r.enqueue(t, jobs.Spec{Kind: "send", Key: k})
		}
		if n := runDue(t, r.q, len(keys)); n != len(keys) {
			t.Fatalf("ran %d", n)
		}
		for _, k := range keys[1:] {
			if j := r.job(t, k); j.State != store.JobDone {
				t.Errorf("%s: %s, want done", k, j.State)
			}
			if rec := r.job(t, "record:"+k); rec.State != store.JobAvailable {
				t.Errorf("what %s recorded on success: %+v", k, rec)
			}
		}
		if j := r.job(t, "send:bad"); j.State != store.JobRunning {
			t.Errorf("the job whose OnDone failed is %s, want still running under its lease", j.State)
		}
		if _, err := r.db.JobByKey(t.Context(), "record:send:bad"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a failed OnDone left a record: %v", err)
		}
	})
}
