package store

import (
	"context"
	"fmt"
	"time"

	"github.com/sigap/sigap/internal/document"
)

const documentCols = `name, content_type, size, sha256`

func scanDocument(r rowScanner) (document.Upload, error) {
	var d document.Upload
	err := r.Scan(&d.Name, &d.ContentType, &d.Size, &d.SHA256)
	return d, err
}

func scanDocumentData(r rowScanner) (document.Upload, error) {
	var d document.Upload
	err := r.Scan(&d.Name, &d.ContentType, &d.Size, &d.SHA256, &d.Data)
	return d, err
}

// InsertNoticeDocuments stores a notice's checked documents, in order, kept until keepUntil.
func (t *Tx) InsertNoticeDocuments(ctx context.Context, noticeID string, docs []document.Upload, keepUntil time.Time) error {
	return t.insertRows(ctx, "notice_documents", []string{"notice_id", "position", "name", "content_type", "size", "sha256", "data", "keep_until"},
		len(docs), func(i int, a []any) []any {
			d := docs[i]
			return append(a, noticeID, i, d.Name, d.ContentType, d.Size, d.SHA256, d.Data, ms(keepUntil))
		})
}

// NoticeDocuments lists a notice's documents without their bytes, in the order they were attached.
func (db *DB) NoticeDocuments(ctx context.Context, noticeID string) ([]document.Upload, error) {
	return noticeDocuments(ctx, db, noticeID)
}

// NoticeDocuments is DB.NoticeDocuments inside the write transaction.
func (t *Tx) NoticeDocuments(ctx context.Context, noticeID string) ([]document.Upload, error) {
	return noticeDocuments(ctx, t, noticeID)
}

func noticeDocuments(ctx context.Context, qr querier, noticeID string) ([]document.Upload, error) {
	return queryAll(ctx, qr, "documents of "+noticeID, scanDocument,
		`SELECT `+documentCols+` FROM notice_documents WHERE notice_id = ? ORDER BY position`, noticeID)
}

// NoticeDocument returns a notice's document at position (0-based), bytes
// and all, ErrNotFound, or document.ErrPurged once its bytes are gone.
func (db *DB) NoticeDocument(ctx context.Context, noticeID string, position int) (document.Upload, error) {
	what := fmt.Sprintf("document %d of %s", position, noticeID)
	d, err := queryOne(ctx, db, what, scanDocumentData,
		`SELECT `+documentCols+`, data FROM notice_documents WHERE notice_id = ? AND position = ?`, noticeID, position)
	if err == nil && d.Size > 0 && len(d.Data) == 0 {
		// Only a purge empties a stored document: Check refuses empty files.
		return document.Upload{}, fmt.Errorf("store: %s: %w", what, document.ErrPurged)
	}
	return d, err
}
