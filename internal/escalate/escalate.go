package escalate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/contact"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/jobs"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/webhook"
)

// JobAlert sends one alert to its contact.
const JobAlert = "alert.send"

// Webhook message types.
const (
	TypeDeadline = "notice.deadline"
	TypeOnCall   = "oncall.alert"
)

// Config tunes escalation.
type Config struct {
	// Fractions of a deadline at which to alert (policy escalation.at).
	Fractions []float64
	// Unopened is how long an urgent order may wait unopened (default 15 minutes).
	Unopened time.Duration
	// Poll bounds the sleep so that timers filed by other writers (intake,
	// with each notice) are seen (default 1s).
	Poll time.Duration
	// Batch is how many due timers one transaction handles (default 256).
	Batch int
}

// Service runs the escalation timers.
type Service struct {
	DB     *store.DB
	Clock  clock.Clock
	Jobs   *jobs.Queue
	Log    *slog.Logger
	Mailer *contact.Mailer
	cfg    Config
	rule   Rule
	wake   chan struct{}
	// fired counts alerts made, for tests and the benchmark.
	OnFire func(t store.Timer, at time.Time)
	// Fence, when set, lets only its holder among several processes on the
	// database fire timers (a lease.Keeper); nil fires in this process alone.
	Fence Fence
}

// Fence lets one process of several fire the timers.
type Fence interface {
	// Held tells whether this process may fire timers now.
	Held() bool
	// Check fails, inside the firing transaction, unless it still may.
	Check(ctx context.Context, tx *store.Tx) error
}

// New returns the service and registers the alert job.
func New(db *store.DB, clk clock.Clock, q *jobs.Queue, log *slog.Logger, mailer *contact.Mailer, cfg Config) *Service {
	rule := NewRule(cfg.Fractions, cfg.Unopened)
	cfg.Fractions, cfg.Unopened = rule.Fractions, rule.Unopened
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 256
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{DB: db, Clock: clk, Jobs: q, Log: log, Mailer: mailer, cfg: cfg, rule: rule, wake: make(chan struct{}, 1)}
	q.Handle(JobAlert, s.sendAlert, nil)
	return s
}

// Rule is the escalation rule the service moves timers by; intake files each
// new notice's first timers by the same rule, in the notice's transaction.
func (s *Service) Rule() Rule { return s.rule }

// Wake makes the loop look at the timers now.
func (s *Service) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run fires timers until ctx ends. Between firings it sleeps until the
// earliest timer (one index read), at most Poll.
func (s *Service) Run(ctx context.Context) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		// One index read (the earliest next_at) decides whether to take the
		// writer at all; an idle server does a read a second and no commits.
		next, err := s.DB.NextTimerAt(ctx)
		if err != nil && ctx.Err() == nil {
			s.Log.Error("escalation", "err", err)
		}
		if !next.IsZero() && !next.After(s.Clock.Now()) && (s.Fence == nil || s.Fence.Held()) {
			n, err := s.FireDue(ctx)
			if err != nil && ctx.Err() == nil {
				s.Log.Error("escalation", "err", err)
			}
			if ctx.Err() != nil {
				return
			}
			if n > 0 {
				continue
			}
		}
		wait := s.cfg.Poll
		if !next.IsZero() {
			if d := next.Sub(s.Clock.Now()); d < wait {
				wait = max(d, 0)
			}
		}
		if wait == 0 {
			wait = s.cfg.Poll // due but not firable (another process holds it): look again later
		}
		t.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-t.C:
		}
	}
}

// FireDue handles one batch of due timers and returns how many it handled:
// none where another process holds the Fence.
func (s *Service) FireDue(ctx context.Context) (int, error) {
	now := s.Clock.Now()
	var handled []store.Timer
	enqueued := false
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		if s.Fence != nil {
			// In the same transaction as the firing: a holder woken after a
			// takeover fires nothing the new holder fires.
			if err := s.Fence.Check(ctx, tx); err != nil {
				return err
			}
		}
		due, err := tx.DueTimers(ctx, now, s.cfg.Batch)
		if err != nil {
			return err
		}
		handled = due
		for _, tm := range due {
			e, err := s.fire(ctx, tx, tm, now)
			if err != nil {
				return fmt.Errorf("escalate: notice %s: %w", tm.NoticeID, err)
			}
			enqueued = enqueued || e
		}
		return nil
	})
	if errors.Is(err, store.ErrNotLeader) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if enqueued {
		s.Jobs.Wake()
	}
	if s.OnFire != nil {
		for _, tm := range handled {
			s.OnFire(tm, now)
		}
	}
	return len(handled), nil
}

func jsonOf(v any) json.RawMessage { b, _ := json.Marshal(v); return b }

func open(status string) bool {
	return status == notice.StatusReceived || status == notice.StatusInReview
}

// fire acts on one due timer inside tx and moves it on.
func (s *Service) fire(ctx context.Context, tx *store.Tx, tm store.Timer, now time.Time) (bool, error) {
	n, err := tx.NoticeHead(ctx, tm.NoticeID)
	if errors.Is(err, store.ErrNotFound) {
		return false, tx.DeleteTimer(ctx, tm.NoticeID, tm.Kind)
	}
	if err != nil {
		return false, err
	}
	if !open(n.Status) {
		return false, tx.DeleteTimer(ctx, tm.NoticeID, tm.Kind)
	}
	if tm.Kind == store.TimerUnopened {
		return s.fireUnopened(ctx, tx, tm, n, now)
	}
	if paused, err := tx.ClockPaused(ctx, n.ID); err != nil {
		return false, err
	} else if paused {
		// Parked: the answer that ends the pause moves due_at and sets next_at again (store.Tx.EndPause).
		return false, tx.SetTimer(ctx, tm.NoticeID, tm.Kind, tm.Step, tm.Fraction, nil)
	}
	f := tm.Fraction
	cases, err := tx.OpenCasesOfNotice(ctx, n.ID)
	if err != nil {
		return false, err
	}
	// The case's priority rises with the clock: at 80% it ranks with orders,
	// at 100% above every lane.
	rank := 99
	switch {
	case f >= 1:
		rank = -1
	case f >= 0.8:
		rank = 0
	}
	caseID := ""
	if len(cases) > 0 {
		caseID = cases[0]
	}
	for _, c := range cases {
		if err := tx.RaiseCaseRank(ctx, c, rank); err != nil {
			return false, err
		}
	}
	kind := store.AlertDeadline
	if f >= 1 {
		kind = store.AlertBreach
		if err := tx.AppendEvents(ctx, []notice.Event{{At: now, Type: "notice.deadline_breached", NoticeID: n.ID, CaseID: caseID, OrgID: n.OrgID,
			Data: jsonOf(map[string]any{"due_at": n.DueAt, "open_cases": cases})}}); err != nil {
			return false, err
		}
	}
	due := n.DueAt
	if err := s.AlertTx(ctx, tx, &store.Alert{ID: alertID(n.ID, tm), At: now, Kind: kind, NoticeID: n.ID, CaseID: caseID, Fraction: f, DueAt: &due,
		Detail: fmt.Sprintf("%s notice %s (%s, %s) at %d%% of its clock; due %s", n.Kind, n.ID, n.Regime, n.Class, int(f*100+0.5),
			due.Format(time.RFC3339))}); err != nil {
		return false, err
	}
	if _, err := webhook.EnqueueTx(ctx, tx, now, webhook.Message{ID: "msg_dl_" + n.ID + "_" + strconv.Itoa(tm.Step), OrgID: n.OrgID, Type: TypeDeadline,
		Ref: n.ID, Data: map[string]any{"notice_id": n.ID, "fraction": f, "due_at": due}, OnlyIfEndpoint: true, Urgent: true}); err != nil {
		return false, err
	}
	if next, ok := s.rule.Next(f); ok {
		at := store.FractionAt(n.DueAt, n.Within, next)
		return true, tx.SetTimer(ctx, n.ID, tm.Kind, tm.Step+1, next, &at)
	}
	return true, tx.DeleteTimer(ctx, n.ID, tm.Kind)
}

func alertID(noticeID string, tm store.Timer) string {
	return "alr_" + tm.Kind + "_" + strconv.Itoa(tm.Step) + "_" + noticeID
}

// fireUnopened alerts the next person in the rotation about an urgent order
// nobody has opened; each Unopened interval it goes one further down the line.
func (s *Service) fireUnopened(ctx context.Context, tx *store.Tx, tm store.Timer, n *store.NoticeHead, now time.Time) (bool, error) {
	opened, err := tx.NoticeOpened(ctx, n.ID)
	if err != nil {
		return false, err
	}
	if opened {
		return false, tx.DeleteTimer(ctx, n.ID, tm.Kind)
	}
	all, err := tx.Contacts(ctx, "")
	if err != nil {
		return false, err
	}
	dir := contact.Build(all, contact.Jurisdiction(n.Regime), now)
	line := slices.Concat(dir.OnCall, dir.PICs)
	a := &store.Alert{ID: alertID(n.ID, tm), At: now, Kind: store.AlertUnopened, NoticeID: n.ID, State: "pending",
		Detail: fmt.Sprintf("urgent order %s (%s) unopened for %s; due %s", n.ID, n.Regime, now.Sub(n.ReceivedAt).Round(time.Second),
			n.DueAt.Format(time.RFC3339))}
	if tm.Step < len(line) {
		a.ContactID = line[tm.Step].ID
	}
	if err := s.insertAlert(ctx, tx, a); err != nil {
		return false, err
	}
	if tm.Step+1 < len(line) {
		next := now.Add(s.rule.Unopened)
		return true, tx.SetTimer(ctx, n.ID, tm.Kind, tm.Step+1, 0, &next)
	}
	return true, tx.DeleteTimer(ctx, n.ID, tm.Kind)
}

// AlertTx records an alert for the current on-call contact of the notice's
// jurisdiction (any jurisdiction's when it has none) and enqueues its sending.
// It suits enforce.AlertFunc.
func (s *Service) AlertTx(ctx context.Context, tx *store.Tx, a *store.Alert) error {
	if a.ContactID == "" {
		all, err := tx.Contacts(ctx, "")
		if err != nil {
			return err
		}
		j := "*"
		if a.NoticeID != "" {
			if n, err := tx.NoticeHead(ctx, a.NoticeID); err == nil {
				j = contact.Jurisdiction(n.Regime)
			}
		}
		dir := contact.Build(all, j, a.At)
		if len(dir.OnCall) > 0 {
			a.ContactID = dir.OnCall[0].ID
		} else if len(dir.PICs) > 0 {
			a.ContactID = dir.PICs[0].ID
		}
	}
	a.State = "pending"
	return s.insertAlert(ctx, tx, a)
}

func (s *Service) insertAlert(ctx context.Context, tx *store.Tx, a *store.Alert) error {
	if a.ID == "" {
		a.ID = id.New("alr", a.At)
	}
	if err := tx.InsertAlert(ctx, a); err != nil {
		return err
	}
	s.Log.Warn("alert", "kind", a.Kind, "notice", a.NoticeID, "contact", a.ContactID, "detail", a.Detail)
	return jobs.EnqueueTx(ctx, tx, a.At, jobs.Spec{Kind: JobAlert, Key: JobAlert + ":" + a.ID, Payload: map[string]string{"alert_id": a.ID},
		Priority: jobs.PriorityUrgent})
}

// sendAlert delivers an alert over its contact's channels: e-mail through
// SMTP, and an oncall.alert webhook to the platform's endpoint.
func (s *Service) sendAlert(ctx context.Context, j *jobs.Job) error {
	var p struct {
		AlertID string `json:"alert_id"`
	}
	if err := json.Unmarshal(j.Payload, &p); err != nil || p.AlertID == "" {
		return jobs.Permanent(errors.New("escalate: alert job without alert_id"))
	}
	a, err := s.DB.Alert(ctx, p.AlertID)
	if err != nil {
		return err
	}
	if a.State == "sent" {
		return nil
	}
	var c *org.Contact
	if a.ContactID != "" {
		if c, err = s.DB.Contact(ctx, a.ContactID); err != nil {
			return err
		}
	}
	if c != nil && c.Email != "" && s.Mailer != nil && s.Mailer.Addr != "" {
		subject := "[sigap] " + strings.ReplaceAll(a.Kind, "_", " ") + ": " + a.NoticeID
		if err := s.Mailer.Send(c.Email, subject, a.Detail+"\n\nAlert "+a.ID+" for "+c.Name+".\n", s.Clock.Now()); err != nil {
			return err
		}
	}
	now := s.Clock.Now()
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		if c == nil || c.Webhook {
			platform, err := tx.PlatformOrgID(ctx)
			if errors.Is(err, store.ErrNotFound) {
				return tx.SetAlertState(ctx, a.ID, "sent", now) // nowhere to send it but the log
			}
			if err != nil {
				return err
			}
			data := map[string]any{"alert_id": a.ID, "kind": a.Kind, "notice_id": a.NoticeID, "case_id": a.CaseID, "fraction": a.Fraction,
				"due_at": a.DueAt, "detail": a.Detail}
			if c != nil {
				data["contact"] = map[string]any{"id": c.ID, "name": c.Name, "role": c.Role, "languages": c.Languages, "time_zone": c.TimeZone}
			}
			if _, err := webhook.EnqueueTx(ctx, tx, now, webhook.Message{ID: "msg_" + a.ID, OrgID: platform, Type: TypeOnCall, Ref: a.ID,
				Data: data, OnlyIfEndpoint: true, Urgent: true}); err != nil {
				return err
			}
		}
		return tx.SetAlertState(ctx, a.ID, "sent", now)
	})
}
