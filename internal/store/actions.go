package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/sigap/sigap/internal/action"
)

const actionCols = `id, source, case_id, notice_id, subject, action, territorial_scope, until_at, state, requested_at, sent_at,
	executed_at, evidence_sha256, confirmed_by`

func scanAction(s rowScanner) (*action.Enforcement, error) {
	var a action.Enforcement
	var scope string
	var until, sent, exec sql.NullInt64
	var req int64
	if err := s.Scan(&a.ID, &a.Source, &a.CaseID, &a.NoticeID, &a.Subject, &a.Action, &scope, &until, &a.State, &req, &sent,
		&exec, &a.EvidenceSHA256, &a.ConfirmedBy); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(scope), &a.TerritorialScope); err != nil || a.TerritorialScope == nil {
		a.TerritorialScope = []string{}
	}
	a.Until, a.RequestedAt, a.SentAt, a.ExecutedAt = timePtr(until), fromMS(req), timePtr(sent), timePtr(exec)
	return &a, nil
}

// Action reads one enforcement action.
func (db *DB) Action(ctx context.Context, id string) (*action.Enforcement, error) {
	return queryOne(ctx, db, "action "+id, scanAction, `SELECT `+actionCols+` FROM enforcement_actions WHERE id = ?`, id)
}

// LockAction reads one enforcement action inside the transaction (locking it on PostgreSQL).
func (t *Tx) LockAction(ctx context.Context, id string) (*action.Enforcement, error) {
	return queryOne(ctx, t, "action "+id, scanAction, `SELECT `+actionCols+` FROM enforcement_actions WHERE id = ?`+t.forUpdate(), id)
}

// ActionFilter narrows the action listing.
type ActionFilter struct {
	State  string
	CaseID string
	Before string
	Limit  int
}

// Actions lists enforcement actions, newest first.
func (db *DB) Actions(ctx context.Context, f ActionFilter) ([]*action.Enforcement, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	return queryAll(ctx, db, "actions", scanAction, `SELECT `+actionCols+` FROM enforcement_actions
		WHERE (? = '' OR state = ?) AND (? = '' OR case_id = ?) AND (? = '' OR id < ?) ORDER BY id DESC LIMIT `+fmt.Sprint(f.Limit),
		f.State, f.State, f.CaseID, f.CaseID, f.Before, f.Before)
}

// SetActionState moves an action on; sent_at is stamped on the first move to sent.
func (t *Tx) SetActionState(ctx context.Context, id, state string, at time.Time) error {
	var sent any
	if state == action.StateSent {
		sent = ms(at)
	}
	return t.run(ctx, fmt.Sprintf("action %s", id), `UPDATE enforcement_actions SET state = ?, sent_at = COALESCE(sent_at, ?) WHERE id = ? AND state <> 'executed'`,
		state, sent, id)
}

// ConfirmAction records the platform's confirmation that it carried the action out.
func (t *Tx) ConfirmAction(ctx context.Context, id string, executedAt time.Time, sha, by string) error {
	if _, err := t.exec(ctx, `UPDATE enforcement_actions SET state = 'executed', executed_at = ?, evidence_sha256 = ?, confirmed_by = ?,
		sent_at = COALESCE(sent_at, ?) WHERE id = ?`, ms(executedAt), sha, by, ms(executedAt), id); err != nil {
		return fmt.Errorf("store: confirm action %s: %w", id, err)
	}
	// The request rows review and scanning keep stay 'pending until enforcement reports them done'.
	if _, err := t.exec(ctx, `UPDATE review_actions SET state = 'done' WHERE id = ?`, id); err != nil {
		return fmt.Errorf("store: confirm action %s: %w", id, err)
	}
	return t.run(ctx, fmt.Sprintf("confirm action %s", id), `UPDATE automated_actions SET state = 'done' WHERE id = ?`, id)
}

// MarkCaseActioned moves a decided case to actioned; it reports whether it moved.
func (t *Tx) MarkCaseActioned(ctx context.Context, caseID string, now time.Time) (bool, error) {
	n, err := t.changed(ctx, fmt.Sprintf("case %s actioned", caseID),
		`UPDATE cases SET state = 'actioned', updated_at = ? WHERE id = ? AND state = 'decided'`, ms(now), caseID)
	return n == 1, err
}

// NoticesNowActioned lists the notices on a case that are complete: none of
// their cases is open or waits for an enforcement action, at least one case is
// actioned, and the notice is not marked actioned yet.
func (t *Tx) NoticesNowActioned(ctx context.Context, caseID string) ([]CaseNoticeRef, error) {
	rows, err := t.query(ctx, `SELECT n.id, n.org_id,
		SUM(CASE WHEN c.state = 'open' OR EXISTS (SELECT 1 FROM enforcement_actions ea WHERE ea.case_id = c.id AND ea.state <> 'executed')
			THEN 1 ELSE 0 END),
		SUM(CASE WHEN c.state = 'actioned' THEN 1 ELSE 0 END)
		FROM notices n JOIN notice_subjects ns ON ns.notice_id = n.id JOIN cases c ON c.id = ns.case_id
		WHERE n.id IN (SELECT notice_id FROM notice_subjects WHERE case_id = ?) AND n.status <> 'actioned'
		GROUP BY n.id, n.org_id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("store: notices actioned: %w", err)
	}
	defer rows.Close()
	var out []CaseNoticeRef
	for rows.Next() {
		var r CaseNoticeRef
		var waiting, actioned int64
		if err := rows.Scan(&r.NoticeID, &r.OrgID, &waiting, &actioned); err != nil {
			return nil, fmt.Errorf("store: notices actioned: %w", err)
		}
		if waiting == 0 && actioned > 0 {
			out = append(out, r)
		}
	}
	return out, rows.Err()
}

// SetNoticeStatus sets a notice's status.
func (t *Tx) SetNoticeStatus(ctx context.Context, noticeID, status string) error {
	return t.run(ctx, fmt.Sprintf("notice %s status", noticeID), `UPDATE notices SET status = ? WHERE id = ?`, status, noticeID)
}

// EventBySeq reads one timeline event's notice, org, type and data.
func (t *Tx) EventBySeq(ctx context.Context, seq int64) (typ, noticeID, caseID, orgID, data string, at time.Time, err error) {
	var n, c, o sql.NullString
	var atMS int64
	err = t.queryRow(ctx, `SELECT type, notice_id, case_id, org_id, data, at FROM events WHERE seq = ?`, seq).Scan(&typ, &n, &c, &o, &data, &atMS)
	if err != nil {
		err = rowErr(fmt.Sprintf("event %d", seq), err)
	}
	return typ, n.String, c.String, o.String, data, fromMS(atMS), err
}

// NoticeHead is what escalation and notifications need of a notice.
type NoticeHead struct {
	ID, OrgID, Kind, Regime, Class, Status string
	ReceivedAt, DueAt                      time.Time
	Within                                 time.Duration
}

// NoticeHead reads a notice's head inside the transaction.
func (t *Tx) NoticeHead(ctx context.Context, id string) (*NoticeHead, error) {
	var h NoticeHead
	var rec, due, within int64
	err := t.queryRow(ctx, `SELECT id, org_id, kind, regime, class, status, received_at, due_at, within_ms FROM notices WHERE id = ?`, id).
		Scan(&h.ID, &h.OrgID, &h.Kind, &h.Regime, &h.Class, &h.Status, &rec, &due, &within)
	if err != nil {
		return nil, rowErr("notice "+id, err)
	}
	h.ReceivedAt, h.DueAt, h.Within = fromMS(rec), fromMS(due), time.Duration(within)*time.Millisecond
	return &h, nil
}

// PlatformOrgID is the platform's own org (the first one made, at bootstrap).
func (t *Tx) PlatformOrgID(ctx context.Context) (string, error) {
	var id string
	err := t.queryRow(ctx, `SELECT id FROM orgs WHERE kind = 'platform' ORDER BY created_at, id LIMIT 1`).Scan(&id)
	if err != nil {
		return "", rowErr("platform org", err)
	}
	return id, nil
}
