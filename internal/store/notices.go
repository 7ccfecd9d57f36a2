package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/sigap/sigap/internal/notice"
)

const noticeCols = `id, org_id, kind, regime, category, class, within_ms, explanation, legal_basis, reference, urgent,
	requested_action, territorial_scope, language, evidence, contact, good_faith, status, received_at, due_at,
	body_sha256, idempotency_key, receipt_key_id, receipt_payload, receipt_signature, subject_count, lane, lane_note`

// InsertNotice stores a notice, opens or joins a case for each of its subjects
// and appends the timeline events. The rows wait for the group's statements:
// the subjects' CaseID and NewCase are filled in when the cases are stored,
// before the commit or a statement that reads cases.
func (t *Tx) InsertNotice(ctx context.Context, n *notice.Notice) error {
	if n.Lane == "" {
		n.Lane = notice.LaneFor(n.Kind)
	}
	events := make([]notice.Event, 0, len(n.Subjects)+1)
	data, _ := json.Marshal(map[string]any{"kind": n.Kind, "category": n.Category, "regime": n.Regime, "class": n.Class,
		"due_at": n.DueAt, "subjects": len(n.Subjects), "body_sha256": n.BodySHA256, "receipt_sha256": receiptHash(n.Receipt)})
	events = append(events, notice.Event{At: n.ReceivedAt, Type: notice.EventReceived, NoticeID: n.ID, OrgID: n.OrgID, Data: data})
	for _, s := range n.Subjects {
		// Its case and type (opened or joined) are filled in when the cases are stored.
		d, _ := json.Marshal(map[string]string{"subject": s.Canonical})
		events = append(events, notice.Event{At: n.ReceivedAt, NoticeID: n.ID, OrgID: n.OrgID, Data: d})
	}
	// The notice, its subjects and their cases wait for the group's
	// statements (deferred_notices.go, deferred_cases.go).
	t.cases.items = append(t.cases.items, pendingCases{n: n, ev: len(t.events.items)})
	t.notices.items = append(t.notices.items, n)
	n.LogIndex = t.deferLogged(events)
	// After the events are queued: the hold's row stores the notice, and its
	// cases fill in the events (deferred_cases.go).
	if n.InformUploaderAfter != nil {
		if err := t.InsertNoticeHold(ctx, n.ID, *n.InformUploaderAfter); err != nil {
			return err
		}
	}
	return nil
}

// caseInsertCols are the columns of a case flushCases opens.
var caseInsertCols = []string{"id", "subject", "subject_kind", "channel", "state", "lane", "lane_rank",
	"category", "language", "due_at", "opened_at", "updated_at"}

// joinOpenCase is what opening a case does when the subject already has an
// open one: the notice joins it, and the case's deadline becomes the earlier
// of the two and its lane the more urgent. Finding and opening in one
// statement saves a round trip per notice on PostgreSQL, and there two
// writers opening the same subject at once meet in the unique index
// (the second waits and joins) rather than failing.
const joinOpenCase = ` ON CONFLICT (subject) WHERE state = 'open' DO UPDATE SET
	due_at = CASE WHEN cases.due_at > excluded.due_at THEN excluded.due_at ELSE cases.due_at END,
	lane = CASE WHEN cases.lane_rank > excluded.lane_rank THEN excluded.lane ELSE cases.lane END,
	lane_rank = CASE WHEN cases.lane_rank > excluded.lane_rank THEN excluded.lane_rank ELSE cases.lane_rank END,
	updated_at = excluded.updated_at
	RETURNING id, subject`

// AppendEvents adds entries to the timeline; the timeline is never updated in
// place. Each event gets its transparency-log entry in the same transaction.
func (t *Tx) AppendEvents(ctx context.Context, evs []notice.Event) error {
	_, err := t.appendLogged(ctx, evs)
	return err
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// NoticeByIdempotencyKey finds the notice an org already sent with this key.
// Notices waiting in the transaction are looked among first, so that the
// look-up does not store them one by one.
func (t *Tx) NoticeByIdempotencyKey(ctx context.Context, orgID, key string) (*notice.Notice, error) {
	if n := t.waitingNotice(orgID, key); n != nil {
		return n, nil
	}
	return queryOne(ctx, besidePending{t}, "idempotency key", scanNotice, `SELECT `+noticeCols+` FROM notices WHERE org_id = ? AND idempotency_key = ?`, orgID, key)
}

func scanNotice(row rowScanner) (*notice.Notice, error) {
	var n notice.Notice
	var within, received, due int64
	var scope, evidence, contact string
	var idem sql.NullString
	err := row.Scan(&n.ID, &n.OrgID, &n.Kind, &n.Regime, &n.Category, &n.Class, &within, &n.Explanation, &n.LegalBasis,
		&n.Reference, &n.Urgent, &n.RequestedAction, &scope, &n.Language, &evidence, &contact, &n.GoodFaith, &n.Status,
		&received, &due, &n.BodySHA256, &idem, &n.Receipt.KeyID, &n.Receipt.Payload, &n.Receipt.Signature, &n.SubjectCount, &n.Lane, &n.LaneNote)
	if err != nil {
		return nil, err
	}
	n.Within = time.Duration(within) * time.Millisecond
	n.ReceivedAt, n.DueAt = fromMS(received), fromMS(due)
	n.IdempotencyKey = idem.String
	n.Receipt.Algorithm = "ed25519"
	_ = json.Unmarshal([]byte(scope), &n.TerritorialScope)
	_ = json.Unmarshal([]byte(evidence), &n.Evidence)
	if contact != "" {
		n.Contact = &notice.Contact{}
		_ = json.Unmarshal([]byte(contact), n.Contact)
	}
	return &n, nil
}

// Notice returns one notice with its subjects. orgID, when not empty, limits
// the lookup to that org's notices, so another tenant's notice is not found.
func (db *DB) Notice(ctx context.Context, noticeID, orgID string) (*notice.Notice, error) {
	q, args := selectNotice(noticeID, orgID)
	n, err := queryOne(ctx, db, "notice "+noticeID, scanNotice, q, args...)
	if err != nil {
		return nil, err
	}
	n.Subjects, err = db.noticeSubjects(ctx, n.ID)
	return n, err
}

// selectNotice is the query of one notice, of org orgID only when it is set.
func selectNotice(noticeID, orgID string) (string, []any) {
	q := `SELECT ` + noticeCols + ` FROM notices WHERE id = ?`
	args := []any{noticeID}
	if orgID != "" {
		q += ` AND org_id = ?`
		args = append(args, orgID)
	}
	return q, args
}

func (db *DB) noticeSubjects(ctx context.Context, noticeID string) ([]notice.Subject, error) {
	return queryAll(ctx, db, "notice subjects", func(r rowScanner) (notice.Subject, error) {
		var s notice.Subject
		err := r.Scan(&s.URL, &s.Canonical, &s.CaseID, &s.NewCase)
		return s, err
	}, `SELECT url, subject, case_id, new_case FROM notice_subjects WHERE notice_id = ? ORDER BY position`, noticeID)
}

// NoticeFilter narrows a notice list.
type NoticeFilter struct {
	OrgID    string // empty: every org (platform roles)
	Status   string
	Kind     string
	Category string
	Cursor   string // list notices with IDs before this one (newest first)
	Limit    int
}

// selectNotices starts the query of the notices that match every field of f
// that is set (the cursor and limit are the caller's, as their order is).
func (f NoticeFilter) selectNotices() (string, []any) {
	q := `SELECT ` + noticeCols + ` FROM notices WHERE 1 = 1`
	var args []any
	for _, c := range []struct{ col, val string }{{"org_id", f.OrgID}, {"status", f.Status}, {"kind", f.Kind}, {"category", f.Category}} {
		if c.val != "" {
			q += ` AND ` + c.col + ` = ?`
			args = append(args, c.val)
		}
	}
	return q, args
}

// Notices lists notices newest first, without their subjects.
func (db *DB) Notices(ctx context.Context, f NoticeFilter) ([]*notice.Notice, error) {
	q, args := f.selectNotices()
	if f.Cursor != "" {
		q += ` AND id < ?`
		args = append(args, f.Cursor)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, f.Limit)
	return queryAll(ctx, db, "notices", scanNotice, q, args...)
}

// NoticeCases returns the cases a notice's subjects belong to.
func (db *DB) NoticeCases(ctx context.Context, noticeID string) ([]notice.Case, error) {
	return queryAll(ctx, db, "notice cases", scanCase, `SELECT `+caseCols+` FROM cases WHERE id IN (SELECT case_id FROM notice_subjects WHERE notice_id = ?) ORDER BY id`, noticeID)
}

const caseCols = `id, subject, subject_kind, channel, state, lane, category, language, due_at, opened_at, updated_at`

func scanCase(row rowScanner) (notice.Case, error) {
	var c notice.Case
	var due, opened, updated int64
	err := row.Scan(&c.ID, &c.Subject, &c.Kind, &c.Channel, &c.State, &c.Lane, &c.Category, &c.Language, &due, &opened, &updated)
	c.DueAt, c.OpenedAt, c.UpdatedAt = fromMS(due), fromMS(opened), fromMS(updated)
	return c, err
}

// Case returns one case.
func (db *DB) Case(ctx context.Context, caseID string) (notice.Case, error) {
	return queryOne(ctx, db, "case "+caseID, scanCase, `SELECT `+caseCols+` FROM cases WHERE id = ?`, caseID)
}

// Timeline returns the events of a notice (and of the cases it opened or joined) in order.
func (db *DB) Timeline(ctx context.Context, noticeID string, limit int) ([]notice.Event, error) {
	return queryAll(ctx, db, "timeline", scanEvent, `SELECT `+eventCols+` FROM events WHERE notice_id = ? ORDER BY seq LIMIT ?`, noticeID, limit)
}

// eventCols are the columns of an event scanEvent reads.
const eventCols = `seq, at, type, notice_id, case_id, org_id, data`

func scanEvent(r rowScanner) (notice.Event, error) {
	var e notice.Event
	var at int64
	var nid, cid, oid sql.NullString
	var data string
	err := r.Scan(&e.Seq, &at, &e.Type, &nid, &cid, &oid, &data)
	e.At, e.NoticeID, e.CaseID, e.OrgID, e.Data = fromMS(at), nid.String, cid.String, oid.String, json.RawMessage(data)
	return e, err
}

// Counts of rows, for tests that check a rejected request stored nothing.
func (db *DB) Counts(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	for _, table := range []string{"orgs", "api_keys", "notices", "notice_subjects", "cases", "events"} {
		var n int
		if err := db.queryRow(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
			return nil, fmt.Errorf("store: count %s: %w", table, err)
		}
		out[table] = n
	}
	return out, nil
}
