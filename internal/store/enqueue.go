package store

import (
	"context"
	"fmt"
	"time"

	"github.com/sigap/sigap/internal/notice"
)

// Jobs filed by the store itself, in the transaction that records what they
// act on, so no action request or timeline event can be stored without them.
const (
	jobEnforceSend = "enforce.send" // internal/enforce.JobSend
	jobNotifyEvent = "notify.event" // internal/enforce.JobNotify
)

// enforcement is one action asked of the platform, as enforcement_actions holds it.
type enforcement struct {
	id, source, caseID, noticeID, subject, action, scope string
	until                                                *time.Time
	requested                                            time.Time
}

// enqueueEnforcement files a pending enforcement action and the job that
// sends it. Both keep the first row on a repeat, so storing the same request
// twice asks the platform once.
func (t *Tx) enqueueEnforcement(ctx context.Context, e enforcement) error {
	if _, err := t.exec(ctx, `INSERT INTO enforcement_actions (id, source, case_id, notice_id, subject, action, territorial_scope,
		until_at, state, requested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT DO NOTHING`,
		e.id, e.source, e.caseID, e.noticeID, e.subject, e.action, e.scope, msPtr(e.until), ms(e.requested)); err != nil {
		return fmt.Errorf("store: enforcement action %s: %w", e.id, err)
	}
	if _, err := t.exec(ctx, `INSERT INTO jobs (id, kind, key, payload, state, run_at, created_at)
		VALUES (?, ?, ?, '{}', 'available', ?, ?) ON CONFLICT DO NOTHING`,
		"job_"+e.id, jobEnforceSend, jobEnforceSend+":"+e.id, ms(e.requested), ms(e.requested)); err != nil {
		return fmt.Errorf("store: enforcement job %s: %w", e.id, err)
	}
	return nil
}

// notifies reports whether an event is one the notifier of its notice is told
// of (through its webhook endpoint, when it has one).
func notifies(e notice.Event) bool {
	if e.NoticeID == "" {
		return false
	}
	switch e.Type {
	case notice.EventReceived, "notice.status", "notice.decision", "clarification.requested", "notice.appeal",
		"notice.actioned", "notice.deadline_breached":
		return true
	}
	return false
}

// notifyJobs files a notify.event job for each stored event a notifier is
// told of, only where the notice's org has a webhook endpoint: a job per
// event for orgs that never subscribed halved intake throughput. The events
// are those of a range the caller has just appended, which the endings name
// by log index, by sequence number (with the log off), or as the rows of the
// INSERT they ride on (notifyAppended, PostgreSQL).
const (
	notifyJobsFrom = `INSERT INTO jobs (id, kind, key, payload, state, run_at, created_at)
	SELECT 'job_ev' || e.seq, '` + jobNotifyEvent + `', '` + jobNotifyEvent + `:' || e.seq, '{"seq":' || e.seq || '}', 'available', e.at, e.at
	FROM `
	notifyJobsTypes = ` JOIN webhook_endpoints w ON w.org_id = n.org_id
	WHERE e.type IN ('notice.received', 'notice.status', 'notice.decision', 'clarification.requested',
		'notice.appeal', 'notice.actioned', 'notice.deadline_breached') AND `
	notifyJobs = notifyJobsFrom + `events e JOIN notices n ON n.id = e.notice_id` + notifyJobsTypes
)

const (
	notifyByLogIndex = notifyJobs + `e.log_index >= ? AND e.log_index < ? ON CONFLICT DO NOTHING`
	notifyBySeq      = notifyJobs + `e.seq > ? ON CONFLICT DO NOTHING`
	// notifyAppended follows a CTE named appended: the events an INSERT
	// returned. Each finds its notice by its key (LATERAL ... OFFSET 0 is
	// never turned into a join): the plain join's plan, made while the
	// notices table was small, read the whole table once per group (on a
	// fresh database during `sigap bench intake`, 12,800 rows a group on
	// average, growing with the table).
	notifyAppended = notifyJobsFrom + `appended e CROSS JOIN LATERAL (SELECT org_id FROM notices WHERE id = e.notice_id OFFSET 0) n` +
		notifyJobsTypes + `TRUE ON CONFLICT DO NOTHING`
)

// anyNotifies reports whether a notifier is told of any of evs, so a write
// with none of them (a claim, a hit) runs no notify statement.
func anyNotifies(evs []notice.Event) bool {
	for _, e := range evs {
		if notifies(e) {
			return true
		}
	}
	return false
}
