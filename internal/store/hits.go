package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/sigap/sigap/internal/notice"
)

// Hit outcomes: what the scan did with a hit.
const (
	OutcomeShadow      = "shadow"       // the set is in shadow mode: recorded only
	OutcomeQuarantined = "quarantined"  // the flood guard quarantined the entry: recorded only
	OutcomeBreakerOpen = "breaker_open" // the set's daily cap of automated filings is reached: recorded only
	OutcomeNotice      = "notice"       // an automated notice was filed (review policy)
	OutcomeAction      = "action"       // a notice was filed and an automated action is pending (auto_action policy)
)

// ScanHit is one recorded match of a post against a bank entry or list rule.
type ScanHit struct {
	ID        string
	At        time.Time
	Post      string // canonical subject of the post
	Channel   string
	MessageID string
	Matcher   string
	SetID     string
	EntryID   string
	Distance  int
	Detail    string
	Policy    string
	Outcome   string
	NoticeID  string
	ActionID  string
}

const hitCols = `id, at, post, channel, message_id, matcher, set_id, entry_id, distance, detail, policy, outcome, notice_id, action_id`

func scanHit(row rowScanner) (ScanHit, error) {
	var h ScanHit
	var at int64
	err := row.Scan(&h.ID, &at, &h.Post, &h.Channel, &h.MessageID, &h.Matcher, &h.SetID, &h.EntryID, &h.Distance, &h.Detail,
		&h.Policy, &h.Outcome, &h.NoticeID, &h.ActionID)
	h.At = fromMS(at)
	return h, err
}

// InsertHit records h once per (post, set, entry, matcher) and counts it on
// the entry. It reports false, and fills h from the stored row, when the hit
// was recorded before: a post scanned twice (a redelivered stream message)
// is counted once and files at most once.
func (t *Tx) InsertHit(ctx context.Context, h *ScanHit) (bool, error) {
	n, err := t.changed(ctx, "insert hit", `INSERT INTO scan_hits (`+hitCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		h.ID, ms(h.At), h.Post, h.Channel, h.MessageID, h.Matcher, h.SetID, h.EntryID, h.Distance, h.Detail, h.Policy, h.Outcome,
		h.NoticeID, h.ActionID)
	if err != nil {
		return false, err
	}
	if n == 0 {
		prev, err := scanHit(t.queryRow(ctx, `SELECT `+hitCols+` FROM scan_hits WHERE post = ? AND set_id = ? AND entry_id = ? AND matcher = ?`,
			h.Post, h.SetID, h.EntryID, h.Matcher))
		if err != nil {
			return false, fmt.Errorf("store: earlier hit: %w", err)
		}
		*h = prev
		return false, nil
	}
	if _, err := t.exec(ctx, `UPDATE filter_entries SET hits = hits + 1, last_hit_at = ? WHERE id = ?`, ms(h.At), h.EntryID); err != nil {
		return false, fmt.Errorf("store: count hit: %w", err)
	}
	return true, nil
}

// EntryHitWindow counts an entry's hits since recentStart, and between
// baseStart and recentStart: the flood guard compares the two.
func (t *Tx) EntryHitWindow(ctx context.Context, entryID string, recentStart, baseStart time.Time) (recent, base int64, err error) {
	err = t.queryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN at >= ? THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN at < ? THEN 1 ELSE 0 END), 0)
		FROM scan_hits WHERE entry_id = ? AND at >= ?`, ms(recentStart), ms(recentStart), entryID, ms(baseStart)).Scan(&recent, &base)
	if err != nil {
		return 0, 0, fmt.Errorf("store: entry hit window: %w", err)
	}
	return recent, base, nil
}

// QuarantineEntry marks an entry quarantined by the flood guard; scanners
// then treat it as shadow until someone releases it.
func (t *Tx) QuarantineEntry(ctx context.Context, entryID, reason string, now time.Time) error {
	if _, err := t.exec(ctx, `UPDATE filter_entries SET quarantined_at = ?, quarantine_reason = ? WHERE id = ? AND quarantined_at IS NULL`,
		ms(now), reason, entryID); err != nil {
		return fmt.Errorf("store: quarantine entry: %w", err)
	}
	return t.bumpGeneration(ctx)
}

// EntryQuarantined reports whether an entry is quarantined now.
func (t *Tx) EntryQuarantined(ctx context.Context, entryID string) (bool, error) {
	var q bool
	err := t.queryRow(ctx, `SELECT quarantined_at IS NOT NULL FROM filter_entries WHERE id = ?`, entryID).Scan(&q)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("store: entry quarantined: %w", err)
	}
	return q, nil
}

// TakeBreaker counts one automated filing for set on day (UTC "2006-01-02")
// if fewer than limit were filed; otherwise it counts a refusal and reports
// false. The single writer serialises callers, so the cap is exact.
func (t *Tx) TakeBreaker(ctx context.Context, setID, day string, limit int) (bool, error) {
	if _, err := t.exec(ctx, `INSERT INTO breaker_counts (set_id, day, filed, refused) VALUES (?, ?, 0, 0) ON CONFLICT DO NOTHING`, setID, day); err != nil {
		return false, fmt.Errorf("store: breaker: %w", err)
	}
	var filed int
	if err := t.queryRow(ctx, `SELECT filed FROM breaker_counts WHERE set_id = ? AND day = ?`, setID, day).Scan(&filed); err != nil {
		return false, fmt.Errorf("store: breaker: %w", err)
	}
	col := "filed"
	if filed >= limit {
		col = "refused"
	}
	if _, err := t.exec(ctx, `UPDATE breaker_counts SET `+col+` = `+col+` + 1 WHERE set_id = ? AND day = ?`, setID, day); err != nil {
		return false, fmt.Errorf("store: breaker: %w", err)
	}
	return filed < limit, nil
}

// SetHitsFiled records the notice and action a post's hits on one set led to.
func (t *Tx) SetHitsFiled(ctx context.Context, post, setID, noticeID, actionID string) error {
	return t.run(ctx, "record filing", `UPDATE scan_hits SET notice_id = ?, action_id = ? WHERE post = ? AND set_id = ? AND outcome IN (?, ?)`,
		noticeID, actionID, post, setID, OutcomeNotice, OutcomeAction)
}

// AutomatedAction is an action the scan asked for without human review; the
// enforcement side delivers it later and moves its state on.
type AutomatedAction struct {
	ID        string
	CreatedAt time.Time
	SetID     string
	Post      string
	URL       string
	Action    string
	State     string
	NoticeID  string
	CaseID    string
}

// InsertAutomatedAction stores a pending action once per (post, set), with its
// enforcement action and the job that sends it, and returns the stored one
// (the earlier one on a repeat).
func (t *Tx) InsertAutomatedAction(ctx context.Context, a AutomatedAction) (AutomatedAction, error) {
	stored, err := t.changed(ctx, "automated action", `INSERT INTO automated_actions (id, created_at, set_id, post, url, action, state, notice_id, case_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		a.ID, ms(a.CreatedAt), a.SetID, a.Post, a.URL, a.Action, a.State, a.NoticeID, a.CaseID)
	if err != nil {
		return a, err
	}
	if stored > 0 {
		// Only a new action is enforced: a repeat keeps the earlier one's.
		if err := t.enqueueEnforcement(ctx, enforcement{id: a.ID, source: "scan", caseID: a.CaseID, noticeID: a.NoticeID,
			subject: a.Post, action: a.Action, scope: "[]", requested: a.CreatedAt}); err != nil {
			return a, err
		}
	}
	var created int64
	err = t.queryRow(ctx, `SELECT id, created_at, set_id, post, url, action, state, notice_id, case_id FROM automated_actions
		WHERE post = ? AND set_id = ?`, a.Post, a.SetID).Scan(&a.ID, &created, &a.SetID, &a.Post, &a.URL, &a.Action, &a.State, &a.NoticeID, &a.CaseID)
	if err != nil {
		return a, fmt.Errorf("store: automated action: %w", err)
	}
	a.CreatedAt = fromMS(created)
	return a, nil
}

// AutomatedActions lists pending-or-later automated actions, newest first.
func (db *DB) AutomatedActions(ctx context.Context, state string, limit int) ([]AutomatedAction, error) {
	return queryAll(ctx, db, "automated actions", scanAutomatedAction, `SELECT id, created_at, set_id, post, url, action, state, notice_id, case_id
		FROM automated_actions WHERE (? = '' OR state = ?) ORDER BY id DESC LIMIT `+fmt.Sprint(limit), state, state)
}

func scanAutomatedAction(r rowScanner) (AutomatedAction, error) {
	var a AutomatedAction
	var created int64
	err := r.Scan(&a.ID, &created, &a.SetID, &a.Post, &a.URL, &a.Action, &a.State, &a.NoticeID, &a.CaseID)
	a.CreatedAt = fromMS(created)
	return a, err
}

// RecentHits lists hits, newest first, of one set or ("") of all, before cursor (a hit ID) when given.
func (db *DB) RecentHits(ctx context.Context, setID, cursor string, limit int) ([]ScanHit, error) {
	q := `SELECT ` + hitCols + ` FROM scan_hits WHERE (? = '' OR set_id = ?) AND (? = '' OR id < ?) ORDER BY id DESC LIMIT ` + fmt.Sprint(limit)
	return queryAll(ctx, db, "recent hits", scanHit, q, setID, setID, cursor, cursor)
}

// PlatformOrgID returns the platform's own organisation, the notifier of
// automated notices.
func (db *DB) PlatformOrgID(ctx context.Context) (string, error) {
	var id string
	err := db.queryRow(ctx, `SELECT id FROM orgs WHERE kind = 'platform' ORDER BY id LIMIT 1`).Scan(&id)
	if err != nil {
		return "", rowErr("platform org", err)
	}
	return id, nil
}

// SetHitsOutcome changes the outcome of hits recorded in this transaction
// (the circuit breaker refusing a filing).
func (t *Tx) SetHitsOutcome(ctx context.Context, hitIDs []string, outcome string) error {
	if len(hitIDs) == 0 {
		return nil
	}
	args := make([]any, 0, len(hitIDs)+1)
	args = append(args, outcome)
	for _, id := range hitIDs {
		args = append(args, id)
	}
	return t.run(ctx, "set hit outcome", `UPDATE scan_hits SET outcome = ? WHERE id IN (`+placeholders(len(hitIDs))+`)`, args...)
}

// NoticeByIdempotencyKey returns the notice an org filed under an
// Idempotency-Key, with its subjects.
func (db *DB) NoticeByIdempotencyKey(ctx context.Context, orgID, key string) (*notice.Notice, error) {
	var id string
	err := db.queryRow(ctx, `SELECT id FROM notices WHERE org_id = ? AND idempotency_key = ?`, orgID, key).Scan(&id)
	if err != nil {
		return nil, rowErr("notice by idempotency key", err)
	}
	return db.Notice(ctx, id, orgID)
}
