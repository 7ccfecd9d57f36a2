package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/sigap/sigap/internal/notice"
)

// Incident states.
const (
	IncidentOpen   = "open"
	IncidentClosed = "closed"
)

// LaneIncident is the review lane of cases found on a declared incident's
// bank or list; IncidentLaneRank puts it above every other lane, and above
// a breached clock's rank (-1), since an incident's first hours decide how
// far its content spreads.
const (
	LaneIncident     = notice.LaneIncident
	IncidentLaneRank = -2
)

// Incident is a declared crisis.
type Incident struct {
	ID         string
	Name       string
	Labels     []string
	State      string
	StartedAt  time.Time
	DeclaredAt time.Time
	DeclaredBy string
	ClosedAt   *time.Time
	ClosedBy   string
	BankID     string
	ListID     string
	// Report is the closing report as JSON, empty while open.
	Report string
}

const incidentCols = `id, name, labels, state, started_at, declared_at, declared_by, closed_at, closed_by, bank_id, list_id, report`

func scanIncident(r rowScanner) (Incident, error) {
	var in Incident
	var labels string
	var started, declared int64
	var closed sql.NullInt64
	if err := r.Scan(&in.ID, &in.Name, &labels, &in.State, &started, &declared, &in.DeclaredBy, &closed, &in.ClosedBy,
		&in.BankID, &in.ListID, &in.Report); err != nil {
		return in, err
	}
	if err := json.Unmarshal([]byte(labels), &in.Labels); err != nil {
		return in, fmt.Errorf("labels of %s: %w", in.ID, err)
	}
	in.StartedAt, in.DeclaredAt, in.ClosedAt = fromMS(started), fromMS(declared), timePtr(closed)
	return in, nil
}

// InsertIncident stores a declared incident.
func (t *Tx) InsertIncident(ctx context.Context, in Incident) error {
	labels, _ := json.Marshal(in.Labels)
	return t.run(ctx, "insert incident", `INSERT INTO incidents (`+incidentCols+`) VALUES (`+placeholders(12)+`)`, in.ID, in.Name, string(labels),
		in.State, ms(in.StartedAt), ms(in.DeclaredAt), in.DeclaredBy, msPtr(in.ClosedAt), in.ClosedBy, in.BankID, in.ListID,
		in.Report)
}

// Incident reads one incident.
func (db *DB) Incident(ctx context.Context, id string) (Incident, error) {
	return queryOne(ctx, db, "incident "+id, scanIncident, `SELECT `+incidentCols+` FROM incidents WHERE id = ?`, id)
}

// Incidents lists incidents, newest first, before the cursor id ("" from the newest).
func (db *DB) Incidents(ctx context.Context, before string, limit int) ([]Incident, error) {
	return queryAll(ctx, db, "incidents", scanIncident, `SELECT `+incidentCols+` FROM incidents WHERE (? = '' OR id < ?)
		ORDER BY id DESC LIMIT `+fmt.Sprint(max(limit, 1)), before, before)
}

// CloseIncident closes an open incident with its report; one already
// closed (by another caller first) is ErrConflict, and nothing changes.
func (t *Tx) CloseIncident(ctx context.Context, id, by, report string, at time.Time) error {
	n, err := t.changed(ctx, "close incident "+id, `UPDATE incidents SET state = ?, closed_at = ?, closed_by = ?, report = ? WHERE id = ? AND state = ?`,
		IncidentClosed, ms(at), by, report, id, IncidentOpen)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("store: incident %s is not open: %w", id, ErrConflict)
	}
	return nil
}

// OpenIncidentOfSet is the open incident whose bank or list setID is, or ErrNotFound.
func (t *Tx) OpenIncidentOfSet(ctx context.Context, setID string) (Incident, error) {
	return queryOne(ctx, t, "open incident of "+setID, scanIncident, `SELECT `+incidentCols+` FROM incidents
		WHERE state = ? AND (bank_id = ? OR list_id = ?) ORDER BY declared_at LIMIT 1`, IncidentOpen, setID, setID)
}

// IncidentCase is a case an incident's hit moved into its lane.
type IncidentCase struct {
	IncidentID  string    `json:"-"`
	CaseID      string    `json:"case_id"`
	NoticeID    string    `json:"notice_id"`
	Post        string    `json:"post"`
	Retroactive bool      `json:"retroactive"`
	At          time.Time `json:"at"`
}

// FileIncidentCase moves an open case into the incident lane, its deadline
// brought forward to due when that is sooner, and records it on the
// incident (once per notice).
func (t *Tx) FileIncidentCase(ctx context.Context, c IncidentCase, due time.Time) error {
	if c.CaseID != "" {
		if _, err := t.exec(ctx, `UPDATE cases SET lane = ?, lane_rank = ?, due_at = CASE WHEN due_at > ? THEN ? ELSE due_at END, updated_at = ?
			WHERE id = ? AND state = 'open'`, LaneIncident, IncidentLaneRank, ms(due), ms(due), ms(c.At), c.CaseID); err != nil {
			return fmt.Errorf("store: case %s to the incident lane: %w", c.CaseID, err)
		}
	}
	return t.run(ctx, "incident case", `INSERT INTO incident_cases (incident_id, case_id, notice_id, post, retroactive, at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, c.IncidentID, c.CaseID, c.NoticeID, c.Post, boolInt(c.Retroactive), ms(c.At))
}

// IncidentCases lists an incident's cases, oldest first (at most limit).
func (db *DB) IncidentCases(ctx context.Context, incidentID string, limit int) ([]IncidentCase, error) {
	return queryAll(ctx, db, "cases of incident "+incidentID, func(r rowScanner) (IncidentCase, error) {
		var c IncidentCase
		var retro int
		var at int64
		err := r.Scan(&c.IncidentID, &c.CaseID, &c.NoticeID, &c.Post, &retro, &at)
		c.Retroactive, c.At = retro != 0, fromMS(at)
		return c, err
	}, `SELECT incident_id, case_id, notice_id, post, retroactive, at FROM incident_cases WHERE incident_id = ? ORDER BY at, notice_id LIMIT `+
		fmt.Sprint(max(limit, 1)), incidentID)
}

// IncidentHourCount is how many of an incident's cases were filed in one hour.
type IncidentHourCount struct {
	Hour        time.Time `json:"hour"`
	Live        int       `json:"live"`
	Retroactive int       `json:"retroactive"`
}

// IncidentCounts counts an incident's cases per hour of filing, oldest first.
func (db *DB) IncidentCounts(ctx context.Context, incidentID string) ([]IncidentHourCount, error) {
	const hour = int64(time.Hour / time.Millisecond)
	return queryAll(ctx, db, "counts of incident "+incidentID, func(r rowScanner) (IncidentHourCount, error) {
		var c IncidentHourCount
		var h int64
		err := r.Scan(&h, &c.Live, &c.Retroactive)
		c.Hour = fromMS(h * hour)
		return c, err
	}, `SELECT at / ? AS h, SUM(CASE WHEN retroactive = 0 THEN 1 ELSE 0 END), SUM(retroactive) FROM incident_cases
		WHERE incident_id = ? GROUP BY h ORDER BY h`, hour, incidentID)
}

// IncidentCaseStates counts an incident's cases by their state now (open, decided, actioned, closed).
func (db *DB) IncidentCaseStates(ctx context.Context, incidentID string) (map[string]int, error) {
	return countBy(ctx, db, "case states of incident "+incidentID, `SELECT c.state, COUNT(*) FROM incident_cases ic
		JOIN cases c ON c.id = ic.case_id WHERE ic.incident_id = ? GROUP BY c.state`, incidentID)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
