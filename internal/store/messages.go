package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/sigap/sigap/internal/decision"
	"github.com/sigap/sigap/internal/notice"
)

const messageCols = `id, notice_id, org_id, author, side, body, clarification, created_at`

// InsertMessage adds a message to a notice's thread.
func (t *Tx) InsertMessage(ctx context.Context, m *notice.Message) error {
	return t.run(ctx, "insert message", `INSERT INTO messages (`+messageCols+`) VALUES (`+placeholders(8)+`)`,
		m.ID, m.NoticeID, m.OrgID, m.Author, m.Side, m.Body, m.Clarification, ms(m.CreatedAt))
}

// Messages returns a notice's thread, oldest first.
func (db *DB) Messages(ctx context.Context, noticeID, cursor string, limit int) ([]*notice.Message, error) {
	return queryAll(ctx, db, "messages", scanMessage, `SELECT `+messageCols+` FROM messages WHERE notice_id = ? AND id > ? ORDER BY id LIMIT ?`,
		noticeID, cursor, limit)
}

func scanMessage(r rowScanner) (*notice.Message, error) {
	var m notice.Message
	var at int64
	err := r.Scan(&m.ID, &m.NoticeID, &m.OrgID, &m.Author, &m.Side, &m.Body, &m.Clarification, &at)
	m.CreatedAt = fromMS(at)
	return &m, err
}

// OpenPause returns the notice's running pause, or nil.
func (t *Tx) OpenPause(ctx context.Context, noticeID string) (*notice.Pause, error) {
	var p notice.Pause
	var started int64
	err := t.queryRow(ctx, `SELECT notice_id, message_id, started_at FROM clock_pauses WHERE notice_id = ? AND ended_at IS NULL`,
		noticeID).Scan(&p.NoticeID, &p.MessageID, &started)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: open pause: %w", err)
	}
	p.StartedAt = fromMS(started)
	return &p, nil
}

// StartPause stops a notice's clock.
func (t *Tx) StartPause(ctx context.Context, p *notice.Pause) error {
	return t.run(ctx, "start pause", `INSERT INTO clock_pauses (notice_id, message_id, started_at) VALUES (?, ?, ?)`,
		p.NoticeID, p.MessageID, ms(p.StartedAt))
}

// EndPause restarts a notice's clock: it closes the pause, moves the notice's
// due_at by the paused time, recomputes the due_at of its open cases (the
// earliest deadline of their notices) and moves the notice's deadline timer.
func (t *Tx) EndPause(ctx context.Context, p *notice.Pause, answerID string, at time.Time) (time.Duration, time.Time, error) {
	paused := at.Sub(p.StartedAt).Truncate(time.Millisecond)
	if paused < 0 {
		paused = 0
	}
	if _, err := t.exec(ctx, `UPDATE clock_pauses SET ended_at = ?, answer_id = ? WHERE notice_id = ? AND message_id = ?`,
		ms(at), answerID, p.NoticeID, p.MessageID); err != nil {
		return 0, time.Time{}, fmt.Errorf("store: end pause: %w", err)
	}
	var due int64
	if err := t.queryRow(ctx, `UPDATE notices SET due_at = due_at + ? WHERE id = ? RETURNING due_at`,
		paused.Milliseconds(), p.NoticeID).Scan(&due); err != nil {
		return 0, time.Time{}, fmt.Errorf("store: move deadline: %w", err)
	}
	if _, err := t.exec(ctx, `UPDATE cases SET due_at = (SELECT MIN(n.due_at) FROM notices n
			JOIN notice_subjects ns ON ns.notice_id = n.id WHERE ns.case_id = cases.id), updated_at = ?
		WHERE state = 'open' AND id IN (SELECT case_id FROM notice_subjects WHERE notice_id = ?)`, ms(at), p.NoticeID); err != nil {
		return 0, time.Time{}, fmt.Errorf("store: move case deadlines: %w", err)
	}
	// The deadline timer moves with the clock (and one parked while it was paused wakes).
	if err := t.moveDeadlineTimer(ctx, p.NoticeID, fromMS(due)); err != nil {
		return 0, time.Time{}, err
	}
	return paused, fromMS(due), nil
}

// Pauses lists a notice's clock pauses, oldest first.
func (db *DB) Pauses(ctx context.Context, noticeID string) ([]notice.Pause, error) {
	return queryAll(ctx, db, "pauses", func(r rowScanner) (notice.Pause, error) {
		var p notice.Pause
		var started int64
		var ended sql.NullInt64
		err := r.Scan(&p.NoticeID, &p.MessageID, &started, &ended, &p.AnswerID)
		p.StartedAt, p.EndedAt = fromMS(started), timePtr(ended)
		return p, err
	}, `SELECT notice_id, message_id, started_at, ended_at, answer_id FROM clock_pauses WHERE notice_id = ? ORDER BY started_at`, noticeID)
}

// NoticeCaseIDs lists the cases a notice's subjects belong to, inside a transaction.
func (t *Tx) NoticeCaseIDs(ctx context.Context, noticeID string) ([]string, error) {
	return queryAll(ctx, t, "notice cases", scanString, `SELECT DISTINCT case_id FROM notice_subjects WHERE notice_id = ? ORDER BY case_id`, noticeID)
}

// LockNotice reads a notice inside the transaction; orgID, when set, limits it to that org's notices.
func (t *Tx) LockNotice(ctx context.Context, noticeID, orgID string) (*notice.Notice, error) {
	q, args := selectNotice(noticeID, orgID)
	return queryOne(ctx, t, "notice "+noticeID, scanNotice, q+t.forUpdate(), args...)
}

const objectionCols = `id, notice_id, org_id, author, reasons, status, answer, answered_by, created_at, answered_at`

// InsertObjection stores an objection; a second open one on a notice is ErrConflict.
func (t *Tx) InsertObjection(ctx context.Context, o *decision.Objection) error {
	return t.insertUnique(ctx, "insert objection", fmt.Errorf("store: objection on %s: %w", o.NoticeID, ErrConflict),
		`INSERT INTO objections (`+objectionCols+`) VALUES (`+placeholders(10)+`)`,
		o.ID, o.NoticeID, o.OrgID, o.Author, o.Reasons, o.Status, o.Answer, o.AnsweredBy, ms(o.CreatedAt), msPtr(o.AnsweredAt))
}

// UpdateObjection records the authority's answer.
func (t *Tx) UpdateObjection(ctx context.Context, o *decision.Objection) error {
	return t.run(ctx, "update objection", `UPDATE objections SET status = ?, answer = ?, answered_by = ?, answered_at = ? WHERE id = ?`,
		o.Status, o.Answer, o.AnsweredBy, msPtr(o.AnsweredAt), o.ID)
}

func scanObjection(row rowScanner) (*decision.Objection, error) {
	var o decision.Objection
	var created int64
	var answered sql.NullInt64
	if err := row.Scan(&o.ID, &o.NoticeID, &o.OrgID, &o.Author, &o.Reasons, &o.Status, &o.Answer, &o.AnsweredBy, &created, &answered); err != nil {
		return nil, err
	}
	o.CreatedAt, o.AnsweredAt = fromMS(created), timePtr(answered)
	return &o, nil
}

// LockObjection reads an objection inside the transaction.
func (t *Tx) LockObjection(ctx context.Context, id string) (*decision.Objection, error) {
	return queryOne(ctx, t, "objection "+id, scanObjection, `SELECT `+objectionCols+` FROM objections WHERE id = ?`+t.forUpdate(), id)
}

// Objections lists a notice's objections, oldest first.
func (db *DB) Objections(ctx context.Context, noticeID string) ([]*decision.Objection, error) {
	return queryAll(ctx, db, "objections", scanObjection, `SELECT `+objectionCols+` FROM objections WHERE notice_id = ? ORDER BY created_at, id`, noticeID)
}
