package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Filter set families: hash banks and rule lists share the filter_sets and
// filter_entries tables because they share policy, roll-out, provenance and
// hit counting; only the kind of their entries differs.
const (
	FamilyBank = "bank"
	FamilyList = "list"
)

// FilterSet is a hash bank or a rule list.
type FilterSet struct {
	ID              string
	Family          string
	Name            string
	Kind            string // "hash" for banks; keyword, regex, link or text for lists
	Policy          string
	Labels          []string
	Language        string
	Description     string
	Enabled         bool
	RolloutFraction float64
	CreatedByOrg    string
	CreatedByKey    string
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// FilterEntry is one signal of a bank or one rule of a list, with its provenance.
type FilterEntry struct {
	ID               string
	SetID            string
	Type             string
	Value            string
	MatchKey         string // what the rule matches, hashed: a second live entry of the set with the same key is a duplicate ("" for none)
	Source           string
	CaseID           string
	AddedByOrg       string
	AddedByKey       string
	AddedAt          time.Time
	RemovedAt        time.Time // zero while live
	RemovedBy        string
	Hits             int64
	LastHitAt        time.Time
	QuarantinedAt    time.Time // zero unless the flood guard quarantined it
	QuarantineReason string
}

// Live reports whether the entry is not tombstoned.
func (e FilterEntry) Live() bool { return e.RemovedAt.IsZero() }

const setCols = `id, family, name, kind, policy, labels, language, description, enabled, rollout_fraction,
	created_by_org, created_by_key, created_at, updated_at`

func scanSet(row rowScanner) (FilterSet, error) {
	var s FilterSet
	var labels string
	var created, updated int64
	err := row.Scan(&s.ID, &s.Family, &s.Name, &s.Kind, &s.Policy, &labels, &s.Language, &s.Description, &s.Enabled,
		&s.RolloutFraction, &s.CreatedByOrg, &s.CreatedByKey, &created, &updated)
	if err != nil {
		return s, err
	}
	s.CreatedAt, s.UpdatedAt = fromMS(created), fromMS(updated)
	if err := json.Unmarshal([]byte(labels), &s.Labels); err != nil {
		return s, fmt.Errorf("labels: %w", err)
	}
	return s, nil
}

func setErr(what string, err error) error { return rowErr("filter set "+what, err) }

// entriesChanged returns n, the entries a write changed, after telling the
// scanners when there were any.
func (t *Tx) entriesChanged(ctx context.Context, n int) (int, error) {
	if n == 0 {
		return 0, nil
	}
	return n, t.bumpGeneration(ctx)
}

// bumpGeneration tells every scanner that banks or lists changed.
func (t *Tx) bumpGeneration(ctx context.Context) error {
	return t.run(ctx, "bump filter generation", `UPDATE filter_state SET generation = generation + 1 WHERE id = 1`)
}

// FilterGeneration is a counter that every change to banks, lists or their
// entries increments; scanners poll it to know when to rebuild.
func (db *DB) FilterGeneration(ctx context.Context) (int64, error) {
	var g int64
	if err := db.queryRow(ctx, `SELECT generation FROM filter_state WHERE id = 1`).Scan(&g); err != nil {
		return 0, fmt.Errorf("store: filter generation: %w", err)
	}
	return g, nil
}

// CreateFilterSet stores a new bank or list. A name already used in the same
// family is ErrConflict.
func (t *Tx) CreateFilterSet(ctx context.Context, s FilterSet) error {
	if err := t.refuseTaken(ctx, "create filter set", fmt.Errorf("store: a %s named %q exists: %w", s.Family, s.Name, ErrConflict),
		`SELECT COUNT(*) FROM filter_sets WHERE family = ? AND name = ?`, s.Family, s.Name); err != nil {
		return err
	}
	labels, _ := json.Marshal(nonNil(s.Labels))
	_, err := t.exec(ctx, `INSERT INTO filter_sets (`+setCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.Family, s.Name, s.Kind, s.Policy, string(labels), s.Language, s.Description, s.Enabled, s.RolloutFraction,
		s.CreatedByOrg, s.CreatedByKey, ms(s.CreatedAt), ms(s.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: create filter set: %w", err)
	}
	return t.bumpGeneration(ctx)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// SetFilterSetState enables or disables a set and sets its roll-out fraction.
func (t *Tx) SetFilterSetState(ctx context.Context, id string, enabled bool, rollout float64, policy string, now time.Time) error {
	if err := t.execOne(ctx, "filter set "+id, `UPDATE filter_sets SET enabled = ?, rollout_fraction = ?, policy = ?, updated_at = ? WHERE id = ?`,
		enabled, rollout, policy, ms(now), id); err != nil {
		return err
	}
	return t.bumpGeneration(ctx)
}

// FilterSet returns one bank or list, read inside the transaction.
func (t *Tx) FilterSet(ctx context.Context, id string) (FilterSet, error) {
	return filterSet(ctx, t, id)
}

// FilterSet returns one bank or list.
func (db *DB) FilterSet(ctx context.Context, id string) (FilterSet, error) {
	return filterSet(ctx, db, id)
}

func filterSet(ctx context.Context, qr querier, id string) (FilterSet, error) {
	s, err := scanSet(qr.queryRow(ctx, `SELECT `+setCols+` FROM filter_sets WHERE id = ?`, id))
	if err != nil {
		return s, setErr(id, err)
	}
	return s, nil
}

// FilterSets lists the sets of a family ("" for all) in ID order, after cursor.
func (db *DB) FilterSets(ctx context.Context, family, cursor string, limit int) ([]FilterSet, error) {
	q := `SELECT ` + setCols + ` FROM filter_sets WHERE id > ?`
	args := []any{cursor}
	if family != "" {
		q += ` AND family = ?`
		args = append(args, family)
	}
	q += ` ORDER BY id`
	if limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, limit)
	}
	return queryAll(ctx, db, "filter sets", scanSet, q, args...)
}

const entryCols = `id, set_id, type, value, source, case_id, added_by_org, added_by_key, added_at, removed_at, removed_by,
	hits, last_hit_at, quarantined_at, quarantine_reason`

func scanEntry(row rowScanner) (FilterEntry, error) {
	var e FilterEntry
	var added int64
	var removed, lastHit, quarantined sql.NullInt64
	err := row.Scan(&e.ID, &e.SetID, &e.Type, &e.Value, &e.Source, &e.CaseID, &e.AddedByOrg, &e.AddedByKey, &added, &removed,
		&e.RemovedBy, &e.Hits, &lastHit, &quarantined, &e.QuarantineReason)
	e.AddedAt, e.RemovedAt, e.LastHitAt, e.QuarantinedAt = fromMS(added), timeOrZero(removed), timeOrZero(lastHit), timeOrZero(quarantined)
	return e, err
}

func entryErr(what string, err error) error { return rowErr("filter entry "+what, err) }

// AddFilterEntries stores entries, skipping any whose (set, type, value) or
// (set, match key) is already live, and returns how many were new. Rows go in multi-row INSERTs
// so an import of a million hashes is a few hundred statements.
func (t *Tx) AddFilterEntries(ctx context.Context, entries []FilterEntry) (int, error) {
	const cols = 11
	per := maxParams / cols
	added := 0
	args := make([]any, 0, min(len(entries), per)*cols)
	for start := 0; start < len(entries); start += per {
		end := min(len(entries), start+per)
		var b strings.Builder
		b.WriteString(`INSERT INTO filter_entries (id, set_id, type, value, source, case_id, added_by_org, added_by_key, added_at, hits, match_key) VALUES `)
		args = args[:0]
		for i, e := range entries[start:end] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, e.ID, e.SetID, e.Type, e.Value, e.Source, e.CaseID, e.AddedByOrg, e.AddedByKey, ms(e.AddedAt), 0, e.MatchKey)
		}
		b.WriteString(` ON CONFLICT DO NOTHING`)
		n, err := t.changed(ctx, "add filter entries", b.String(), args...)
		if err != nil {
			return added, err
		}
		added += n
	}
	return t.entriesChanged(ctx, added)
}

// AddFilterEntry stores one entry; a live duplicate is ErrConflict.
func (t *Tx) AddFilterEntry(ctx context.Context, e FilterEntry) error {
	n, err := t.AddFilterEntries(ctx, []FilterEntry{e})
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("store: %s %q is already in this set: %w", e.Type, e.Value, ErrConflict)
	}
	return nil
}

// RemoveFilterEntry tombstones a live entry of set setID.
func (t *Tx) RemoveFilterEntry(ctx context.Context, setID, entryID, by string, now time.Time) error {
	if err := t.execOne(ctx, "filter entry "+entryID, `UPDATE filter_entries SET removed_at = ?, removed_by = ? WHERE id = ? AND set_id = ? AND removed_at IS NULL`,
		ms(now), by, entryID, setID); err != nil {
		return err
	}
	return t.bumpGeneration(ctx)
}

// ReleaseFilterEntry lifts the flood guard's quarantine from an entry.
func (t *Tx) ReleaseFilterEntry(ctx context.Context, setID, entryID string) error {
	if err := t.execOne(ctx, "filter entry "+entryID, `UPDATE filter_entries SET quarantined_at = NULL, quarantine_reason = '' WHERE id = ? AND set_id = ?`, entryID, setID); err != nil {
		return err
	}
	return t.bumpGeneration(ctx)
}

// FilterEntry returns one entry of set setID.
func (db *DB) FilterEntry(ctx context.Context, setID, entryID string) (FilterEntry, error) {
	e, err := scanEntry(db.queryRow(ctx, `SELECT `+entryCols+` FROM filter_entries WHERE id = ? AND set_id = ?`, entryID, setID))
	if err != nil {
		return e, entryErr(entryID, err)
	}
	return e, nil
}

// FilterEntries pages through a set's entries in ID order; tombstoned ones
// only when withRemoved.
func (db *DB) FilterEntries(ctx context.Context, setID, cursor string, limit int, withRemoved bool) ([]FilterEntry, error) {
	q := `SELECT ` + entryCols + ` FROM filter_entries WHERE set_id = ? AND id > ?`
	if !withRemoved {
		q += ` AND removed_at IS NULL`
	}
	q += ` ORDER BY id`
	if limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, limit)
	}
	return queryAll(ctx, db, "filter entries", scanEntry, q, setID, cursor)
}

// LiveEntry is the part of a live entry a matcher snapshot needs.
type LiveEntry struct {
	ID, SetID, Type, Value string
	Quarantined            bool
}

// LiveFilterEntries calls fn for every live entry of every enabled set of
// the family, streaming so a ten-million-hash bank is never a slice of
// structs with strings.
func (db *DB) LiveFilterEntries(ctx context.Context, family string, fn func(LiveEntry) error) error {
	rows, err := db.query(ctx, `SELECT e.id, e.set_id, e.type, e.value, e.quarantined_at IS NOT NULL
		FROM filter_entries e JOIN filter_sets s ON s.id = e.set_id
		WHERE s.family = ? AND s.enabled = ? AND e.removed_at IS NULL ORDER BY e.id`, family, true)
	if err != nil {
		return fmt.Errorf("store: live filter entries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e LiveEntry
		if err := rows.Scan(&e.ID, &e.SetID, &e.Type, &e.Value, &e.Quarantined); err != nil {
			return fmt.Errorf("store: live filter entries: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// SetStats are the hit counts of one set.
type SetStats struct {
	Entries      int64
	Hits         int64
	Quarantined  int64
	FiledToday   int64
	RefusedToday int64
}

// FilterSetStats counts a set's live entries, hits, quarantined entries and
// today's automated filings (day is "2006-01-02" in UTC).
func (db *DB) FilterSetStats(ctx context.Context, setID, day string) (SetStats, error) {
	var s SetStats
	err := db.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(hits), 0), COALESCE(SUM(CASE WHEN quarantined_at IS NULL THEN 0 ELSE 1 END), 0)
		FROM filter_entries WHERE set_id = ? AND removed_at IS NULL`, setID).Scan(&s.Entries, &s.Hits, &s.Quarantined)
	if err != nil {
		return s, fmt.Errorf("store: filter set stats: %w", err)
	}
	err = db.queryRow(ctx, `SELECT filed, refused FROM breaker_counts WHERE set_id = ? AND day = ?`, setID, day).Scan(&s.FiledToday, &s.RefusedToday)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("store: filter set stats: %w", err)
	}
	return s, nil
}

// TopFilterEntries returns the set's entries with the most hits (the
// per-rule counts that shadow mode is for), and every quarantined entry.
func (db *DB) TopFilterEntries(ctx context.Context, setID string, limit int) ([]FilterEntry, error) {
	return queryAll(ctx, db, "top filter entries", scanEntry, `SELECT `+entryCols+` FROM filter_entries WHERE set_id = ? AND removed_at IS NULL
		AND (hits > 0 OR quarantined_at IS NOT NULL) ORDER BY hits DESC, id LIMIT `+fmt.Sprint(limit), setID)
}
