package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"
)

// Timer kinds.
const (
	TimerDeadline = "deadline" // alerts at fractions of a notice's clock
	TimerUnopened = "unopened" // an urgent order nobody has opened yet
)

// Timer is one escalation timer: the next instant a notice's clock needs attention.
type Timer struct {
	NoticeID string
	Kind     string
	Step     int
	Fraction float64
	NextAt   time.Time
}

// FractionAt is the instant at which fraction f of a clock lasting within and
// due at due is used up: where a deadline timer at f stands. It counts in
// whole milliseconds, as instants are stored, rounding to the nearest, so
// intake, the escalation loop and a clock moved by a pause agree to the
// millisecond (and 80% of 4 hours is not 1 ms late for 1 - 0.8 < 0.2).
func FractionAt(due time.Time, within time.Duration, f float64) time.Time {
	return fromMS(ms(due) - int64(math.Round((1.0-f)*float64(within.Milliseconds()))))
}

// InsertTimers files a notice's first escalation timers; called inside the
// transaction that stores the notice, so a notice never exists without them.
// They are stored with the group's other timers at the commit, or before any
// statement on escalation_timers (deferred_timers.go).
func (t *Tx) InsertTimers(ctx context.Context, timers []Timer) error {
	t.timers.items = append(t.timers.items, timers...)
	return nil
}

// moveDeadlineTimer sets a notice's deadline timer, parked or not, to its
// fraction of the clock as it now stands (due at due).
func (t *Tx) moveDeadlineTimer(ctx context.Context, noticeID string, due time.Time) error {
	var f float64
	var within int64
	err := t.queryRow(ctx, `SELECT t.fraction, n.within_ms FROM escalation_timers t JOIN notices n ON n.id = t.notice_id
		WHERE t.notice_id = ? AND t.kind = ?`, noticeID, TimerDeadline).Scan(&f, &within)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // the clock has no timer left: every fraction has fired
	}
	if err != nil {
		return fmt.Errorf("store: deadline timer %s: %w", noticeID, err)
	}
	next := FractionAt(due, time.Duration(within)*time.Millisecond, f)
	return t.run(ctx, fmt.Sprintf("deadline timer %s", noticeID), `UPDATE escalation_timers SET next_at = ? WHERE notice_id = ? AND kind = ?`,
		ms(next), noticeID, TimerDeadline)
}

// NextTimerAt is the earliest timer (zero when none is set); it reads one
// index entry however many clocks are open.
func (db *DB) NextTimerAt(ctx context.Context) (time.Time, error) {
	var v sql.NullInt64
	if err := db.queryRow(ctx, `SELECT MIN(next_at) FROM escalation_timers WHERE next_at IS NOT NULL`).Scan(&v); err != nil {
		return time.Time{}, fmt.Errorf("store: next timer: %w", err)
	}
	if !v.Valid {
		return time.Time{}, nil
	}
	return fromMS(v.Int64), nil
}

// DueTimers lists up to n timers due at now, earliest first.
func (t *Tx) DueTimers(ctx context.Context, now time.Time, n int) ([]Timer, error) {
	return queryAll(ctx, t, "due timers", scanTimer, `SELECT notice_id, kind, step, fraction, next_at FROM escalation_timers
		WHERE next_at IS NOT NULL AND next_at <= ? ORDER BY next_at LIMIT ?`, ms(now), n)
}

func scanTimer(r rowScanner) (Timer, error) {
	var tm Timer
	var next int64
	err := r.Scan(&tm.NoticeID, &tm.Kind, &tm.Step, &tm.Fraction, &next)
	tm.NextAt = fromMS(next)
	return tm, err
}

// SetTimer moves a timer on; a nil next parks it (a paused clock's due_at
// change wakes a deadline timer again).
func (t *Tx) SetTimer(ctx context.Context, noticeID, kind string, step int, fraction float64, next *time.Time) error {
	return t.run(ctx, fmt.Sprintf("timer %s/%s", noticeID, kind), `UPDATE escalation_timers SET step = ?, fraction = ?, next_at = ? WHERE notice_id = ? AND kind = ?`,
		step, fraction, msPtr(next), noticeID, kind)
}

// DeleteTimer drops a timer whose clock is closed.
func (t *Tx) DeleteTimer(ctx context.Context, noticeID, kind string) error {
	return t.run(ctx, fmt.Sprintf("timer %s/%s", noticeID, kind), `DELETE FROM escalation_timers WHERE notice_id = ? AND kind = ?`, noticeID, kind)
}

// ClockPaused reports whether a notice's clock is paused for a clarification.
func (t *Tx) ClockPaused(ctx context.Context, noticeID string) (bool, error) {
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM clock_pauses WHERE notice_id = ? AND ended_at IS NULL`, noticeID).Scan(&n); err != nil {
		return false, fmt.Errorf("store: clock pause %s: %w", noticeID, err)
	}
	return n > 0, nil
}

// NoticeOpened reports whether a reviewer has opened (claimed) any case of a
// notice, or the notice has moved past received.
func (t *Tx) NoticeOpened(ctx context.Context, noticeID string) (bool, error) {
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM notice_subjects ns JOIN cases c ON c.id = ns.case_id
		WHERE ns.notice_id = ? AND (c.lease_holder <> '' OR c.state <> 'open'
			OR EXISTS (SELECT 1 FROM events e WHERE e.case_id = c.id AND e.type = 'case.claimed'))`, noticeID).Scan(&n); err != nil {
		return false, fmt.Errorf("store: notice opened %s: %w", noticeID, err)
	}
	return n > 0, nil
}

// OpenCasesOfNotice lists the IDs of a notice's open cases.
func (t *Tx) OpenCasesOfNotice(ctx context.Context, noticeID string) ([]string, error) {
	return queryAll(ctx, t, "open cases of "+noticeID, scanString, `SELECT DISTINCT c.id FROM notice_subjects ns JOIN cases c ON c.id = ns.case_id
		WHERE ns.notice_id = ? AND c.state = 'open' ORDER BY c.id`, noticeID)
}

// RaiseCaseRank lowers an open case's lane_rank to at most rank (the queue
// takes the lowest rank first), so an escalated case moves up its queue.
func (t *Tx) RaiseCaseRank(ctx context.Context, caseID string, rank int) error {
	return t.run(ctx, fmt.Sprintf("case rank %s", caseID), `UPDATE cases SET lane_rank = ? WHERE id = ? AND state = 'open' AND lane_rank > ?`, rank, caseID, rank)
}

// Alert kinds.
const (
	AlertDeadline   = "deadline"
	AlertBreach     = "breach"
	AlertUnopened   = "unopened"
	AlertDeadLetter = "dead_letter"
)

// Alert is one alert to a person on call (or, with no contact, to the log).
type Alert struct {
	ID        string     `json:"id"`
	At        time.Time  `json:"at"`
	Kind      string     `json:"kind"`
	NoticeID  string     `json:"notice_id,omitempty"`
	CaseID    string     `json:"case_id,omitempty"`
	Fraction  float64    `json:"fraction,omitempty"`
	DueAt     *time.Time `json:"due_at,omitempty"`
	ContactID string     `json:"contact_id,omitempty"`
	Detail    string     `json:"detail,omitempty"`
	State     string     `json:"state"`
	SentAt    *time.Time `json:"sent_at,omitempty"`
}

const alertCols = `id, at, kind, notice_id, case_id, fraction, due_at, contact_id, detail, state, sent_at`

func scanAlert(s rowScanner) (*Alert, error) {
	var a Alert
	var at int64
	var due, sent sql.NullInt64
	if err := s.Scan(&a.ID, &at, &a.Kind, &a.NoticeID, &a.CaseID, &a.Fraction, &due, &a.ContactID, &a.Detail, &a.State, &sent); err != nil {
		return nil, err
	}
	a.At, a.DueAt, a.SentAt = fromMS(at), timePtr(due), timePtr(sent)
	return &a, nil
}

// InsertAlert records an alert.
func (t *Tx) InsertAlert(ctx context.Context, a *Alert) error {
	return t.run(ctx, "alert", `INSERT INTO alerts (`+alertCols+`) VALUES (`+placeholders(11)+`) ON CONFLICT DO NOTHING`,
		a.ID, ms(a.At), a.Kind, a.NoticeID, a.CaseID, a.Fraction, msPtr(a.DueAt), a.ContactID, a.Detail, a.State, msPtr(a.SentAt))
}

// SetAlertState records an alert's delivery outcome.
func (t *Tx) SetAlertState(ctx context.Context, id, state string, at time.Time) error {
	return t.run(ctx, fmt.Sprintf("alert %s", id), `UPDATE alerts SET state = ?, sent_at = ? WHERE id = ?`, state, ms(at), id)
}

// Alert reads one alert.
func (db *DB) Alert(ctx context.Context, id string) (*Alert, error) {
	a, err := scanAlert(db.queryRow(ctx, `SELECT `+alertCols+` FROM alerts WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, fmt.Errorf("store: alert %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: alert %s: %w", id, err)
	}
	return a, nil
}

// Alerts lists alerts, newest first, of one notice or ("") all.
func (db *DB) Alerts(ctx context.Context, noticeID, before string, limit int) ([]*Alert, error) {
	if limit <= 0 {
		limit = 50
	}
	return queryAll(ctx, db, "alerts", scanAlert, `SELECT `+alertCols+` FROM alerts WHERE (? = '' OR notice_id = ?) AND (? = '' OR id < ?)
		ORDER BY id DESC LIMIT `+fmt.Sprint(limit), noticeID, noticeID, before, before)
}
