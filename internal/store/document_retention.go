package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/sigap/sigap/internal/document"
)

const documentKeptCols = `position, name, content_type, size, sha256, keep_until, hold_until, hold_by, hold_reason, purged_at`

func scanDocumentKept(r rowScanner) (document.Kept, error) {
	var k document.Kept
	var keep int64
	var hold, purged sql.NullInt64
	if err := r.Scan(&k.Position, &k.Name, &k.ContentType, &k.Size, &k.SHA256, &keep, &hold, &k.HoldBy, &k.HoldReason, &purged); err != nil {
		return k, err
	}
	k.KeepUntil, k.HoldUntil, k.PurgedAt = fromMS(keep), timePtr(hold), timePtr(purged)
	return k, nil
}

// NoticeDocumentsKept lists a notice's documents with how long each is kept, in order.
func (db *DB) NoticeDocumentsKept(ctx context.Context, noticeID string) ([]document.Kept, error) {
	return queryAll(ctx, db, "kept documents of "+noticeID, scanDocumentKept,
		`SELECT `+documentKeptCols+` FROM notice_documents WHERE notice_id = ? ORDER BY position`, noticeID)
}

// LockNoticeDocuments is NoticeDocumentsKept inside the write transaction,
// locking the rows against a concurrent hold or purge.
func (t *Tx) LockNoticeDocuments(ctx context.Context, noticeID string) ([]document.Kept, error) {
	return queryAll(ctx, t, "kept documents of "+noticeID, scanDocumentKept,
		`SELECT `+documentKeptCols+` FROM notice_documents WHERE notice_id = ? ORDER BY position`+t.forUpdate(), noticeID)
}

// HoldNoticeDocument puts a notice's document under a legal hold until a time.
func (t *Tx) HoldNoticeDocument(ctx context.Context, noticeID string, position int, until time.Time, by, reason string) error {
	return t.run(ctx, fmt.Sprintf("hold document %d of %s", position, noticeID), `UPDATE notice_documents SET hold_until = ?, hold_by = ?, hold_reason = ? WHERE notice_id = ? AND position = ?`,
		ms(until), by, reason, noticeID, position)
}

// PurgeNoticeDocument drops a document's bytes, keeping its name, type, size
// and SHA-256 and the time it was purged.
func (t *Tx) PurgeNoticeDocument(ctx context.Context, noticeID string, position int, now time.Time) error {
	return t.run(ctx, fmt.Sprintf("purge document %d of %s", position, noticeID), `UPDATE notice_documents SET data = ?, purged_at = ? WHERE notice_id = ? AND position = ? AND purged_at IS NULL`,
		[]byte{}, ms(now), noticeID, position)
}
