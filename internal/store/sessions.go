package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/notice"
)

// Session is a signed-in browser. Only the hash of its cookie is stored.
type Session struct {
	Hash      string
	UserID    string
	Stage     string // what the session may do: see the account package
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time
}

// CreateSession stores a session.
func (t *Tx) CreateSession(ctx context.Context, s Session) error {
	return t.run(ctx, "create session", `INSERT INTO sessions (hash, user_id, stage, created_at, last_seen, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
		s.Hash, s.UserID, s.Stage, ms(s.CreatedAt), ms(s.LastSeen), ms(s.ExpiresAt))
}

// Session returns a stored session by its hash (expired ones too: the caller decides).
func (db *DB) Session(ctx context.Context, hash string) (Session, error) {
	var s Session
	var created, seen, exp int64
	err := db.queryRow(ctx, `SELECT hash, user_id, stage, created_at, last_seen, expires_at FROM sessions WHERE hash = ?`, hash).
		Scan(&s.Hash, &s.UserID, &s.Stage, &created, &seen, &exp)
	if err != nil {
		return Session{}, userErr("session", err)
	}
	s.CreatedAt, s.LastSeen, s.ExpiresAt = fromMS(created), fromMS(seen), fromMS(exp)
	return s, nil
}

// TouchSession records activity on a session, which restarts its idle timer.
func (t *Tx) TouchSession(ctx context.Context, hash string, at time.Time) error {
	return t.run(ctx, "touch session", `UPDATE sessions SET last_seen = ? WHERE hash = ?`, ms(at), hash)
}

// DeleteSession ends a session.
func (t *Tx) DeleteSession(ctx context.Context, hash string) error {
	return t.run(ctx, "delete session", `DELETE FROM sessions WHERE hash = ?`, hash)
}

// DeleteUserSessions ends every session of a user (password reset, lockout by an admin).
func (t *Tx) DeleteUserSessions(ctx context.Context, userID string) error {
	return t.run(ctx, "delete sessions", `DELETE FROM sessions WHERE user_id = ?`, userID)
}

// DeleteExpiredSessions removes sessions past their end or idle since before idleSince.
func (t *Tx) DeleteExpiredSessions(ctx context.Context, now, idleSince time.Time) error {
	return t.run(ctx, "delete expired sessions", `DELETE FROM sessions WHERE expires_at <= ? OR last_seen < ?`, ms(now), ms(idleSince))
}

// The portal's read models follow: they answer the pages' questions in one query each.

// NoticeSearch narrows the portal's notice list.
type NoticeSearch struct {
	NoticeFilter
	// Text matches the notice ID, reference, explanation or legal basis (case-insensitive substring).
	Text string
	// OpenOnly keeps notices still waiting for a decision (received, in_review).
	OpenOnly bool
	// ByDue orders by deadline, earliest first, instead of newest first.
	ByDue bool
}

// SearchNotices lists notices for the portal, without their subjects.
func (db *DB) SearchNotices(ctx context.Context, f NoticeSearch) ([]*notice.Notice, error) {
	q, args := f.selectNotices()
	if f.OpenOnly {
		q += ` AND status IN ('received', 'in_review')`
	}
	if t := strings.ToLower(strings.TrimSpace(f.Text)); t != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(t) + "%"
		q += ` AND (LOWER(id) LIKE ? ESCAPE '\' OR LOWER(reference) LIKE ? ESCAPE '\' OR LOWER(explanation) LIKE ? ESCAPE '\' OR LOWER(legal_basis) LIKE ? ESCAPE '\')`
		args = append(args, like, like, like, like)
	}
	if f.Cursor != "" {
		q += ` AND id < ?`
		args = append(args, f.Cursor)
	}
	if f.ByDue {
		q += ` ORDER BY due_at, id LIMIT ?`
	} else {
		q += ` ORDER BY id DESC LIMIT ?`
	}
	args = append(args, f.Limit)
	return queryAll(ctx, db, "search notices", scanNotice, q, args...)
}

// NoticeStats are the dashboard's figures for one org (or all) and one period.
type NoticeStats struct {
	// ByStatus counts every notice of the org by status.
	ByStatus map[string]int
	// Received counts notices received in the period.
	Received int
	// Closed counts those the platform has finished (decided, actioned or rejected).
	Closed int
	// OnTime counts closed ones whose last timeline entry came by the deadline.
	OnTime int
	// Overdue counts those still open after their deadline.
	Overdue int
}

// Stats computes the dashboard's figures; orgID "" covers every org.
func (db *DB) Stats(ctx context.Context, orgID string, from, to, now time.Time) (NoticeStats, error) {
	st := NoticeStats{ByStatus: map[string]int{}}
	where, args := "", []any{}
	if orgID != "" {
		where, args = " WHERE org_id = ?", append(args, orgID)
	}
	byStatus, err := countBy(ctx, db, "stats", `SELECT status, COUNT(*) FROM notices`+where+` GROUP BY status`, args...)
	if err != nil {
		return st, err
	}
	st.ByStatus = byStatus
	q := `SELECT
		COUNT(*),
		COALESCE(SUM(CASE WHEN n.status IN ('decided', 'actioned', 'rejected') THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN n.status IN ('decided', 'actioned', 'rejected')
			AND (SELECT MAX(e.at) FROM events e WHERE e.notice_id = n.id) <= n.due_at THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN n.status IN ('received', 'in_review') AND n.due_at < ? THEN 1 ELSE 0 END), 0)
		FROM notices n WHERE n.received_at >= ? AND n.received_at < ?`
	args2 := []any{ms(now), ms(from), ms(to)}
	if orgID != "" {
		q += ` AND n.org_id = ?`
		args2 = append(args2, orgID)
	}
	if err := db.queryRow(ctx, q, args2...).Scan(&st.Received, &st.Closed, &st.OnTime, &st.Overdue); err != nil {
		return st, fmt.Errorf("store: stats: %w", err)
	}
	return st, nil
}
