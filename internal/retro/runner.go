package retro

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"golang.org/x/time/rate"

	"github.com/sigap/sigap/internal/scan"
	"github.com/sigap/sigap/internal/scanstream"
	"github.com/sigap/sigap/internal/store"
)

// DefaultRate is how many retained posts a second a retroactive scan reads
// by default: about a fifth of one core's scanning on the machine measured
// in docs/benchmarks.md, so live posts keep the rest.
const DefaultRate = 20_000

// ErrNotRetained is a posts stream that keeps no posts after scanning.
var ErrNotRetained = errors.New("retro: the posts stream deletes posts once they are scanned (work-queue retention), so there is nothing to scan again; " +
	"run the scan worker with --retain on a new stream (see docs/incidents.md)")

// Runner runs the queued retroactive scans on a scan worker, one at a time
// across every process on the database.
type Runner struct {
	Service *Service
	Scanner *scan.Scanner
	JS      jetstream.JetStream
	// Holder names this process in the job's row.
	Holder string
	// Rate bounds the posts a second one job reads (DefaultRate when zero,
	// no bound when negative): with one job at a time, a big import costs
	// the live scan at most that much of the machine.
	Rate float64
	// Poll is how often the queue is looked at when idle (default 1s);
	// Stale is how long without a heartbeat before another worker takes a
	// running job over (default 30s).
	Poll, Stale time.Duration
	// MaxPostBytes bounds a message, as the live worker's (default 2 MiB).
	MaxPostBytes int
	Log          *slog.Logger
}

func (r *Runner) log() *slog.Logger {
	if r.Log != nil {
		return r.Log
	}
	return slog.New(slog.DiscardHandler)
}

// Run runs jobs until ctx ends. A job cut short by ctx stays running in
// the database and is taken over (resuming after the last sequence it
// recorded) once its heartbeat is stale, by this worker when it starts again
// or by another.
func (r *Runner) Run(ctx context.Context) {
	poll := r.Poll
	if poll <= 0 {
		poll = time.Second
	}
	for {
		if _, err := r.JS.Stream(ctx, scanstream.StreamName); err != nil {
			// No stream yet (the live worker makes it): a job claimed now would fail for nothing.
			select {
			case <-ctx.Done():
				return
			case <-time.After(poll):
			}
			continue
		}
		ran, err := r.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			r.log().Warn("retro: job failed", "err", err)
		}
		if ran {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(poll):
		}
	}
}

// RunOnce claims the next job, if any, and runs it to its end; it reports
// whether there was one.
func (r *Runner) RunOnce(ctx context.Context) (bool, error) {
	stale := r.Stale
	if stale <= 0 {
		stale = 30 * time.Second
	}
	now := r.Service.now()
	j, err := r.Service.DB.ClaimRetroJob(ctx, r.Holder, now, now.Add(-stale))
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	r.log().Info("retro: scanning earlier posts", "job", j.ID, "set", j.SetID, "entries", len(j.EntryIDs), "since", j.Since, "resume_after", j.LastSeq)
	err = r.run(ctx, &j)
	if ctx.Err() != nil {
		// Shutting down: the job stays running and resumes after LastSeq.
		_ = r.Service.DB.RetroProgress(context.WithoutCancel(ctx), j, r.Service.now())
		return true, nil
	}
	state, why := store.RetroDone, ""
	if err != nil {
		state, why = store.RetroFailed, err.Error()
	}
	if ferr := r.Service.DB.FinishRetroJob(context.WithoutCancel(ctx), j, state, why, r.Service.now()); ferr != nil {
		return true, errors.Join(err, ferr)
	}
	r.log().Info("retro: job finished", "job", j.ID, "state", state, "posts", j.Posts, "hits", j.Hits, "err", why)
	return true, err
}

// run scans the job's window of the stream, from its start time or after
// the last sequence a previous run recorded, up to the stream's last
// sequence when the job first started: posts made later were scanned live
// with the entries already in place.
func (r *Runner) run(ctx context.Context, j *store.RetroJob) error {
	m, err := r.Scanner.Retro(ctx, j.ID, j.EntryIDs)
	if err != nil {
		return err
	}
	if m.Entries() == 0 {
		return nil // every entry was removed meanwhile
	}
	st, err := r.JS.Stream(ctx, scanstream.StreamName)
	if err != nil {
		return fmt.Errorf("retro: posts stream %s: %w", scanstream.StreamName, err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		return fmt.Errorf("retro: posts stream %s: %w", scanstream.StreamName, err)
	}
	if info.Config.Retention == jetstream.WorkQueuePolicy {
		return ErrNotRetained
	}
	if j.EndSeq == 0 {
		j.EndSeq = info.State.LastSeq
	}
	if j.EndSeq == 0 || j.LastSeq >= j.EndSeq {
		return nil
	}
	cfg := jetstream.OrderedConsumerConfig{FilterSubjects: []string{scanstream.PostsSubject + ".>"}}
	if j.LastSeq > 0 {
		cfg.DeliverPolicy, cfg.OptStartSeq = jetstream.DeliverByStartSequencePolicy, j.LastSeq+1
	} else {
		since := j.Since
		cfg.DeliverPolicy, cfg.OptStartTime = jetstream.DeliverByStartTimePolicy, &since
	}
	cons, err := r.JS.OrderedConsumer(ctx, scanstream.StreamName, cfg)
	if err != nil {
		return fmt.Errorf("retro: read the posts stream: %w", err)
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(512))
	if err != nil {
		return fmt.Errorf("retro: read the posts stream: %w", err)
	}
	defer it.Stop()
	defer context.AfterFunc(ctx, it.Stop)()
	lim := r.limiter()
	lastSaved := time.Now()
	for {
		msg, err := it.Next(jetstream.NextMaxWait(5 * time.Second))
		if errors.Is(err, nats.ErrTimeout) {
			return nil // nothing more to read: the rest of the window aged out of the stream
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			return fmt.Errorf("retro: read the posts stream: %w", err)
		}
		done, err := r.message(ctx, m, j, msg, lim)
		if err != nil || done {
			return err
		}
		if time.Since(lastSaved) >= time.Second {
			lastSaved = time.Now()
			if err := r.Service.DB.RetroProgress(ctx, *j, r.Service.now()); err != nil {
				return err
			}
		}
	}
}

// message scans the posts of one retained message; done says the job's
// window is all read.
func (r *Runner) message(ctx context.Context, m *scan.Retro, j *store.RetroJob, msg jetstream.Msg, lim *rate.Limiter) (bool, error) {
	meta, err := msg.Metadata()
	if err != nil {
		return false, fmt.Errorf("retro: message metadata: %w", err)
	}
	seq := meta.Sequence.Stream
	if seq > j.EndSeq || !meta.Timestamp.Before(j.Until) {
		return true, nil // posted once the entries were in place: the live scan saw it with them
	}
	if j.FirstSeq == 0 {
		j.FirstSeq = seq
		j.Total = int64(j.EndSeq - seq + 1)
	}
	err = scanstream.EachPost(msg.Data(), msg.Headers(), r.MaxPostBytes, func(_ int, p scan.Post, bad error) error {
		if bad != nil {
			return nil // dead-lettered when it was posted; nothing to find in it now
		}
		if err := lim.Wait(ctx); err != nil {
			return err
		}
		res, err := r.scanPost(ctx, m, p, meta.Timestamp)
		if err != nil {
			return err
		}
		j.Posts++
		if len(res.Hits) > 0 {
			j.Hits++
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	j.Scanned++
	j.LastSeq = seq
	return seq >= j.EndSeq, nil
}

// scanPost scans one post, trying again a few times when sigap (not the
// post) fails, as the live worker's redelivery would.
func (r *Runner) scanPost(ctx context.Context, m *scan.Retro, p scan.Post, postedAt time.Time) (scan.Result, error) {
	var err error
	for attempt := range 4 {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return scan.Result{}, ctx.Err()
			case <-time.After(time.Duration(attempt) * time.Second):
			}
		}
		var res scan.Result
		res, err = m.Scan(ctx, p, postedAt)
		if err == nil || scanstream.Permanent(err) {
			return res, nil // a post the live scan refused is skipped here too
		}
	}
	return scan.Result{}, err
}

// limiter bounds the posts a second a job reads.
func (r *Runner) limiter() *rate.Limiter {
	switch {
	case r.Rate < 0:
		return rate.NewLimiter(rate.Inf, 0)
	case r.Rate == 0:
		return rate.NewLimiter(DefaultRate, DefaultRate/10)
	}
	return rate.NewLimiter(rate.Limit(r.Rate), max(int(r.Rate)/10, 1))
}
