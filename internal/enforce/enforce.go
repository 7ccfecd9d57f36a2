package enforce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"time"

	"github.com/sigap/sigap/internal/action"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/document"
	"github.com/sigap/sigap/internal/evidence"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/jobs"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/webhook"
)

// Job kinds this package handles.
const (
	// JobSend turns an action into its webhook; the store enqueues it in the
	// transaction that records the pending action (Tx.InsertAction,
	// Tx.InsertAutomatedAction).
	JobSend = "enforce.send"
	// JobNotify turns a timeline event on a notice into a notice.updated
	// webhook; the store enqueues it with the event.
	JobNotify = "notify.event"
	// JobPurge purges preserved evidence once its retention (and any hold) ends.
	JobPurge = "evidence.purge"
)

// Webhook message types.
const (
	TypeActionRequested = "action.requested"
	TypeNoticeUpdated   = "notice.updated"
)

// ActionRestore is the action a reversal asks for.
const ActionRestore = action.Restore

// Retention is how long preserved evidence is kept without a hold (EU TCO Art. 6: six months).
const Retention = document.Retention // months

// AlertFunc records an alert inside a transaction (escalation's on-call alerting).
type AlertFunc func(ctx context.Context, tx *store.Tx, a *store.Alert) error

// Service is enforcement.
type Service struct {
	DB    *store.DB
	Clock clock.Clock
	Jobs  *jobs.Queue
	Log   *slog.Logger
	// Alert, when set, is told of actions whose delivery was dead-lettered.
	Alert AlertFunc
}

// New returns the service and registers its jobs and webhook hooks.
func New(db *store.DB, clk clock.Clock, q *jobs.Queue, wh *webhook.Service, log *slog.Logger, alert AlertFunc) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{DB: db, Clock: clk, Jobs: q, Log: log, Alert: alert}
	q.Handle(JobSend, s.send, nil)
	q.Handle(JobNotify, s.notify, nil)
	q.Handle(JobPurge, s.purge, nil)
	q.Handle(document.JobPurge, s.purgeDocuments, nil)
	wh.OnAnswer(TypeActionRequested, s.answered)
	wh.OnDead(s.deliveryDead)
	return s
}

// MessageID is the webhook-id of an action's request: fixed per action, so
// a re-run of the send job after a crash adds nothing.
func MessageID(actionID string) string { return "msg_" + actionID }

func jobKeyID(j *jobs.Job) string {
	_, after, _ := cut(j.Key, ':')
	return after
}

func cut(s string, c byte) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// send puts an action's action.requested message in the outbox.
func (s *Service) send(ctx context.Context, j *jobs.Job) error {
	actionID := jobKeyID(j)
	now := s.Clock.Now()
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		a, err := tx.LockAction(ctx, actionID)
		if err != nil {
			return err
		}
		if a.State != action.StatePending {
			return nil
		}
		platform, err := tx.PlatformOrgID(ctx)
		if err != nil {
			return err
		}
		data := map[string]any{"action_id": a.ID, "case_id": a.CaseID, "subject": a.Subject, "action": a.Action,
			"territorial_scope": a.TerritorialScope, "until": a.Until}
		if a.NoticeID != "" {
			data["notice_id"] = a.NoticeID
		}
		_, err = webhook.EnqueueTx(ctx, tx, now, webhook.Message{ID: MessageID(a.ID), OrgID: platform, Type: TypeActionRequested, Ref: a.ID, Data: data, Urgent: true})
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return jobs.Permanent(err)
	}
	if err == nil {
		s.Jobs.Wake()
	}
	return err
}

// Confirmation is the platform's report that it carried an action out.
type Confirmation struct {
	ExecutedAt     time.Time `json:"executed_at"`
	EvidenceSHA256 string    `json:"evidence_sha256,omitempty"`
	// SnapshotRef is where the platform keeps its snapshot of the content.
	SnapshotRef string `json:"snapshot_ref,omitempty"`
}

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Validation errors of a confirmation.
var (
	ErrExecutedAtMissing = errors.New("enforce: executed_at is required")
	ErrExecutedAtFuture  = errors.New("enforce: executed_at is in the future")
	ErrBadSHA256         = errors.New("enforce: evidence_sha256 must be 64 lower-case hex digits")
	ErrSnapshotTooLong   = errors.New("enforce: snapshot_ref is longer than 2000 characters")
)

// Check validates a confirmation against now (a minute of clock skew allowed).
func (c Confirmation) Check(now time.Time) (field string, err error) {
	switch {
	case c.ExecutedAt.IsZero():
		return "executed_at", ErrExecutedAtMissing
	case c.ExecutedAt.After(now.Add(time.Minute)):
		return "executed_at", ErrExecutedAtFuture
	case c.EvidenceSHA256 != "" && !sha256Hex.MatchString(c.EvidenceSHA256):
		return "evidence_sha256", ErrBadSHA256
	case len(c.SnapshotRef) > 2000:
		return "snapshot_ref", ErrSnapshotTooLong
	}
	return "", nil
}

// Confirm records the platform's confirmation of an action. Confirming again
// answers the action as it stands (the first confirmation holds).
func (s *Service) Confirm(ctx context.Context, actionID string, c Confirmation, by string) (*action.Enforcement, error) {
	now := s.Clock.Now()
	if _, err := c.Check(now); err != nil {
		return nil, err
	}
	var enqueued bool
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		var err error
		enqueued, err = s.confirmTx(ctx, tx, actionID, c, by, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	if enqueued {
		s.Jobs.Wake()
	}
	return s.DB.Action(ctx, actionID)
}

func jsonOf(v any) json.RawMessage { b, _ := json.Marshal(v); return b }

// confirmTx applies a confirmation: the action executed, its case actioned,
// notices whose every case is done actioned (which tells their notifiers via
// the timeline), and evidence preserved.
func (s *Service) confirmTx(ctx context.Context, tx *store.Tx, actionID string, c Confirmation, by string, now time.Time) (bool, error) {
	a, err := tx.LockAction(ctx, actionID)
	if err != nil {
		return false, err
	}
	if a.State == action.StateExecuted {
		return false, nil
	}
	exec := clock.Milli(c.ExecutedAt)
	if err := tx.ConfirmAction(ctx, a.ID, exec, c.EvidenceSHA256, by); err != nil {
		return false, err
	}
	data := map[string]any{"action_id": a.ID, "action": a.Action, "executed_at": exec, "confirmed_by": by}
	if c.EvidenceSHA256 != "" {
		data["evidence_sha256"] = c.EvidenceSHA256
	}
	var evs []notice.Event
	enqueued := false
	if a.CaseID != "" {
		typ := "case.actioned"
		if a.Action == ActionRestore {
			typ = "case.restored"
		} else if _, err := tx.MarkCaseActioned(ctx, a.CaseID, now); err != nil {
			return false, err
		}
		evs = append(evs, notice.Event{At: now, Type: typ, CaseID: a.CaseID, Data: jsonOf(data)})
		if a.Action != ActionRestore && (c.EvidenceSHA256 != "" || c.SnapshotRef != "") {
			ev := &evidence.Evidence{ID: id.New("evd", now), ActionID: a.ID, CaseID: a.CaseID, SnapshotRef: c.SnapshotRef, SHA256: c.EvidenceSHA256,
				PreservedAt: now, KeepUntil: exec.AddDate(0, Retention, 0)}
			added, err := tx.InsertEvidence(ctx, ev)
			if err != nil {
				return false, err
			}
			if added {
				if err := jobs.EnqueueTx(ctx, tx, now, jobs.Spec{Kind: JobPurge, Key: purgeKey(ev.ID, ev.KeepUntil), RunAt: ev.KeepUntil}); err != nil {
					return false, err
				}
				evs = append(evs, notice.Event{At: now, Type: "evidence.preserved", CaseID: a.CaseID,
					Data: jsonOf(map[string]any{"evidence_id": ev.ID, "action_id": a.ID, "keep_until": ev.KeepUntil})})
				enqueued = true
			}
		}
		if a.Action != ActionRestore {
			done, err := tx.NoticesNowActioned(ctx, a.CaseID)
			if err != nil {
				return false, err
			}
			for _, r := range done {
				if err := tx.SetNoticeStatus(ctx, r.NoticeID, notice.StatusActioned); err != nil {
					return false, err
				}
				evs = append(evs, notice.Event{At: now, Type: "notice.status", NoticeID: r.NoticeID, CaseID: a.CaseID, OrgID: r.OrgID,
					Data: jsonOf(map[string]any{"status": notice.StatusActioned, "action_id": a.ID, "executed_at": exec})})
				enqueued = true
			}
		}
	}
	if len(evs) > 0 {
		if err := tx.AppendEvents(ctx, evs); err != nil {
			return false, err
		}
	}
	return enqueued, nil
}

func purgeKey(evidenceID string, at time.Time) string {
	return fmt.Sprintf("%s:%s:%d", JobPurge, evidenceID, at.UnixMilli())
}

// answered reads a confirmation from a 2xx answer to action.requested, if it holds one.
func (s *Service) answered(ctx context.Context, tx *store.Tx, d *store.Delivery, body []byte) error {
	now := s.Clock.Now()
	if err := tx.SetActionState(ctx, d.Ref, action.StateSent, now); err != nil {
		return err
	}
	var c Confirmation
	if len(body) == 0 || json.Unmarshal(body, &c) != nil || c.ExecutedAt.IsZero() {
		return nil
	}
	if _, err := c.Check(now); err != nil {
		return err
	}
	_, err := s.confirmTx(ctx, tx, d.Ref, c, "webhook-answer", now)
	return err
}

// deliveryDead marks an action whose request could not be delivered as failed and alerts.
func (s *Service) deliveryDead(ctx context.Context, tx *store.Tx, d *store.Delivery, cause error) error {
	now := s.Clock.Now()
	caseID := ""
	if d.Type == TypeActionRequested {
		if err := tx.SetActionState(ctx, d.Ref, action.StateFailed, now); err != nil {
			return err
		}
		if a, err := tx.LockAction(ctx, d.Ref); err == nil {
			caseID = a.CaseID
		}
	}
	if s.Alert == nil {
		return nil
	}
	return s.Alert(ctx, tx, &store.Alert{ID: id.New("alr", now), At: now, Kind: store.AlertDeadLetter, CaseID: caseID,
		Detail: fmt.Sprintf("webhook %s (%s to org %s) dead-lettered: %v", d.ID, d.Type, d.OrgID, cause)})
}
