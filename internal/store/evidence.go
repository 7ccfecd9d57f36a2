package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/sigap/sigap/internal/evidence"
)

const evidenceCols = `id, action_id, case_id, snapshot_ref, sha256, preserved_at, keep_until, hold_until, hold_by, hold_reason, purged_at`

func scanEvidence(s rowScanner) (*evidence.Evidence, error) {
	var e evidence.Evidence
	var pres, keep int64
	var hold, purged sql.NullInt64
	if err := s.Scan(&e.ID, &e.ActionID, &e.CaseID, &e.SnapshotRef, &e.SHA256, &pres, &keep, &hold, &e.HoldBy, &e.HoldReason, &purged); err != nil {
		return nil, err
	}
	e.PreservedAt, e.KeepUntil, e.HoldUntil, e.PurgedAt = fromMS(pres), fromMS(keep), timePtr(hold), timePtr(purged)
	return &e, nil
}

// InsertEvidence records preserved evidence once per action (false when it already was).
func (t *Tx) InsertEvidence(ctx context.Context, e *evidence.Evidence) (bool, error) {
	n, err := t.changed(ctx, "evidence", `INSERT INTO evidence (`+evidenceCols+`) VALUES (`+placeholders(11)+`) ON CONFLICT DO NOTHING`,
		e.ID, e.ActionID, e.CaseID, e.SnapshotRef, e.SHA256, ms(e.PreservedAt), ms(e.KeepUntil), msPtr(e.HoldUntil), e.HoldBy, e.HoldReason, msPtr(e.PurgedAt))
	return n == 1, err
}

// Evidence reads one evidence record.
func (db *DB) Evidence(ctx context.Context, id string) (*evidence.Evidence, error) {
	return queryOne(ctx, db, "evidence "+id, scanEvidence, `SELECT `+evidenceCols+` FROM evidence WHERE id = ?`, id)
}

// LockEvidence reads one evidence record inside the transaction.
func (t *Tx) LockEvidence(ctx context.Context, id string) (*evidence.Evidence, error) {
	return queryOne(ctx, t, "evidence "+id, scanEvidence, `SELECT `+evidenceCols+` FROM evidence WHERE id = ?`+t.forUpdate(), id)
}

// EvidenceList lists evidence, newest first, of one case or ("") all.
func (db *DB) EvidenceList(ctx context.Context, caseID, before string, limit int) ([]*evidence.Evidence, error) {
	if limit <= 0 {
		limit = 50
	}
	return queryAll(ctx, db, "evidence list", scanEvidence, `SELECT `+evidenceCols+` FROM evidence WHERE (? = '' OR case_id = ?) AND (? = '' OR id < ?)
		ORDER BY id DESC LIMIT `+fmt.Sprint(limit), caseID, caseID, before, before)
}

// HoldEvidence sets a legal hold until a time.
func (t *Tx) HoldEvidence(ctx context.Context, id string, until time.Time, by, reason string) error {
	return t.run(ctx, fmt.Sprintf("hold evidence %s", id), `UPDATE evidence SET hold_until = ?, hold_by = ?, hold_reason = ? WHERE id = ?`, ms(until), by, reason, id)
}

// PurgeEvidence drops the snapshot reference and hash, keeping the record that they were kept and purged.
func (t *Tx) PurgeEvidence(ctx context.Context, id string, now time.Time) error {
	return t.run(ctx, fmt.Sprintf("purge evidence %s", id), `UPDATE evidence SET snapshot_ref = '', sha256 = '', purged_at = ? WHERE id = ? AND purged_at IS NULL`, ms(now), id)
}

// NoticeOrgsOfCase lists the orgs that sent notices on a case (who may hold its evidence).
func (db *DB) NoticeOrgsOfCase(ctx context.Context, caseID string) ([]string, error) {
	return queryAll(ctx, db, "notice orgs", scanString,
		`SELECT DISTINCT n.org_id FROM notices n JOIN notice_subjects ns ON ns.notice_id = n.id WHERE ns.case_id = ?`, caseID)
}
