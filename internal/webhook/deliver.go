package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/sigap/sigap/internal/audit"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/jobs"
	"github.com/sigap/sigap/internal/store"
)

// JobKind is the job that sends one delivery.
const JobKind = "webhook.deliver"

// Config tunes delivery; zero fields take the defaults.
type Config struct {
	// AllowPrivate lets deliveries go to loopback, private and link-local
	// addresses. Off in production (an endpoint URL is caller-supplied, and
	// must not reach the service's own network); tests and single-host
	// deployments turn it on (serve --allow-private-webhooks).
	AllowPrivate bool
	// Timeout bounds one attempt, connection to last byte (default 10s).
	Timeout time.Duration
	// MaxResponse bounds how much of an answer is read (default 64 KiB).
	MaxResponse int64
	// Resolver looks endpoint host names up when they are set (default
	// net.DefaultResolver), ResolveTimeout bounding the wait (default 2s).
	Resolver       Resolver
	ResolveTimeout time.Duration
}

// AnswerHook runs inside the transaction that records a 2xx answer, with the
// answer's body; enforcement reads a confirmation from it.
type AnswerHook func(ctx context.Context, tx *store.Tx, d *store.Delivery, body []byte) error

// DeadHook runs inside the transaction that dead-letters a delivery.
type DeadHook func(ctx context.Context, tx *store.Tx, d *store.Delivery, cause error) error

// Service keeps endpoints and the outbox and sends deliveries.
type Service struct {
	DB     *store.DB
	Clock  clock.Clock
	Jobs   *jobs.Queue
	Log    *slog.Logger
	cfg    Config
	client *http.Client
	answer map[string]AnswerHook
	dead   []DeadHook
}

// New returns a webhook service and registers its delivery job with q.
func New(db *store.DB, clk clock.Clock, q *jobs.Queue, log *slog.Logger, cfg Config) *Service {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.MaxResponse <= 0 {
		cfg.MaxResponse = 64 << 10
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{DB: db, Clock: clk, Jobs: q, Log: log, cfg: cfg, answer: map[string]AnswerHook{}}
	s.client = NewClient(cfg)
	q.Handle(JobKind, s.deliver, s.deadLetter)
	return s
}

// OnAnswer registers what to do with a 2xx answer to messages of one type.
// Call before the queue runs.
func (s *Service) OnAnswer(msgType string, h AnswerHook) { s.answer[msgType] = h }

// OnDead registers what to do when a delivery is dead-lettered. Call before the queue runs.
func (s *Service) OnDead(h DeadHook) { s.dead = append(s.dead, h) }

// ErrPrivateDestination is returned when an endpoint resolves to an address
// deliveries may not go to.
var ErrPrivateDestination = errors.New("webhook: destination address is loopback, private or link-local")

// NewClient returns the delivery HTTP client: no proxy from the environment,
// no redirects, a per-attempt timeout, and (unless cfg.AllowPrivate) a check
// of the address actually dialled, so DNS cannot smuggle a private target past
// a check made on the name.
func NewClient(cfg Config) *http.Client {
	d := &net.Dialer{Timeout: cfg.Timeout}
	if !cfg.AllowPrivate {
		d.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("webhook: dial %s: %w", address, ErrPrivateDestination)
			}
			if Forbidden(ap.Addr()) {
				return fmt.Errorf("webhook: dial %s: %w", address, ErrPrivateDestination)
			}
			return nil
		}
	}
	// Connections are kept alive and reused per destination, as many idle as
	// the queue has workers, so that a burst to one receiver does not dial
	// (and on https handshake) once per delivery.
	tr := &http.Transport{Proxy: nil, DialContext: d.DialContext, MaxIdleConnsPerHost: 64, IdleConnTimeout: 90 * time.Second,
		TLSHandshakeTimeout: cfg.Timeout, ResponseHeaderTimeout: cfg.Timeout}
	return &http.Client{Transport: tr, Timeout: cfg.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// Forbidden reports an address deliveries may not go to without AllowPrivate.
func Forbidden(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() || a.IsUnspecified() ||
		a.IsMulticast() || a.IsInterfaceLocalMulticast() || cgnat.Contains(a)
}

// ErrBadURL is returned for an endpoint URL that is not absolute http(s).
var ErrBadURL = errors.New("webhook: endpoint URL must be an absolute http:// or https:// URL")

// CheckURL validates an endpoint URL's form.
func CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || len(raw) > 2000 {
		return ErrBadURL
	}
	return nil
}

// SetEndpoint sets an org's endpoint URL. The signing secret is made on the
// first call and kept when the URL changes, so receivers need not re-key. A
// destination CheckDestination refuses is ErrPrivateDestination.
func (s *Service) SetEndpoint(ctx context.Context, orgID, rawURL string) (*store.WebhookEndpoint, error) {
	if err := CheckURL(rawURL); err != nil {
		return nil, err
	}
	if err := s.CheckDestination(ctx, rawURL); err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	var ep store.WebhookEndpoint
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		old, err := tx.WebhookEndpoint(ctx, orgID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			ep = store.WebhookEndpoint{OrgID: orgID, URL: rawURL, Secret: NewSecret(), CreatedAt: now, UpdatedAt: now}
		case err != nil:
			return err
		default:
			ep = *old
			ep.URL, ep.UpdatedAt = rawURL, now
		}
		if err := tx.PutWebhookEndpoint(ctx, ep); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Entry{At: now, Action: audit.WebhookSet, Object: orgID, OrgID: orgID})
	})
	if err != nil {
		return nil, err
	}
	// Deliveries that failed for want of an endpoint can go now.
	s.Jobs.Wake()
	return &ep, nil
}

// Message is one webhook to send.
type Message struct {
	// ID is the webhook-id; deterministic IDs make enqueueing idempotent.
	ID    string
	OrgID string
	Type  string
	// Ref is what the message is about, for the outbox listing.
	Ref  string
	Data any
	// OnlyIfEndpoint skips the message when the org has no endpoint (notifier
	// updates); without it the delivery waits, retrying, for one (enforcement).
	OnlyIfEndpoint bool
	// Urgent deliveries (deadline alerts, action.requested) are leased before
	// routine ones (notice.updated) that are due at the same time.
	Urgent bool
}

// EnqueueTx puts a message in the outbox and enqueues its delivery, inside
// the caller's transaction. It reports whether a delivery was added.
func EnqueueTx(ctx context.Context, tx *store.Tx, now time.Time, m Message) (bool, error) {
	if m.OnlyIfEndpoint {
		if _, err := tx.WebhookEndpoint(ctx, m.OrgID); errors.Is(err, store.ErrNotFound) {
			return false, nil
		} else if err != nil {
			return false, err
		}
	}
	body, err := json.Marshal(map[string]any{"type": m.Type, "timestamp": now.UTC().Format(time.RFC3339), "data": m.Data})
	if err != nil {
		return false, fmt.Errorf("webhook: body: %w", err)
	}
	added, err := tx.InsertDelivery(ctx, &store.Delivery{ID: m.ID, OrgID: m.OrgID, Type: m.Type, Body: string(body), CreatedAt: now, Ref: m.Ref})
	if err != nil || !added {
		return false, err
	}
	prio := jobs.PriorityRoutine
	if m.Urgent {
		prio = jobs.PriorityUrgent
	}
	if err := jobs.EnqueueTx(ctx, tx, now, jobs.Spec{Kind: JobKind, Key: JobKind + ":" + m.ID, Payload: map[string]string{"delivery_id": m.ID},
		Priority: prio}); err != nil {
		return false, err
	}
	return true, nil
}

func deliveryID(j *jobs.Job) (string, error) {
	var p struct {
		DeliveryID string `json:"delivery_id"`
	}
	if err := json.Unmarshal(j.Payload, &p); err != nil || p.DeliveryID == "" {
		return "", jobs.Permanent(fmt.Errorf("webhook: job %s has no delivery_id", j.Key))
	}
	return p.DeliveryID, nil
}

// ErrNoEndpoint is a delivery's failure while its org has no endpoint.
var ErrNoEndpoint = errors.New("webhook: the org has no endpoint registered (PUT /v1/webhook)")

// deliver is the job that makes one attempt at one delivery.
func (s *Service) deliver(ctx context.Context, j *jobs.Job) error {
	did, err := deliveryID(j)
	if err != nil {
		return err
	}
	// One read for the message and its endpoint: a burst costs a query a delivery.
	d, ep, err := s.DB.DeliveryWithEndpoint(ctx, did)
	if err != nil {
		return err
	}
	if d.State == store.DeliveryDelivered {
		return nil
	}
	now := s.Clock.Now()
	if ep == nil {
		s.record(ctx, d.ID, now, 0, ErrNoEndpoint.Error())
		return ErrNoEndpoint
	}
	status, answer, err := s.post(ctx, ep, d, now)
	if err != nil {
		s.record(ctx, d.ID, now, status, err.Error())
		return err
	}
	hook := s.answer[d.Type]
	// The delivery is recorded in the transaction that settles the job, so a
	// burst of deliveries shares writes instead of taking two each.
	j.OnDone = func(ctx context.Context, tx *store.Tx) error {
		if err := tx.RecordAttempt(ctx, d.ID, store.DeliveryDelivered, now, status, ""); err != nil {
			return err
		}
		if hook != nil {
			if err := hook(ctx, tx, d, answer); err != nil {
				// A bad confirmation in an answer must not undo the delivery.
				s.Log.Warn("webhook answer not used", "delivery", d.ID, "err", err)
			}
		}
		return nil
	}
	return nil
}

func (s *Service) record(ctx context.Context, id string, at time.Time, status int, msg string) {
	err := s.DB.Write(context.WithoutCancel(ctx), func(tx *store.Tx) error {
		return tx.RecordAttempt(ctx, id, store.DeliveryFailing, at, status, msg)
	})
	if err != nil {
		s.Log.Warn("webhook attempt not recorded", "delivery", id, "err", err)
	}
}

// post makes one signed HTTP attempt; a non-2xx status is an error.
func (s *Service) post(ctx context.Context, ep *store.WebhookEndpoint, d *store.Delivery, now time.Time) (int, []byte, error) {
	body := []byte(d.Body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(body))
	if err != nil {
		return 0, nil, fmt.Errorf("webhook: request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "sigap-webhooks/1")
	if err := Headers(req.Header, ep.Secret, d.ID, now, body); err != nil {
		return 0, nil, jobs.Permanent(err)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("webhook: post: %w", err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, s.cfg.MaxResponse))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, nil, fmt.Errorf("webhook: endpoint answered %d", resp.StatusCode)
	}
	return resp.StatusCode, answer, nil
}

func (s *Service) deadLetter(ctx context.Context, tx *store.Tx, j *jobs.Job, cause error) error {
	did, err := deliveryID(j)
	if err != nil {
		return nil
	}
	if err := tx.SetDeliveryState(ctx, did, store.DeliveryDead); err != nil {
		return err
	}
	d, err := tx.Delivery(ctx, did)
	if err != nil {
		return err
	}
	s.Log.Error("webhook delivery dead-lettered after retrying", "delivery", did, "type", d.Type, "org", d.OrgID, "err", cause)
	for _, h := range s.dead {
		if err := h(ctx, tx, d, cause); err != nil {
			return err
		}
	}
	return nil
}

// Retry makes a delivery (typically dead) go again now, with a fresh dead-letter clock.
func (s *Service) Retry(ctx context.Context, deliveryID string) (*store.Delivery, error) {
	now := s.Clock.Now()
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SetDeliveryState(ctx, deliveryID, store.DeliveryPending); err != nil {
			return err
		}
		return tx.RetryJob(ctx, JobKind+":"+deliveryID, now)
	})
	if err != nil {
		return nil, err
	}
	s.Jobs.Wake()
	return s.DB.Delivery(ctx, deliveryID)
}

// Redact shows a secret's first characters only, for pages and logs.
func Redact(secret string) string {
	if len(secret) < 10 {
		return strings.Repeat("•", 6)
	}
	return secret[:10] + "…"
}
