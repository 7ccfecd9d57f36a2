package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/sigap/sigap/internal/decision"
	"github.com/sigap/sigap/internal/notice"
)

// SoRRow is a decision the DSA statement-of-reasons export considers, with
// the case it was taken on.
type SoRRow struct {
	Decision    *decision.Decision
	Subject     string
	SubjectKind string
	Channel     string
	Category    string
	Language    string
}

// SoRFilter selects a page of decisions for the DSA export: decisions that
// took effect in [From, To), with one of Actions, after the keyset (AfterAt,
// AfterID), in the order they took effect.
type SoRFilter struct {
	From, To time.Time
	Actions  []string
	AfterAt  time.Time
	AfterID  string
	Limit    int
}

// SoRDecisions lists final (or since reversed) decisions that took effect in
// the period, oldest first. A reversed decision still restricted the content
// for a while, so it owed a statement when it was taken.
func (db *DB) SoRDecisions(ctx context.Context, f SoRFilter) ([]*SoRRow, error) {
	if len(f.Actions) == 0 || f.Limit <= 0 {
		return nil, nil
	}
	after := f.AfterAt
	if after.Before(f.From) {
		after, f.AfterID = f.From, ""
	}
	args := []any{}
	for _, a := range f.Actions {
		args = append(args, a)
	}
	// effective_at is never before created_at, so created_at < to lets the
	// decisions_status index narrow the scan.
	args = append(args, ms(f.To), ms(f.From), ms(f.To), ms(after), ms(after), f.AfterID, f.Limit)
	return queryAll(ctx, db, "sor decisions", func(r rowScanner) (*SoRRow, error) {
		var row SoRRow
		d, err := scanDecision(scanWith{r, []any{&row.Subject, &row.SubjectKind, &row.Channel, &row.Category, &row.Language}})
		row.Decision = d
		return &row, err
	}, `SELECT `+prefixed("d.", decisionCols)+`, c.subject, c.subject_kind, c.channel, c.category, c.language
		FROM decisions d JOIN cases c ON c.id = d.case_id
		WHERE d.status IN ('final', 'reversed') AND d.action IN (`+placeholders(len(f.Actions))+`)
		AND d.created_at < ? AND d.effective_at >= ? AND d.effective_at < ?
		AND (d.effective_at > ? OR (d.effective_at = ? AND d.id > ?))
		ORDER BY d.effective_at, d.id LIMIT ?`, args...)
}

// scanWith lets scanDecision read a row that has more columns after the decision's.
type scanWith struct {
	rows  rowScanner
	extra []any
}

func (s scanWith) Scan(dest ...any) error { return s.rows.Scan(append(dest, s.extra...)...) }

// SoRNotice sums up the notices of one kind, regime and notifier on a case.
type SoRNotice struct {
	CaseID        string
	Kind          string
	Regime        string
	OrgID         string
	OrgName       string
	FirstReceived time.Time
	// Scanned says one of them came from sigap's own scan (reference "sigap-scan/...").
	Scanned bool
	// HoldUntil is the latest "do not inform the uploader before" of them (zero: none).
	HoldUntil time.Time
}

// sorChunk is how many cases one SoRNotices query asks about; the IN list is
// padded to it so the statement has one shape for the statement cache.
const sorChunk = 100

// SoRNotices returns, per case, what its notices say about how its decision
// came about, earliest notice first.
func (db *DB) SoRNotices(ctx context.Context, caseIDs []string) (map[string][]SoRNotice, error) {
	out := map[string][]SoRNotice{}
	for start := 0; start < len(caseIDs); start += sorChunk {
		part := caseIDs[start:min(len(caseIDs), start+sorChunk)]
		args := make([]any, sorChunk)
		for i := range args {
			args[i] = ""
			if i < len(part) {
				args[i] = part[i]
			}
		}
		rows, err := db.query(ctx, `SELECT ns.case_id, n.kind, n.regime, n.org_id, o.name, MIN(n.received_at),
			MAX(CASE WHEN n.reference LIKE 'sigap-scan/%' THEN 1 ELSE 0 END), MAX(COALESCE(h.inform_uploader_after, 0))
			FROM notice_subjects ns JOIN notices n ON n.id = ns.notice_id JOIN orgs o ON o.id = n.org_id
			LEFT JOIN notice_holds h ON h.notice_id = n.id
			WHERE ns.case_id IN (`+placeholders(sorChunk)+`)
			GROUP BY ns.case_id, n.kind, n.regime, n.org_id, o.name
			ORDER BY 1, 6, 2, 3, 4`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: sor notices: %w", err)
		}
		for rows.Next() {
			var s SoRNotice
			var first, scanned, hold int64
			if err := rows.Scan(&s.CaseID, &s.Kind, &s.Regime, &s.OrgID, &s.OrgName, &first, &scanned, &hold); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: sor notices: %w", err)
			}
			s.FirstReceived, s.Scanned = fromMS(first), scanned == 1
			if hold > 0 {
				s.HoldUntil = fromMS(hold)
			}
			out[s.CaseID] = append(out[s.CaseID], s)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("store: sor notices: %w", err)
		}
	}
	return out, nil
}

// LedgerFilter selects orders for the compliance ledger: kind=order notices
// received in [From, To), of Regime ("" for any) and OrgID ("" for any),
// after the keyset (AfterAt, AfterID), in the order they were received.
type LedgerFilter struct {
	From, To time.Time
	Regime   string
	OrgID    string
	AfterAt  time.Time
	AfterID  string
	Limit    int
}

// LedgerRow is one order with the moments an authority checks it by.
type LedgerRow struct {
	NoticeID  string
	OrgID     string
	Authority string
	Reference string
	Regime    string
	Category  string
	Class     string
	Urgent    bool
	Status    string
	// Subjects is how many items (URLs) the order names, as SAMAN counts
	// them: three links to one message are three items in one case.
	// SubjectsActioned is how many of those items have their case actioned,
	// so the two compare item for item.
	Subjects         int
	SubjectsActioned int
	ReceivedAt       time.Time
	// DueAt is the deadline as it stands (moved by clarification pauses the regime allows).
	DueAt time.Time
	// AcknowledgedAt is the platform's first response after receipt: a
	// reviewer claiming one of its cases, a decision on one, a message from
	// the platform on the notice's thread, or an objection, whichever came
	// first. The receipt itself is automatic and not counted. AcknowledgedBy
	// says which: claim, decision, message or objection.
	AcknowledgedAt *time.Time
	AcknowledgedBy string
	// ActionedAt is when the order was carried out in full: the latest
	// execution time enforcement confirmed for its cases, once the notice is
	// actioned (nil before).
	ActionedAt *time.Time
	// PendingActions counts enforcement actions on its cases not yet confirmed
	// executed, each action once however many of the order's items lead to its case.
	PendingActions int
}

// The compliance of a ledger row.
const (
	ComplianceOnTime      = "on_time"      // actioned by the deadline
	ComplianceLate        = "late"         // actioned after the deadline
	ComplianceOpen        = "open"         // not actioned yet, deadline not passed
	ComplianceOverdue     = "overdue"      // not actioned yet, deadline passed
	ComplianceNotActioned = "not_actioned" // closed without action (no_action, cannot_execute, or rejected)
)

// Assess says whether the order was complied with in time, as of now, and
// by how much it is late: actioned_at - due_at for an order actioned late,
// now - due_at for one still open past its deadline, zero when in time. The
// lateness is nil for an order closed without action (the decision and the
// objection record say why).
func (r *LedgerRow) Assess(now time.Time) (string, *time.Duration) {
	late := func(d time.Duration) *time.Duration { d = max(d, 0); return &d }
	switch {
	case r.ActionedAt != nil:
		if r.ActionedAt.After(r.DueAt) {
			return ComplianceLate, late(r.ActionedAt.Sub(r.DueAt))
		}
		return ComplianceOnTime, late(0)
	case r.Status == "received" || r.Status == "in_review" || r.PendingActions > 0:
		if now.After(r.DueAt) {
			return ComplianceOverdue, late(now.Sub(r.DueAt))
		}
		return ComplianceOpen, late(0)
	}
	return ComplianceNotActioned, nil
}

// Ledger lists orders for the compliance ledger, oldest first.
func (db *DB) Ledger(ctx context.Context, f LedgerFilter) ([]*LedgerRow, error) {
	if f.Limit <= 0 {
		return nil, nil
	}
	after := f.AfterAt
	if after.Before(f.From) {
		after, f.AfterID = f.From, ""
	}
	return queryAll(ctx, db, "ledger", scanLedgerRow, `SELECT n.id, n.org_id, o.name, n.reference, n.regime, n.category, n.class, n.urgent, n.status,
		n.subject_count, n.received_at, n.due_at,
		(SELECT MIN(e.at) FROM notice_subjects ns JOIN events e ON e.case_id = ns.case_id
			WHERE ns.notice_id = n.id AND e.type = 'case.claimed' AND e.at >= n.received_at),
		(SELECT MIN(d.created_at) FROM notice_subjects ns JOIN decisions d ON d.case_id = ns.case_id
			WHERE ns.notice_id = n.id AND d.created_at >= n.received_at),
		(SELECT MIN(m.created_at) FROM messages m WHERE m.notice_id = n.id AND m.side = 'platform'),
		(SELECT MIN(ob.created_at) FROM objections ob WHERE ob.notice_id = n.id),
		CASE WHEN n.status = 'actioned' THEN (SELECT MAX(ea.executed_at) FROM notice_subjects ns
			JOIN enforcement_actions ea ON ea.case_id = ns.case_id
			WHERE ns.notice_id = n.id AND ea.state = 'executed' AND ea.action <> 'restore') END,
		(SELECT COUNT(*) FROM enforcement_actions ea
			WHERE ea.case_id IN (SELECT ns.case_id FROM notice_subjects ns WHERE ns.notice_id = n.id)
			AND ea.state <> 'executed' AND ea.action <> 'restore'),
		(SELECT COUNT(*) FROM notice_subjects ns JOIN cases c ON c.id = ns.case_id
			WHERE ns.notice_id = n.id AND c.state = 'actioned')
		FROM notices n JOIN orgs o ON o.id = n.org_id
		WHERE n.kind IN `+sqlList(notice.BindingKinds())+` AND (? = '' OR n.regime = ?) AND (? = '' OR n.org_id = ?)
		AND n.received_at >= ? AND n.received_at < ?
		AND (n.received_at > ? OR (n.received_at = ? AND n.id > ?))
		ORDER BY n.received_at, n.id LIMIT ?`,
		f.Regime, f.Regime, f.OrgID, f.OrgID, ms(f.From), ms(f.To), ms(after), ms(after), f.AfterID, f.Limit)
}

func scanLedgerRow(s rowScanner) (*LedgerRow, error) {
	var r LedgerRow
	var received, due int64
	var claimed, decided, messaged, objected, actioned sql.NullInt64
	if err := s.Scan(&r.NoticeID, &r.OrgID, &r.Authority, &r.Reference, &r.Regime, &r.Category, &r.Class, &r.Urgent, &r.Status,
		&r.Subjects, &received, &due, &claimed, &decided, &messaged, &objected, &actioned, &r.PendingActions, &r.SubjectsActioned); err != nil {
		return nil, err
	}
	r.ReceivedAt, r.DueAt, r.ActionedAt = fromMS(received), fromMS(due), timePtr(actioned)
	for _, c := range []struct {
		by string
		at sql.NullInt64
	}{{"claim", claimed}, {"decision", decided}, {"message", messaged}, {"objection", objected}} {
		if c.at.Valid && (r.AcknowledgedAt == nil || fromMS(c.at.Int64).Before(*r.AcknowledgedAt)) {
			r.AcknowledgedAt, r.AcknowledgedBy = timePtr(c.at), c.by
		}
	}
	return &r, nil
}
