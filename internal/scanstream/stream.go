package scanstream

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/scan"
)

// The stream's names. Platforms publish each public post as JSON (the body of
// POST /v1/scan) on PostsSubject + "." + anything, e.g. "sigap.posts.channel",
// or many posts in one message as NDJSON with the header
// "Content-Type: application/x-ndjson".
const (
	StreamName      = "SIGAP_POSTS"
	PostsSubject    = "sigap.posts"
	DeadSubject     = "sigap.dead.posts"
	DeadStreamName  = "SIGAP_DEAD"
	DefaultConsumer = "sigap-scan"
	// BatchContentType, as a message's Content-Type header, says the message
	// holds many posts, one JSON object a line (the body of POST
	// /v1/scan/batch). Every NATS message costs the server a write, a
	// delivery and an acknowledgement, so a platform publishing many posts
	// a second should batch them.
	BatchContentType = "application/x-ndjson"
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
	// Batch is how many messages the worker keeps pulled ahead of its
	// scanners (default 64); it asks for more when half are used.
	Batch int
	// MaxPostBytes bounds a message (default 2 MiB).
	MaxPostBytes int
	// Retain, when positive, makes a new posts stream keep each post that
	// long after it is scanned (limits retention with that MaxAge), so a
	// retroactive scan can read the posts made before an entry arrived
	// (package retro). Zero keeps the work-queue stream, which deletes a
	// post once it is acknowledged. An existing stream is left as it is.
	Retain time.Duration
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

// Ensure creates the posts stream and the dead-letter stream if they are
// missing, and creates or updates the durable consumer, so a fresh NATS
// server needs no manual set-up. Streams that exist are left as their
// operator set them up (replicas, storage, limits).
func Ensure(ctx context.Context, js jetstream.JetStream, cfg Config) (jetstream.Consumer, error) {
	cfg = cfg.withDefaults()
	posts := jetstream.StreamConfig{Name: StreamName, Subjects: []string{PostsSubject + ".>"}, Storage: jetstream.FileStorage,
		Retention: jetstream.WorkQueuePolicy, MaxMsgSize: int32(cfg.MaxPostBytes)}
	if cfg.Retain > 0 {
		posts.Retention, posts.MaxAge = jetstream.LimitsPolicy, cfg.Retain
	}
	for _, sc := range []jetstream.StreamConfig{
		posts,
		{Name: DeadStreamName, Subjects: []string{DeadSubject}, Storage: jetstream.FileStorage},
	} {
		if _, err := js.CreateStream(ctx, sc); err != nil && !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
			return nil, fmt.Errorf("scanstream: create stream %s: %w", sc.Name, err)
		}
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
//
// The worker keeps a window of up to Config.Batch posts pulled ahead of the
// scanners (the client asks for more when half of it is used), so scanning
// never waits for a fetch round trip, and Config.Workers goroutines scan and
// acknowledge posts independently of each other.
func (w *Worker) Run(ctx context.Context) error {
	cons, err := Ensure(ctx, w.js, w.cfg)
	if err != nil {
		return err
	}
	for {
		err := w.consume(ctx, cons)
		if ctx.Err() != nil {
			return nil
		}
		w.log.Warn("scan stream: consuming stopped; restarting", "err", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Second):
		}
		if c, err := Ensure(ctx, w.js, w.cfg); err != nil {
			w.log.Warn("scan stream: cannot set up the stream; retrying", "err", err)
		} else {
			cons = c
		}
	}
}

// consume runs the scanning goroutines on one pull subscription until ctx
// ends (they finish the posts already pulled, then return nil) or the
// subscription fails (the error says why).
func (w *Worker) consume(ctx context.Context, cons jetstream.Consumer) error {
	// At most Batch messages are buffered, so at most Batch × MaxPostBytes
	// bytes. (PullMaxMessagesWithBytesLimit overflowed the client's buffer
	// here: "slow consumer, messages dropped".)
	it, err := cons.Messages(jetstream.PullMaxMessages(w.cfg.Batch))
	if err != nil {
		return fmt.Errorf("scanstream: subscribe: %w", err)
	}
	defer it.Stop()
	// Drain, not Stop: the posts already pulled are still handed out and
	// scanned, rather than waiting AckWait for redelivery.
	defer context.AfterFunc(ctx, it.Drain)()
	var (
		wg      sync.WaitGroup
		errOnce sync.Once
		failed  error
	)
	for range w.cfg.Workers {
		wg.Go(func() {
			for {
				msg, err := it.Next()
				if err != nil {
					if errors.Is(err, jetstream.ErrMsgIteratorClosed) {
						return
					}
					if fatalPull(err) {
						errOnce.Do(func() { failed = err })
						it.Stop()
						return
					}
					// A missed heartbeat or a reconnect: the iterator goes on by itself.
					w.log.Debug("scan stream: pull", "err", err)
					select {
					case <-ctx.Done():
					case <-time.After(100 * time.Millisecond):
					}
					continue
				}
				// Work on a post even if ctx ends meanwhile: its ack must follow its stored hits.
				w.handle(context.WithoutCancel(ctx), msg)
			}
		})
	}
	wg.Wait()
	return failed
}

// fatalPull reports pull errors after which the subscription must be set up
// again; others (a missed heartbeat) pass.
func fatalPull(err error) bool {
	return errors.Is(err, jetstream.ErrConsumerDeleted) || errors.Is(err, jetstream.ErrConsumerNotFound) ||
		errors.Is(err, nats.ErrConnectionClosed) || errors.Is(err, jetstream.ErrConsumerLeadershipChanged)
}

// handle scans one message and settles it: ack after the hits of its posts
// are stored, dead-letter a post that is itself bad, nak with back-off when
// sigap is.
func (w *Worker) handle(ctx context.Context, msg jetstream.Msg) {
	batch := isBatch(msg.Headers())
	var err error
	if batch {
		err = w.scanBatch(ctx, msg)
	} else {
		err = w.scanOne(ctx, msg.Data())
	}
	if err == nil {
		// The hits are committed before this ack. A plain ack is one message
		// with no round trip; if it is lost the post is redelivered after
		// AckWait and scanned again (at-least-once), never dropped.
		if aerr := msg.Ack(); aerr != nil {
			w.log.Warn("scan stream: ack failed; the post will be redelivered", "err", aerr)
		}
		return
	}
	if !batch && permanent(err) {
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

// scanOne decodes and scans one post.
func (w *Worker) scanOne(ctx context.Context, data []byte) error {
	var p scan.Post
	if err := decode(data, w.cfg.MaxPostBytes, &p); err != nil {
		return err
	}
	res, err := w.scanner.Scan(ctx, p)
	if err != nil {
		return err
	}
	w.Stats.Scanned.Add(1)
	if len(res.Hits) > 0 {
		w.Stats.WithHits.Add(1)
	}
	return nil
}

// scanBatch scans the posts of a batch message in order. A bad post is
// dead-lettered on its own and the others go on; the first transient error
// stops the batch, which is then retried whole: posts scanned again store no
// second hit and file no second notice, and their dead letters carry a
// Nats-Msg-Id so the dead-letter stream drops the repeats.
func (w *Worker) scanBatch(ctx context.Context, msg jetstream.Msg) error {
	data := msg.Data()
	meta, _ := msg.Metadata()
	// A timer raises a flag rather than each post reading the clock (about
	// 0.25 µs a read on this project's virtual machines, 2% of a scan).
	var due atomic.Bool
	progress := time.AfterFunc(w.cfg.AckWait/3, func() { due.Store(true) })
	defer progress.Stop()
	return eachLine(data, func(n int, line []byte) error {
		err := w.scanOne(ctx, line)
		if err != nil && permanent(err) {
			err = w.deadLetterLine(ctx, msg, meta, n, line, err)
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
		// A big batch must not outlive AckWait and be handed to another worker meanwhile.
		if due.Load() {
			_ = msg.InProgress()
			due.Store(false)
			progress.Reset(w.cfg.AckWait / 3)
		}
		return nil
	})
}

// isBatch reports whether a message holds many posts.
func isBatch(h nats.Header) bool {
	for k, v := range h {
		if strings.EqualFold(k, "Content-Type") && len(v) > 0 {
			ct, _, _ := strings.Cut(v[0], ";")
			return strings.EqualFold(strings.TrimSpace(ct), BatchContentType)
		}
	}
	return false
}

// permanent reports errors that no retry can fix: the post itself is wrong.
func permanent(err error) bool {
	var ve *notice.ValidationError
	var ie *scan.ImageError
	var vide *scan.VideoError
	if errors.As(err, &vide) {
		// A video that is not one, or over a limit, fails the same way every
		// time; a run cut short by shutdown does not.
		return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
	}
	return errors.Is(err, errMalformed) || errors.As(err, &ve) || errors.As(err, &ie) || errors.Is(err, scan.ErrTextTooLarge)
}

// reasonText is why a post was dead-lettered, for the person who reads the
// dead letters: a refused post lists its fields as POST /v1/scan does.
func reasonText(err error) string {
	var ve *notice.ValidationError
	if !errors.As(err, &ve) || len(ve.Fields) == 0 {
		return err.Error()
	}
	parts := make([]string, 0, len(ve.Fields))
	for _, f := range ve.Fields {
		if f.Field == "" {
			parts = append(parts, f.Message)
		} else {
			parts = append(parts, f.Field+": "+f.Message)
		}
	}
	return "the post was refused: " + strings.Join(parts, "; ")
}

func (w *Worker) deadLetter(ctx context.Context, msg jetstream.Msg, reason error) {
	dead := nats.NewMsg(DeadSubject)
	dead.Data = msg.Data()
	dead.Header.Set("Sigap-Error", reasonText(reason))
	dead.Header.Set("Sigap-Subject", msg.Subject())
	if meta, _ := msg.Metadata(); meta != nil {
		// A redelivery after a lost Term publishes the same dead letter once more; the stream drops it.
		dead.Header.Set(jetstream.MsgIDHeader, fmt.Sprintf("sigap-dead/%s/%d", meta.Stream, meta.Sequence.Stream))
	}
	if _, err := w.js.PublishMsg(ctx, dead); err != nil {
		// Keep the post rather than lose it: it is redelivered after AckWait.
		w.log.Error("scan stream: dead-letter publish failed; leaving the post for redelivery", "err", err)
		return
	}
	w.Stats.DeadLettered.Add(1)
	w.log.Warn("scan stream: post dead-lettered", "subject", msg.Subject(), "reason", reason)
	_ = msg.Term()
}

// deadLetterLine sends one bad post of a batch to the dead-letter subject.
func (w *Worker) deadLetterLine(ctx context.Context, msg jetstream.Msg, meta *jetstream.MsgMetadata, n int, line []byte, reason error) error {
	dead := nats.NewMsg(DeadSubject)
	dead.Data = line
	dead.Header.Set("Sigap-Error", reasonText(reason))
	dead.Header.Set("Sigap-Subject", msg.Subject())
	dead.Header.Set("Sigap-Line", strconv.Itoa(n))
	if meta != nil {
		dead.Header.Set(jetstream.MsgIDHeader, fmt.Sprintf("sigap-dead/%s/%d/%d", meta.Stream, meta.Sequence.Stream, n))
	}
	if _, err := w.js.PublishMsg(ctx, dead); err != nil {
		return fmt.Errorf("scanstream: dead-letter publish: %w", err)
	}
	w.Stats.DeadLettered.Add(1)
	w.log.Warn("scan stream: post of a batch dead-lettered", "subject", msg.Subject(), "line", n, "reason", reason)
	return nil
}
