package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/sigap/sigap/internal/notice"
)

// PreservationActionPrefix starts the action_id of the evidence records a
// confirmed preservation keeps ("prs:<notice>:<case>"), for they answer a
// request, not an enforcement action.
const PreservationActionPrefix = "prs:"

// InsertPreservation records a new preservation request's days.
func (t *Tx) InsertPreservation(ctx context.Context, noticeID string, days int) error {
	return t.run(ctx, fmt.Sprintf("insert preservation %s", noticeID), `INSERT INTO notice_preservations (notice_id, days) VALUES (?, ?)`, noticeID, days)
}

func scanPreservation(r rowScanner) (notice.Preservation, error) {
	var p notice.Preservation
	var at, keep sql.NullInt64
	err := r.Scan(&p.Days, &at, &p.ConfirmedBy, &keep)
	p.ConfirmedAt, p.KeepUntil = timePtr(at), timePtr(keep)
	return p, err
}

// Preservation reads a preservation request's state with the evidence that
// keeps its data, or ErrNotFound for a notice that is none.
func (db *DB) Preservation(ctx context.Context, noticeID string) (notice.Preservation, error) {
	return preservation(ctx, db, noticeID)
}

// Preservation is DB.Preservation inside the write transaction.
func (t *Tx) Preservation(ctx context.Context, noticeID string) (notice.Preservation, error) {
	return preservation(ctx, t, noticeID)
}

func preservation(ctx context.Context, qr querier, noticeID string) (notice.Preservation, error) {
	p, err := queryOne(ctx, qr, "preservation "+noticeID, scanPreservation,
		`SELECT days, confirmed_at, confirmed_by, keep_until FROM notice_preservations WHERE notice_id = ?`, noticeID)
	if err != nil {
		return p, err
	}
	p.EvidenceIDs, err = queryAll(ctx, qr, "preservation evidence of "+noticeID, scanString,
		`SELECT id FROM evidence WHERE action_id LIKE ? ORDER BY id`, PreservationActionPrefix+noticeID+":%")
	return p, err
}

// ConfirmPreservation marks a preservation confirmed; ErrNotFound when there
// is no such request still waiting.
func (t *Tx) ConfirmPreservation(ctx context.Context, noticeID string, at time.Time, by string, keepUntil time.Time) error {
	return t.execOne(ctx, "confirm preservation "+noticeID,
		`UPDATE notice_preservations SET confirmed_at = ?, confirmed_by = ?, keep_until = ? WHERE notice_id = ? AND confirmed_at IS NULL`,
		ms(at), by, ms(keepUntil), noticeID)
}

const art18Cols = `id, notice_id, authority, member_state, reference, notified_at, recorded_by, recorded_at`

func scanArt18(r rowScanner) (notice.Art18Notification, error) {
	var a notice.Art18Notification
	var notified, recorded int64
	err := r.Scan(&a.ID, &a.NoticeID, &a.Authority, &a.MemberState, &a.Reference, &notified, &a.RecordedBy, &recorded)
	a.NotifiedAt, a.RecordedAt = fromMS(notified), fromMS(recorded)
	return a, err
}

// InsertArt18 records a DSA Art. 18 notification about a notice.
func (t *Tx) InsertArt18(ctx context.Context, a notice.Art18Notification) error {
	return t.run(ctx, "insert art. 18 notification", `INSERT INTO art18_notifications (`+art18Cols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.NoticeID, a.Authority, a.MemberState, a.Reference, ms(a.NotifiedAt), a.RecordedBy, ms(a.RecordedAt))
}

// Art18Notifications lists the Art. 18 notifications recorded about a notice, oldest first.
func (db *DB) Art18Notifications(ctx context.Context, noticeID string) ([]notice.Art18Notification, error) {
	return queryAll(ctx, db, "art. 18 notifications of "+noticeID, scanArt18,
		`SELECT `+art18Cols+` FROM art18_notifications WHERE notice_id = ? ORDER BY recorded_at, id`, noticeID)
}

// InsertNoticeTCO keeps an EU-TCO removal order's Annex I fields.
func (t *Tx) InsertNoticeTCO(ctx context.Context, noticeID string, f *notice.TCO) error {
	b, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("store: encode tco fields of %s: %w", noticeID, err)
	}
	return t.run(ctx, fmt.Sprintf("insert tco fields of %s", noticeID), `INSERT INTO notice_tco (notice_id, fields) VALUES (?, ?)`, noticeID, string(b))
}

// NoticeTCO reads an order's Annex I fields, or ErrNotFound when it has none.
func (db *DB) NoticeTCO(ctx context.Context, noticeID string) (*notice.TCO, error) {
	s, err := queryOne(ctx, db, "tco fields of "+noticeID, scanString, `SELECT fields FROM notice_tco WHERE notice_id = ?`, noticeID)
	if err != nil {
		return nil, err
	}
	var f notice.TCO
	if err := json.Unmarshal([]byte(s), &f); err != nil {
		return nil, fmt.Errorf("store: decode tco fields of %s: %w", noticeID, err)
	}
	return &f, nil
}
