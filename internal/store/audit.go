package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/sigap/sigap/internal/audit"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/notice"
)

// auditType is the event type of audit entries in the events table and the
// transparency log; what changed is in the event's data.
const auditType = "audit"

// auditData is an audit entry's event data, in the order the log commits to.
type auditData struct {
	Actor  string `json:"actor"`
	Action string `json:"action"`
	Object string `json:"object"`
}

// Audit records a change as an entry of the transparency log, in the
// change's own transaction: the change and its entry commit together or not
// at all. An entry without an actor takes the one ctx carries.
func (t *Tx) Audit(ctx context.Context, e audit.Entry) error {
	if e.Actor == "" {
		e.Actor = audit.ActorFrom(ctx)
	}
	data, err := json.Marshal(auditData{Actor: e.Actor, Action: e.Action, Object: e.Object})
	if err != nil {
		return fmt.Errorf("store: audit %s: %w", e.Action, err)
	}
	ev := notice.Event{At: clock.Milli(e.At), Type: auditType, OrgID: e.OrgID, Data: data}
	if _, err := t.appendLogged(ctx, []notice.Event{ev}); err != nil {
		return fmt.Errorf("store: audit %s: %w", e.Action, err)
	}
	return nil
}

// AuditQuery narrows the audit entries read: those at or after From and
// before To (zero: unbounded), of one org ("" for all), older than the
// Before cursor's log index (0: from the newest), at most Limit; with Text,
// those whose actor, action or object holds it or whose actor is one of
// Actors (the people whose name holds it).
type AuditQuery struct {
	From, To time.Time
	OrgID    string
	Before   int64
	Limit    int
	Text     string
	Actors   []string
}

// AuditItems lists audit entries, newest first.
func (db *DB) AuditItems(ctx context.Context, q AuditQuery) ([]audit.Item, error) {
	// The type is in the text, not a parameter: events_audit holds audit entries only.
	sqlq := `SELECT at, org_id, data, log_index FROM events WHERE type = '` + auditType + `' AND log_index IS NOT NULL`
	var args []any
	if !q.From.IsZero() {
		sqlq += ` AND at >= ?`
		args = append(args, ms(q.From))
	}
	if !q.To.IsZero() {
		sqlq += ` AND at < ?`
		args = append(args, ms(q.To))
	}
	if q.OrgID != "" {
		sqlq += ` AND org_id = ?`
		args = append(args, q.OrgID)
	}
	if q.Before > 0 {
		sqlq += ` AND log_index < ?`
		args = append(args, q.Before)
	}
	if q.Text != "" {
		clause, more := db.auditTextFilter(q.Text, q.Actors)
		sqlq += clause
		args = append(args, more...)
	}
	sqlq += ` ORDER BY log_index DESC LIMIT ?`
	args = append(args, q.Limit)
	return queryAll(ctx, db, "audit items", scanAuditItem, sqlq, args...)
}

func scanAuditItem(r rowScanner) (audit.Item, error) {
	var it audit.Item
	var at int64
	var orgID sql.NullString
	var data string
	if err := r.Scan(&at, &orgID, &data, &it.LogIndex); err != nil {
		return it, err
	}
	var d auditData
	if err := json.Unmarshal([]byte(data), &d); err != nil {
		return it, fmt.Errorf("item %d: %w", it.LogIndex, err)
	}
	it.At, it.OrgID, it.Actor, it.Action, it.Object = fromMS(at), orgID.String, d.Actor, d.Action, d.Object
	return it, nil
}

// LastAuditObject returns the object of the newest audit entry of action, or
// ErrNotFound when there is none. It scans audit entries only, newest first,
// and is meant for rare questions such as the start's "is this policy new?".
func (db *DB) LastAuditObject(ctx context.Context, action string) (string, error) {
	rows, err := db.query(ctx, `SELECT data FROM events WHERE type = '`+auditType+`' AND log_index IS NOT NULL ORDER BY log_index DESC`)
	if err != nil {
		return "", fmt.Errorf("store: last %s: %w", action, err)
	}
	defer rows.Close()
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return "", fmt.Errorf("store: last %s: %w", action, err)
		}
		var d auditData
		if json.Unmarshal([]byte(data), &d) == nil && d.Action == action {
			return d.Object, nil
		}
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("store: last %s: %w", action, err)
	}
	return "", fmt.Errorf("store: last %s: %w", action, ErrNotFound)
}
