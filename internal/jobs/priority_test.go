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
