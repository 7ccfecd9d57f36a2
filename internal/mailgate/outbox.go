package mailgate

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/sigap/sigap/internal/store"
)

// The states of a reply on the outbox, as an operator reads them.
const (
	MailPending = "pending"
	MailFailing = "failing"
	MailSent    = "sent"
	MailDead    = "dead"
)

// outboxStates is the order the states are offered in.
var outboxStates = []string{MailPending, MailFailing, MailSent, MailDead}

// OutboxStates lists the states a reply on the outbox can be in.
func OutboxStates() []string { return append([]string(nil), outboxStates...) }

// Outbound is a queued reply by e-mail as the outbox shows it beside webhook
// deliveries: to whom, about what, and how its sending goes.
type Outbound struct {
	ID        string     `json:"id"`
	To        string     `json:"to"`
	Subject   string     `json:"subject"`
	NoticeID  string     `json:"notice_id,omitempty"`
	Refusal   bool       `json:"refusal"`
	State     string     `json:"state"`
	Attempts  int        `json:"attempts"`
	LastError string     `json:"last_error,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	NextAt    *time.Time `json:"next_at,omitempty"`
	SentAt    *time.Time `json:"sent_at,omitempty"`
	DeadAt    *time.Time `json:"dead_at,omitempty"`
}

// jobStates maps an outbox state to the job states it stands for.
func jobStates(state string) []string {
	switch state {
	case MailPending, MailFailing:
		return []string{store.JobAvailable, store.JobRunning}
	case MailSent:
		return []string{store.JobDone}
	case MailDead:
		return []string{store.JobDead}
	}
	return nil
}

// Outbox lists replies by e-mail, newest first: those in state, or (with
// state "") every one not yet sent, which is what an operator looks for.
func Outbox(ctx context.Context, db *store.DB, state string, limit int) ([]Outbound, error) {
	states := jobStates(state)
	if state == "" {
		states = []string{store.JobAvailable, store.JobRunning, store.JobDead}
	}
	rows, err := db.JobsOfKind(ctx, ReplyKind, states, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Outbound, 0, len(rows))
	for _, j := range rows {
		o, err := outboundOf(j)
		if err != nil {
			return nil, err
		}
		if state == "" || o.State == state {
			out = append(out, o)
		}
	}
	return out, nil
}

// outboundOf reads a reply job's row and payload.
func outboundOf(j *store.JobRow) (Outbound, error) {
	var r reply
	if err := json.Unmarshal([]byte(j.Payload), &r); err != nil {
		return Outbound{}, fmt.Errorf("mailgate: outbox %s: %w", j.ID, err)
	}
	o := Outbound{ID: j.ID, To: r.To, Subject: r.Subject, NoticeID: r.NoticeID, Refusal: len(r.Problems) > 0,
		Attempts: j.Attempts, LastError: j.LastError, CreatedAt: j.CreatedAt}
	switch j.State {
	case store.JobDone:
		o.State, o.SentAt = MailSent, j.FinishedAt
	case store.JobDead:
		o.State, o.DeadAt = MailDead, j.FinishedAt
	default:
		o.State = MailPending
		if j.Attempts > 0 || j.LastError != "" {
			o.State = MailFailing
		}
		at := j.RunAt
		o.NextAt = &at
	}
	return o, nil
}
