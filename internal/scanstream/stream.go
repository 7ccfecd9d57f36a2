package scanstream

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/scan"
)

// The stream's names. Platforms publish each public post as JSON (the body of
// POST /v1/scan) on PostsSubject + "." + anything, e.g. "sigap.posts.channel".
const (
	StreamName      = "SIGAP_POSTS"
	PostsSubject    = "sigap.posts"
	DeadSubject     = "sigap.dead.posts"
	DeadStreamName  = "SIGAP_DEAD"
	DefaultConsumer = "sigap-scan"
)

// Scanner is what the worker needs of the scan service.
type Scanner interface {
	Scan(ctx context.Context, p scan.Post) (scan.Result, error)
}

// Config tunes a Worker.
type Config struct {
	// Consumer is the durable consumer's name; every worker using the same name shares the stream.
	Consumer string
	// Workers is the number of goroutines scanning in this process (default 1).
	Workers int
	// MaxDeliver is how often a post that fails for a transient reason is tried before it is dead-lettered (default 10).
	MaxDeliver int
	// AckWait is how long a post may take before the server redelivers it (default 30s).
	AckWait time.Duration
	// Batch is how many posts one fetch asks for (default 64).
	Batch int
	// MaxPostBytes bounds a message (default 2 MiB).
	MaxPostBytes int
}

func (c Config) withDefaults() Config {
	if c.Consumer == "" {
		c.Consumer = DefaultConsumer
	}
	if c.Workers <= 0 {
		c.Workers = 1
	}
	if c.MaxDeliver <= 0 {
		c.MaxDeliver = 10
	}
	if c.AckWait <= 0 {
		c.AckWait = 30 * time.Second
	}
	if c.Batch <= 0 {
		c.Batch = 64
	}
	if c.MaxPostBytes <= 0 {
		c.MaxPostBytes = 2 << 20
	}
	return c
}

// Stats counts what a worker did.
type Stats struct {
	Scanned, WithHits, DeadLettered, Retried atomic.Int64
}

// Worker consumes the posts stream.
type Worker struct {
	js      jetstream.JetStream
	scanner Scanner
	cfg     Config
	log     *slog.Logger
	Stats   Stats
}

// Ensure creates (or updates) the posts stream, the dead-letter stream and the
// durable consumer, so a fresh NATS server needs no manual set-up.
func Ensure(ctx context.Context, js jetstream.JetStream, cfg Config) (jetstream.Consumer, error) {
	cfg = cfg.withDefaults()
	if _, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{Name: StreamName, Subjects: []string{PostsSubject + ".>"},
		Storage: jetstream.FileStorage, Retention: jetstream.WorkQueuePolicy, MaxMsgSize: int32(cfg.MaxPostBytes)}); err != nil {
		return nil, fmt.Errorf("scanstream: create stream %s: %w", StreamName, err)
	}
	if _, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{Name: DeadStreamName, Subjects: []string{DeadSubject},
		Storage: jetstream.FileStorage}); err != nil {
		return nil, fmt.Errorf("scanstream: create stream %s: %w", DeadStreamName, err)
	}
	c, err := js.CreateOrUpdateConsumer(ctx, StreamName, jetstream.ConsumerConfig{Durable: cfg.Consumer,
		AckPolicy: jetstream.AckExplicitPolicy, AckWait: cfg.AckWait, MaxDeliver: cfg.MaxDeliver + 1,
		MaxAckPending: cfg.Batch * cfg.Workers * 4})
	if err != nil {
		return nil, fmt.Errorf("scanstream: create consumer %s: %w", cfg.Consumer, err)
	}
	return c, nil
}

// New returns a worker on an open JetStream context.
func New(js jetstream.JetStream, s Scanner, cfg Config, log *slog.Logger) *Worker {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Worker{js: js, scanner: s, cfg: cfg.withDefaults(), log: log}
}

// Run scans posts until ctx ends. Posts in flight when ctx ends are finished
// and acknowledged, or left unacknowledged for redelivery; none is lost.
func (w *Worker) Run(ctx context.Context) error {
	cons, err := Ensure(ctx, w.js, w.cfg)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	errc := make(chan error, w.cfg.Workers)
	for range w.cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := w.loop(ctx, cons); err != nil && ctx.Err() == nil {
				errc <- err
			}
		}()
	}
	wg.Wait()
	close(errc)
	return <-errc
}

func (w *Worker) loop(ctx context.Context, cons jetstream.Consumer) error {
	for ctx.Err() == nil {
		batch, err := cons.Fetch(w.cfg.Batch, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			w.log.Warn("scan stream: fetch failed; retrying", "err", err)
			time.Sleep(time.Second)
			continue
		}
		for msg := range batch.Messages() {
			// Work on a post even if ctx ends mid-batch: its ack must follow its stored hits.
			w.handle(context.WithoutCancel(ctx), msg)
		}
		if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) && ctx.Err() == nil {
			w.log.Debug("scan stream: batch ended", "err", err)
		}
	}
	return nil
}

// handle scans one message and settles it: ack after the hits are stored,
// dead-letter when the post itself is bad, nak with back-off when sigap is.
func (w *Worker) handle(ctx context.Context, msg jetstream.Msg) {
	var p scan.Post
	err := decode(msg.Data(), w.cfg.MaxPostBytes, &p)
	if err == nil {
		var res scan.Result
		res, err = w.scanner.Scan(ctx, p)
		if err == nil {
			w.Stats.Scanned.Add(1)
			if len(res.Hits) > 0 {
				w.Stats.WithHits.Add(1)
			}
			// The hits are committed before this ack. A plain ack is one message
			// with no round trip; if it is lost the post is redelivered after
			// AckWait and scanned again (at-least-once), never dropped.
			if aerr := msg.Ack(); aerr != nil {
				w.log.Warn("scan stream: ack failed; the post will be redelivered", "err", aerr)
			}
			return
		}
	}
	if permanent(err) {
		w.deadLetter(ctx, msg, err)
		return
	}
	meta, _ := msg.Metadata()
	if meta != nil && int(meta.NumDelivered) >= w.cfg.MaxDeliver {
		w.deadLetter(ctx, msg, fmt.Errorf("gave up after %d deliveries: %w", meta.NumDelivered, err))
		return
	}
	w.Stats.Retried.Add(1)
	delay := time.Second
	if meta != nil {
		delay = min(time.Duration(1<<min(meta.NumDelivered, 6))*time.Second, time.Minute)
	}
	w.log.Warn("scan stream: scan failed; the post will be retried", "err", err, "delay", delay)
	_ = msg.NakWithDelay(delay)
}

// permanent reports errors that no retry can fix: the post itself is wrong.
func permanent(err error) bool {
	var ve *notice.ValidationError
	return errors.Is(err, errMalformed) || errors.As(err, &ve) || errors.Is(err, scan.ErrTextTooLarge)
}

func (w *Worker) deadLetter(ctx context.Context, msg jetstream.Msg, reason error) {
	dead := nats.NewMsg(DeadSubject)
	dead.Data = msg.Data()
	dead.Header.Set("Sigap-Error", reason.Error())
	dead.Header.Set("Sigap-Subject", msg.Subject())
	if _, err := w.js.PublishMsg(ctx, dead); err != nil {
		// Keep the post rather than lose it: it is redelivered after AckWait.
		w.log.Error("scan stream: dead-letter publish failed; leaving the post for redelivery", "err", err)
		return
	}
	w.Stats.DeadLettered.Add(1)
	w.log.Warn("scan stream: post dead-lettered", "subject", msg.Subject(), "reason", reason)
	_ = msg.Term()
}
