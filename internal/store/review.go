package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sigap/sigap/internal/action"
	"github.com/sigap/sigap/internal/decision"
	"github.com/sigap/sigap/internal/notice"
)

// LeasedCase is a case with its queue lease.
type LeasedCase struct {
	notice.Case
	LeaseHolder    string    `json:"lease_holder,omitempty"`
	LeaseExpiresAt time.Time `json:"lease_expires_at"`
	// Held marks an open case whose decision waits for a second reviewer: it
	// keeps its holder, has no lease expiry and stays off the queue until the
	// decision is approved or rejected.
	Held bool `json:"-"`
}

// ClaimFilter narrows which open case a reviewer may claim.
type ClaimFilter struct {
	// Languages are the languages the reviewer reads; a case in another
	// language is not offered (a case of unknown language is offered to all).
	Languages []string
	Category  string
	Regime    string
	Language  string
	Lane      string
}

func (f ClaimFilter) where() (string, []any) {
	var b strings.Builder
	var args []any
	if len(f.Languages) > 0 {
		b.WriteString(` AND (language = ''`)
		for _, l := range f.Languages {
			b.WriteString(` OR language = ? OR language LIKE ?`)
			args = append(args, l, l+"-%")
		}
		b.WriteString(`)`)
	}
	if f.Language != "" {
		b.WriteString(` AND (language = ? OR language LIKE ?)`)
		args = append(args, f.Language, f.Language+"-%")
	}
	if f.Category != "" {
		b.WriteString(` AND category = ?`)
		args = append(args, f.Category)
	}
	if f.Lane != "" {
		b.WriteString(` AND lane_rank = ?`)
		args = append(args, notice.LaneRank(f.Lane))
	}
	if f.Regime != "" {
		b.WriteString(` AND EXISTS (SELECT 1 FROM notice_subjects ns JOIN notices n ON n.id = ns.notice_id WHERE ns.case_id = cases.id AND n.regime = ?)`)
		args = append(args, f.Regime)
	}
	return b.String(), args
}

// ClaimSQL is the claim statement for a dialect, exported for the benchmark's
// query-plan check.
func ClaimSQL(d Dialect, f ClaimFilter) (string, []any) {
	where, args := f.where()
	lock := ""
	if d == Postgres {
		// SKIP LOCKED lets concurrent writers each take a different case
		// instead of queueing behind the first one's row lock.
		lock = ` FOR UPDATE SKIP LOCKED`
	}
	return `UPDATE cases SET lease_holder = ?, lease_expires_at = ?, updated_at = ?
		WHERE id = (SELECT id FROM cases WHERE state = 'open' AND lease_holder = ''` + where +
		` ORDER BY lane_rank, due_at LIMIT 1` + lock + `)
		RETURNING ` + caseCols, args
}

// sweepSQL returns cases whose lease ran out to the queue (a bounded batch per claim).
func sweepSQL(d Dialect) string {
	lock := ""
	if d == Postgres {
		lock = ` FOR UPDATE SKIP LOCKED`
	}
	return `UPDATE cases SET lease_holder = '', lease_expires_at = 0 WHERE id IN (SELECT id FROM cases
		WHERE state = 'open' AND lease_holder <> '' AND NOT held AND lease_expires_at <= ? ORDER BY lease_expires_at LIMIT 100` + lock + `)
		RETURNING id`
}

// ClaimCase leases the most urgent open case that f allows to holder until
// expires, and moves the notices on it to in_review. It returns ErrNotFound
// when nothing is waiting. On SQLite the single writer serialises claims; on
// PostgreSQL the row lock with SKIP LOCKED keeps two claims apart.
func (t *Tx) ClaimCase(ctx context.Context, holder string, now, expires time.Time, f ClaimFilter) (*LeasedCase, error) {
	var evs []notice.Event
	rows, err := t.query(ctx, sweepSQL(t.dialect), ms(now))
	if err != nil {
		return nil, fmt.Errorf("store: claim: sweep leases: %w", err)
	}
	for rows.Next() {
		var cid string
		if err := rows.Scan(&cid); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: claim: sweep leases: %w", err)
		}
		evs = append(evs, notice.Event{At: now, Type: "case.lease_expired", CaseID: cid})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: claim: sweep leases: %w", err)
	}
	q, fargs := ClaimSQL(t.dialect, f)
	args := append([]any{holder, ms(expires), ms(now)}, fargs...)
	c, err := scanCase(t.queryRow(ctx, q, args...))
	if err != nil {
		return nil, rowErr("claim", err)
	}
	lc := &LeasedCase{Case: c, LeaseHolder: holder, LeaseExpiresAt: expires}
	evs = append(evs, notice.Event{At: now, Type: "case.claimed", CaseID: c.ID,
		Data: mustJSON(map[string]any{"reviewer": holder, "lease_expires_at": expires})})
	rows, err = t.query(ctx, `UPDATE notices SET status = ? WHERE status = ?
		AND id IN (SELECT notice_id FROM notice_subjects WHERE case_id = ?) RETURNING id, org_id`,
		notice.StatusInReview, notice.StatusReceived, c.ID)
	if err != nil {
		return nil, fmt.Errorf("store: claim: notices in review: %w", err)
	}
	for rows.Next() {
		var nid, oid string
		if err := rows.Scan(&nid, &oid); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: claim: %w", err)
		}
		evs = append(evs, notice.Event{At: now, Type: "notice.status", NoticeID: nid, CaseID: c.ID, OrgID: oid,
			Data: mustJSON(map[string]string{"status": notice.StatusInReview})})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: claim: %w", err)
	}
	return lc, t.AppendEvents(ctx, evs)
}

func mustJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

const leasedCols = caseCols + `, lease_holder, lease_expires_at, held`

func scanLeased(row rowScanner) (*LeasedCase, error) {
	var lc LeasedCase
	var due, opened, updated, lease int64
	c := &lc.Case
	err := row.Scan(&c.ID, &c.Subject, &c.Kind, &c.Channel, &c.State, &c.Lane, &c.Category, &c.Language, &due, &opened,
		&updated, &lc.LeaseHolder, &lease, &lc.Held)
	if err != nil {
		return nil, err
	}
	c.DueAt, c.OpenedAt, c.UpdatedAt, lc.LeaseExpiresAt = fromMS(due), fromMS(opened), fromMS(updated), fromMS(lease)
	return &lc, nil
}

func (t *Tx) forUpdate() string {
	if t.dialect == Postgres {
		return ` FOR UPDATE`
	}
	return ""
}

// LockCase reads a case and its lease inside the transaction, locking its row on PostgreSQL.
func (t *Tx) LockCase(ctx context.Context, caseID string) (*LeasedCase, error) {
	return queryOne(ctx, t, "case "+caseID, scanLeased, `SELECT `+leasedCols+` FROM cases WHERE id = ?`+t.forUpdate(), caseID)
}

// SetLease sets or clears (holder "", expires zero) a case's lease; either
// way the case is no longer held.
func (t *Tx) SetLease(ctx context.Context, caseID, holder string, expires, now time.Time) error {
	var exp int64
	if !expires.IsZero() {
		exp = ms(expires)
	}
	return t.run(ctx, fmt.Sprintf("lease %s", caseID), `UPDATE cases SET lease_holder = ?, lease_expires_at = ?, held = ?, updated_at = ? WHERE id = ?`,
		holder, exp, false, ms(now), caseID)
}

// HoldCase holds an open case for holder while their decision waits for a
// second reviewer: no lease expiry, so neither a claim nor the sweep takes it
// back; SetLease or SetCaseState settles it.
func (t *Tx) HoldCase(ctx context.Context, caseID, holder string, now time.Time) error {
	return t.run(ctx, fmt.Sprintf("hold %s", caseID), `UPDATE cases SET lease_holder = ?, lease_expires_at = 0, held = ?, updated_at = ? WHERE id = ?`,
		holder, true, ms(now), caseID)
}

// SetCaseState moves a case to state and drops its lease.
func (t *Tx) SetCaseState(ctx context.Context, caseID, state string, now time.Time) error {
	return t.run(ctx, fmt.Sprintf("case state %s", caseID), `UPDATE cases SET state = ?, lease_holder = '', lease_expires_at = 0, held = ?, updated_at = ? WHERE id = ?`,
		state, false, ms(now), caseID)
}

const decisionCols = `id, case_id, reviewer, org_id, action, ground_type, ground_reference, reasons, territorial_scope,
	until_at, automated, status, approver, approved_at, created_at, effective_at`

func msPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return ms(*t)
}

func timePtr(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}

// InsertDecision stores a decision; a second live decision on one case is ErrConflict.
func (t *Tx) InsertDecision(ctx context.Context, d *decision.Decision) error {
	scope, _ := json.Marshal(d.TerritorialScope)
	return t.insertUnique(ctx, "insert decision", fmt.Errorf("store: decision on case %s: %w", d.CaseID, ErrConflict),
		`INSERT INTO decisions (`+decisionCols+`) VALUES (`+placeholders(16)+`)`,
		d.ID, d.CaseID, d.Reviewer, d.OrgID, d.Action, d.Ground.Type, d.Ground.Reference, d.Reasons, string(scope),
		msPtr(d.Until), d.Automated, d.Status, d.Approver, msPtr(d.ApprovedAt), ms(d.CreatedAt), msPtr(d.EffectiveAt))
}

// isUnique reports a unique-constraint violation on either engine.
// insertUnique runs the INSERT q. A unique-key collision returns taken (the
// caller's error saying what was there already); any other failure is
// wrapped as "store: what: ...".
func (t *Tx) insertUnique(ctx context.Context, what string, taken error, q string, args ...any) error {
	_, err := t.exec(ctx, q, args...)
	if isUnique(err) {
		return taken
	}
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	return nil
}

func isUnique(err error) bool {
	if err == nil {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// UpdateDecision records a decision's new status and approval.
func (t *Tx) UpdateDecision(ctx context.Context, d *decision.Decision) error {
	return t.run(ctx, fmt.Sprintf("update decision %s", d.ID), `UPDATE decisions SET status = ?, approver = ?, approved_at = ?, effective_at = ? WHERE id = ?`,
		d.Status, d.Approver, msPtr(d.ApprovedAt), msPtr(d.EffectiveAt), d.ID)
}

func scanDecision(row rowScanner) (*decision.Decision, error) {
	var d decision.Decision
	var scope string
	var until, approved, effective sql.NullInt64
	var created int64
	if err := row.Scan(&d.ID, &d.CaseID, &d.Reviewer, &d.OrgID, &d.Action, &d.Ground.Type, &d.Ground.Reference,
		&d.Reasons, &scope, &until, &d.Automated, &d.Status, &d.Approver, &approved, &created, &effective); err != nil {
		return nil, err
	}
	_ = json.Unmarshal([]byte(scope), &d.TerritorialScope)
	d.Until, d.ApprovedAt, d.EffectiveAt, d.CreatedAt = timePtr(until), timePtr(approved), timePtr(effective), fromMS(created)
	return &d, nil
}

// LockDecision reads a decision inside the transaction.
func (t *Tx) LockDecision(ctx context.Context, id string) (*decision.Decision, error) {
	return queryOne(ctx, t, "decision "+id, scanDecision, `SELECT `+decisionCols+` FROM decisions WHERE id = ?`+t.forUpdate(), id)
}

// Decision returns one decision.
func (db *DB) Decision(ctx context.Context, id string) (*decision.Decision, error) {
	return queryOne(ctx, db, "decision "+id, scanDecision, `SELECT `+decisionCols+` FROM decisions WHERE id = ?`, id)
}

func (db *DB) decisions(ctx context.Context, q string, args ...any) ([]*decision.Decision, error) {
	return queryAll(ctx, db, "decisions", scanDecision, q, args...)
}

// CaseDecisions lists a case's decisions, oldest first.
func (db *DB) CaseDecisions(ctx context.Context, caseID string) ([]*decision.Decision, error) {
	return db.decisions(ctx, `SELECT `+decisionCols+` FROM decisions WHERE case_id = ? ORDER BY created_at, id`, caseID)
}

// ChannelDecisions lists up to limit decisions on other cases of the same channel, newest first.
func (db *DB) ChannelDecisions(ctx context.Context, channel, exceptCase string, limit int) ([]*decision.Decision, error) {
	if channel == "" {
		return nil, nil
	}
	return db.decisions(ctx, `SELECT `+prefixed("d.", decisionCols)+` FROM decisions d JOIN cases c ON c.id = d.case_id
		WHERE c.channel = ? AND c.id <> ? ORDER BY d.created_at DESC LIMIT ?`, channel, exceptCase, limit)
}

// DecisionsByStatus lists decisions in a status, oldest first (the approvals queue).
func (db *DB) DecisionsByStatus(ctx context.Context, status string, limit int) ([]*decision.Decision, error) {
	return db.decisions(ctx, `SELECT `+decisionCols+` FROM decisions WHERE status = ? ORDER BY created_at, id LIMIT ?`, status, limit)
}

// LiveDecisions returns the live (pending or final) decision of each of the given cases.
func (db *DB) LiveDecisions(ctx context.Context, caseIDs []string) (map[string]*decision.Decision, error) {
	out := map[string]*decision.Decision{}
	for args := range anyChunks(caseIDs, 500) {
		ds, err := db.decisions(ctx, `SELECT `+decisionCols+` FROM decisions WHERE status IN ('pending_approval', 'final', 'reversed')
			AND case_id IN (`+placeholders(len(args))+`)`, args...)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			out[d.CaseID] = d
		}
	}
	return out, nil
}

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// RefreshNoticeStatuses recomputes the status of every notice on a case after
// a decision: decided once none of its cases is open, rejected when every
// case ended in no_action or cannot_execute. A status only moves forward.
func (t *Tx) RefreshNoticeStatuses(ctx context.Context, caseID string, now time.Time) error {
	rows, err := t.query(ctx, `SELECT n.id, n.org_id, n.status,
		SUM(CASE WHEN c.state = 'open' THEN 1 ELSE 0 END),
		SUM(CASE WHEN d.action IN `+sqlList(action.NotActioned())+` THEN 1 ELSE 0 END),
		COUNT(*)
		FROM notices n JOIN notice_subjects ns ON ns.notice_id = n.id JOIN cases c ON c.id = ns.case_id
		LEFT JOIN decisions d ON d.case_id = c.id AND d.status = 'final'
		WHERE n.id IN (SELECT notice_id FROM notice_subjects WHERE case_id = ?)
		GROUP BY n.id, n.org_id, n.status`, caseID)
	if err != nil {
		return fmt.Errorf("store: notice statuses: %w", err)
	}
	type change struct{ id, org, status string }
	var changes []change
	for rows.Next() {
		var id, org, status string
		var open, rejected, total int64
		if err := rows.Scan(&id, &org, &status, &open, &rejected, &total); err != nil {
			rows.Close()
			return fmt.Errorf("store: notice statuses: %w", err)
		}
		if open > 0 || status == notice.StatusActioned {
			continue
		}
		next := notice.StatusDecided
		if rejected == total {
			next = notice.StatusRejected
		}
		if next != status {
			changes = append(changes, change{id, org, next})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: notice statuses: %w", err)
	}
	evs := make([]notice.Event, 0, len(changes))
	for _, c := range changes {
		if _, err := t.exec(ctx, `UPDATE notices SET status = ? WHERE id = ?`, c.status, c.id); err != nil {
			return fmt.Errorf("store: notice status: %w", err)
		}
		evs = append(evs, notice.Event{At: now, Type: "notice.status", NoticeID: c.id, CaseID: caseID, OrgID: c.org,
			Data: mustJSON(map[string]string{"status": c.status})})
	}
	return t.AppendEvents(ctx, evs)
}

// CaseNoticeRef is a notice on a case, with who sent it.
type CaseNoticeRef struct {
	NoticeID string
	OrgID    string
}

// CaseNoticeIDs lists the notices on a case (each once).
func (t *Tx) CaseNoticeIDs(ctx context.Context, caseID string) ([]CaseNoticeRef, error) {
	return queryAll(ctx, t, "case notices", func(r rowScanner) (CaseNoticeRef, error) {
		var ref CaseNoticeRef
		err := r.Scan(&ref.NoticeID, &ref.OrgID)
		return ref, err
	}, `SELECT DISTINCT n.id, n.org_id FROM notices n JOIN notice_subjects ns ON ns.notice_id = n.id
		WHERE ns.case_id = ? ORDER BY n.id`, caseID)
}

// CaseNotices returns the notices on a case, oldest first, without their subjects.
func (db *DB) CaseNotices(ctx context.Context, caseID string) ([]*notice.Notice, error) {
	return queryAll(ctx, db, "case notices", scanNotice, `SELECT `+noticeCols+` FROM notices WHERE id IN
		(SELECT notice_id FROM notice_subjects WHERE case_id = ?) ORDER BY id`, caseID)
}

// LeasedCase returns a case with its lease.
func (db *DB) LeasedCase(ctx context.Context, caseID string) (*LeasedCase, error) {
	return queryOne(ctx, db, "case "+caseID, scanLeased, `SELECT `+leasedCols+` FROM cases WHERE id = ?`, caseID)
}

// HeldCases lists the cases a reviewer holds: an unexpired lease, or held
// while their decision waits for approval.
func (db *DB) HeldCases(ctx context.Context, holder string, now time.Time) ([]*LeasedCase, error) {
	return queryAll(ctx, db, "held cases", scanLeased, `SELECT `+leasedCols+` FROM cases WHERE state = 'open' AND lease_holder = ? AND (held OR lease_expires_at > ?)
		ORDER BY lane_rank, due_at LIMIT 100`, holder, ms(now))
}

// QueueCounts counts open cases waiting (not leased) per lane.
func (db *DB) QueueCounts(ctx context.Context, now time.Time) (map[string]int, error) {
	return countBy(ctx, db, "queue counts",
		`SELECT lane, COUNT(*) FROM cases WHERE state = 'open' AND (lease_holder = '' OR (NOT held AND lease_expires_at <= ?)) GROUP BY lane`, ms(now))
}

// CaseTimeline returns a case's events in order.
func (db *DB) CaseTimeline(ctx context.Context, caseID string, limit int) ([]notice.Event, error) {
	return queryAll(ctx, db, "case timeline", scanEvent, `SELECT `+eventCols+` FROM events WHERE case_id = ? ORDER BY seq LIMIT ?`, caseID, limit)
}

// InsertAction records an action request for enforcement, pending until it
// reports back, and files its enforcement action and the job that sends it.
func (t *Tx) InsertAction(ctx context.Context, a *action.Request) error {
	scope, _ := json.Marshal(a.TerritorialScope)
	if _, err := t.exec(ctx, `INSERT INTO review_actions (id, case_id, decision_id, appeal_id, subject, action,
		territorial_scope, until_at, state, created_at) VALUES (`+placeholders(10)+`)`,
		a.ID, a.CaseID, a.DecisionID, a.AppealID, a.Subject, a.Action, string(scope), msPtr(a.Until), a.State, ms(a.CreatedAt)); err != nil {
		return fmt.Errorf("store: insert action: %w", err)
	}
	return t.enqueueEnforcement(ctx, enforcement{id: a.ID, source: "review", caseID: a.CaseID, subject: a.Subject, action: a.Action,
		scope: string(scope), until: a.Until, requested: a.CreatedAt})
}

// CaseActions lists the action requests of a case, oldest first.
func (db *DB) CaseActions(ctx context.Context, caseID string) ([]*action.Request, error) {
	return queryAll(ctx, db, "case actions", scanRequest, `SELECT id, case_id, decision_id, appeal_id, subject, action, territorial_scope, until_at, state, created_at
		FROM review_actions WHERE case_id = ? ORDER BY created_at, id`, caseID)
}

func scanRequest(r rowScanner) (*action.Request, error) {
	var a action.Request
	var scope string
	var until sql.NullInt64
	var created int64
	err := r.Scan(&a.ID, &a.CaseID, &a.DecisionID, &a.AppealID, &a.Subject, &a.Action, &scope, &until, &a.State, &created)
	_ = json.Unmarshal([]byte(scope), &a.TerritorialScope)
	a.Until, a.CreatedAt = timePtr(until), fromMS(created)
	return &a, err
}

const appealCols = `id, case_id, decision_id, filed_by, reasons, status, reviewer, outcome_reasons, created_at, decided_at`

// InsertAppeal stores an appeal; a second appeal on one decision is ErrConflict.
func (t *Tx) InsertAppeal(ctx context.Context, a *decision.Appeal) error {
	return t.insertUnique(ctx, "insert appeal", fmt.Errorf("store: appeal on decision %s: %w", a.DecisionID, ErrConflict),
		`INSERT INTO appeals (`+appealCols+`) VALUES (`+placeholders(10)+`)`,
		a.ID, a.CaseID, a.DecisionID, a.FiledBy, a.Reasons, a.Status, a.Reviewer, a.OutcomeReasons, ms(a.CreatedAt), msPtr(a.DecidedAt))
}

// AppealExists reports whether a decision was already appealed.
func (t *Tx) AppealExists(ctx context.Context, decisionID string) (bool, error) {
	return exists(ctx, t, "appeal exists", `SELECT COUNT(*) FROM appeals WHERE decision_id = ?`, decisionID)
}

// UpdateAppeal records an appeal's outcome.
func (t *Tx) UpdateAppeal(ctx context.Context, a *decision.Appeal) error {
	return t.run(ctx, fmt.Sprintf("update appeal %s", a.ID), `UPDATE appeals SET status = ?, reviewer = ?, outcome_reasons = ?, decided_at = ? WHERE id = ?`,
		a.Status, a.Reviewer, a.OutcomeReasons, msPtr(a.DecidedAt), a.ID)
}

func scanAppeal(row rowScanner) (*decision.Appeal, error) {
	var a decision.Appeal
	var created int64
	var decided sql.NullInt64
	if err := row.Scan(&a.ID, &a.CaseID, &a.DecisionID, &a.FiledBy, &a.Reasons, &a.Status, &a.Reviewer, &a.OutcomeReasons,
		&created, &decided); err != nil {
		return nil, err
	}
	a.CreatedAt, a.DecidedAt = fromMS(created), timePtr(decided)
	return &a, nil
}

// LockAppeal reads an appeal inside the transaction.
func (t *Tx) LockAppeal(ctx context.Context, id string) (*decision.Appeal, error) {
	return queryOne(ctx, t, "appeal "+id, scanAppeal, `SELECT `+appealCols+` FROM appeals WHERE id = ?`+t.forUpdate(), id)
}

// SetDecisionStatus changes only a decision's status (a reversal).
func (t *Tx) SetDecisionStatus(ctx context.Context, id, status string) error {
	return t.run(ctx, fmt.Sprintf("decision status %s", id), `UPDATE decisions SET status = ? WHERE id = ?`, status, id)
}

func (db *DB) appeals(ctx context.Context, q string, args ...any) ([]*decision.Appeal, error) {
	return queryAll(ctx, db, "appeals", scanAppeal, q, args...)
}

// Appeal returns one appeal.
func (db *DB) Appeal(ctx context.Context, id string) (*decision.Appeal, error) {
	return queryOne(ctx, db, "appeal "+id, scanAppeal, `SELECT `+appealCols+` FROM appeals WHERE id = ?`, id)
}

// AppealsByStatus lists appeals in a status, oldest first.
func (db *DB) AppealsByStatus(ctx context.Context, status string, limit int) ([]*decision.Appeal, error) {
	return db.appeals(ctx, `SELECT `+appealCols+` FROM appeals WHERE status = ? ORDER BY created_at, id LIMIT ?`, status, limit)
}

// CaseAppeals lists a case's appeals, oldest first.
func (db *DB) CaseAppeals(ctx context.Context, caseID string) ([]*decision.Appeal, error) {
	return db.appeals(ctx, `SELECT `+appealCols+` FROM appeals WHERE case_id = ? ORDER BY created_at, id`, caseID)
}

// InsertNoticeHold records an authority's "do not inform the uploader until" date for a notice.
func (t *Tx) InsertNoticeHold(ctx context.Context, noticeID string, until time.Time) error {
	return t.run(ctx, "notice hold", `INSERT INTO notice_holds (notice_id, inform_uploader_after) VALUES (?, ?)`, noticeID, ms(until))
}

// CaseHold returns the latest "do not inform the uploader until" date of the notices on a case (zero when none).
func (db *DB) CaseHold(ctx context.Context, caseID string) (time.Time, error) {
	var v sql.NullInt64
	if err := db.queryRow(ctx, `SELECT MAX(h.inform_uploader_after) FROM notice_holds h
		WHERE h.notice_id IN (SELECT notice_id FROM notice_subjects WHERE case_id = ?)`, caseID).Scan(&v); err != nil {
		return time.Time{}, fmt.Errorf("store: case hold: %w", err)
	}
	if !v.Valid {
		return time.Time{}, nil
	}
	return fromMS(v.Int64), nil
}

// NoticeHold returns a notice's "do not inform the uploader until" date (zero when none).
func (db *DB) NoticeHold(ctx context.Context, noticeID string) (time.Time, error) {
	var v int64
	err := db.queryRow(ctx, `SELECT inform_uploader_after FROM notice_holds WHERE notice_id = ?`, noticeID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("store: notice hold: %w", err)
	}
	return fromMS(v), nil
}

// InsertSyntheticCases adds n open cases with spread-out lanes and deadlines
// and no notices, for load tests of the queue (sigap's claim benchmark). It
// writes multi-row INSERTs; the caller picks the transaction size.
func (t *Tx) InsertSyntheticCases(ctx context.Context, prefix string, n int, at time.Time, seed uint64) error {
	lanes := []string{notice.LaneOrder, notice.LaneTrusted, notice.LaneStandard}
	x := seed | 1
	return t.insertRows(ctx, "cases", []string{"id", "subject", "subject_kind", "channel", "state", "lane", "lane_rank",
		"category", "language", "due_at", "opened_at", "updated_at"}, n, func(i int, a []any) []any {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		// Most of the queue is reports; one case in twenty is an order.
		lane := lanes[2]
		switch r := x % 20; {
		case r == 0:
			lane = lanes[0]
		case r < 5:
			lane = lanes[1]
		}
		id := fmt.Sprintf("%s%08d", prefix, i)
		due := ms(at) + int64(x>>20%(7*24*3600*1000))
		return append(a, id, "telegram:message/bench/"+id, "telegram_message", "bench", notice.CaseOpen, lane,
			notice.LaneRank(lane), "gambling", "id", due, ms(at), ms(at))
	})
}

// ExplainClaim returns the engine's plan for the claim statement, to check that it walks the queue index.
func (db *DB) ExplainClaim(ctx context.Context, f ClaimFilter, now time.Time) (string, error) {
	q, fargs := ClaimSQL(db.dialect, f)
	args := append([]any{"explain", ms(now), ms(now)}, fargs...)
	prefix := "EXPLAIN QUERY PLAN "
	if db.dialect == Postgres {
		prefix = "EXPLAIN "
	}
	// EXPLAIN of an UPDATE needs the write connection on SQLite (the read pool is query_only).
	rows, err := db.write.QueryContext(ctx, prefix+rebind(db.dialect, q), args...)
	if err != nil {
		return "", fmt.Errorf("store: explain claim: %w", err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return "", fmt.Errorf("store: explain claim: %w", err)
		}
		fmt.Fprintln(&b, vals[len(vals)-1])
	}
	return b.String(), rows.Err()
}

// Analyze refreshes the planner's statistics of a table (PostgreSQL; SQLite runs ANALYZE too).
func (t *Tx) Analyze(ctx context.Context, table string) error {
	return t.run(ctx, fmt.Sprintf("analyze %s", table), `ANALYZE `+table)
}
