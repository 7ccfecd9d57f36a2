package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/sigap/sigap/internal/trust"
)

// TrustRecord returns an org's standing in the trusted flagger programme.
// The transaction remembers it (trust_memo.go).
func (t *Tx) TrustRecord(ctx context.Context, orgID string) (trust.Record, error) {
	if s, ok := t.seenTrust(orgID); ok {
		return s.rec, s.err
	}
	var r trust.Record
	var err error
	// Usually the transaction's first statement: on PostgreSQL it goes with
	// the BEGIN (pipeline.go).
	if qerr := t.queryRowQueued(ctx, trustQuery, []any{orgID}, func(row rowScanner) error {
		r, err = scanTrust(row, orgID)
		return nil
	}); qerr != nil {
		return trust.Record{}, fmt.Errorf("store: trust %s: %w", orgID, qerr)
	}
	if err == nil || errors.Is(err, ErrNotFound) {
		t.rememberTrust(orgID, r, err)
	}
	return r, err
}

// TrustRecord returns an org's standing in the trusted flagger programme.
func (db *DB) TrustRecord(ctx context.Context, orgID string) (trust.Record, error) {
	return scanTrust(db.queryRow(ctx, trustQuery, orgID), orgID)
}

const trustQuery = `SELECT org_id, status, categories, jurisdictions, expertise, daily_quota, updated_at FROM trust WHERE org_id = ?`

func scanTrust(row rowScanner, orgID string) (trust.Record, error) {
	var r trust.Record
	var cats, jur string
	var updated int64
	err := row.Scan(&r.OrgID, &r.Status, &cats, &jur, &r.Expertise, &r.DailyQuota, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return trust.Record{OrgID: orgID, Status: trust.StatusApplicant, Categories: []string{}, Jurisdictions: []string{}},
			fmt.Errorf("store: trust %s: %w", orgID, ErrNotFound)
	}
	if err != nil {
		return trust.Record{}, fmt.Errorf("store: trust %s: %w", orgID, err)
	}
	_ = json.Unmarshal([]byte(cats), &r.Categories)
	_ = json.Unmarshal([]byte(jur), &r.Jurisdictions)
	r.UpdatedAt = fromMS(updated)
	return r, nil
}

// PutTrust stores an org's standing and appends the step to its history.
func (t *Tx) PutTrust(ctx context.Context, r trust.Record, h trust.HistoryEntry) error {
	cats, _ := json.Marshal(r.Categories)
	jur, _ := json.Marshal(r.Jurisdictions)
	n, err := t.changed(ctx, "put trust", `UPDATE trust SET status = ?, categories = ?, jurisdictions = ?, expertise = ?, daily_quota = ?, updated_at = ?
		WHERE org_id = ?`, r.Status, string(cats), string(jur), r.Expertise, r.DailyQuota, ms(r.UpdatedAt), r.OrgID)
	if err != nil {
		return err
	}
	if n == 0 {
		if _, err := t.exec(ctx, `INSERT INTO trust (org_id, status, categories, jurisdictions, expertise, daily_quota, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, r.OrgID, r.Status, string(cats), string(jur), r.Expertise, r.DailyQuota, ms(r.UpdatedAt)); err != nil {
			return fmt.Errorf("store: put trust: %w", err)
		}
	}
	return t.AppendTrustHistory(ctx, r.OrgID, h)
}

// AppendTrustHistory records a step (status, scope, warning) the flagger can see.
func (t *Tx) AppendTrustHistory(ctx context.Context, orgID string, h trust.HistoryEntry) error {
	cats, _ := json.Marshal(h.Categories)
	return t.run(ctx, "trust history", `INSERT INTO trust_history (id, org_id, kind, status, categories, reason, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		h.ID, orgID, h.Kind, h.Status, string(cats), h.Reason, h.Actor, ms(h.At))
}

// TrustHistory lists an org's programme history, oldest first.
func (db *DB) TrustHistory(ctx context.Context, orgID string) ([]trust.HistoryEntry, error) {
	out, err := queryAll(ctx, db, "trust history", func(r rowScanner) (trust.HistoryEntry, error) {
		var h trust.HistoryEntry
		var cats string
		var at int64
		err := r.Scan(&h.ID, &h.Kind, &h.Status, &cats, &h.Reason, &h.Actor, &at)
		_ = json.Unmarshal([]byte(cats), &h.Categories)
		h.At = fromMS(at)
		return h, err
	}, `SELECT id, kind, status, categories, reason, actor, at FROM trust_history WHERE org_id = ? ORDER BY seq`, orgID)
	if out == nil && err == nil {
		out = []trust.HistoryEntry{} // the JSON answer lists no history as [], not null
	}
	return out, err
}

// CountNoticesSince counts an org's notices received at or after since (for the daily quota).
func (t *Tx) CountNoticesSince(ctx context.Context, orgID string, since time.Time) (int, error) {
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM notices WHERE org_id = ? AND received_at >= ?`, orgID, ms(since)).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count notices: %w", err)
	}
	return n, nil
}

// NotifierOutcomes lists, for an org's notices received since the given time
// (oldest first), each case with its live or reversed decision, for accuracy figures.
func (db *DB) NotifierOutcomes(ctx context.Context, orgID string, since time.Time) ([]trust.Outcome, error) {
	q := `SELECT n.id, n.category, n.received_at, COALESCE(d.action, ''), COALESCE(d.status, ''),
			COALESCE(d.effective_at, d.created_at, 0)
		FROM notices n
		JOIN (SELECT DISTINCT notice_id, case_id FROM notice_subjects) ns ON ns.notice_id = n.id
		LEFT JOIN decisions d ON d.case_id = ns.case_id AND d.status IN ('final', 'reversed')
		WHERE n.org_id = ? AND n.received_at >= ?
		ORDER BY n.received_at, n.id`
	return queryAll(ctx, db, "notifier outcomes", func(r rowScanner) (trust.Outcome, error) {
		var o trust.Outcome
		var received, decided int64
		var status string
		err := r.Scan(&o.NoticeID, &o.Category, &received, &o.Action, &status, &decided)
		o.ReceivedAt, o.Reversed = fromMS(received), status == "reversed"
		if o.Action != "" {
			o.DecidedAt = fromMS(decided)
		}
		return o, err
	}, q, orgID, ms(since))
}
