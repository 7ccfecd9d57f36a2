package store

import (
	"context"
	"fmt"
)

// KeylessEntry is a live rule stored before rules had match keys (migration
// 00110), with what its key is computed from.
type KeylessEntry struct {
	ID, SetID, SetKind, Type, Value string
}

// KeylessListEntries returns up to limit live rules of rule lists without a
// match key, with IDs after after, in ID order.
func (db *DB) KeylessListEntries(ctx context.Context, after string, limit int) ([]KeylessEntry, error) {
	return queryAll(ctx, db, "keyless rules", func(r rowScanner) (KeylessEntry, error) {
		var e KeylessEntry
		err := r.Scan(&e.ID, &e.SetID, &e.SetKind, &e.Type, &e.Value)
		return e, err
	}, `SELECT e.id, e.set_id, s.kind, e.type, e.value FROM filter_entries e JOIN filter_sets s ON s.id = e.set_id
		WHERE s.family = 'list' AND e.removed_at IS NULL AND e.match_key = '' AND e.id > ? ORDER BY e.id LIMIT ?`, after, limit)
}

// SetMatchKey gives live rule id its match key unless a live rule of the same
// set already has that key, and reports whether it did. A rule whose key is
// taken (the two are one rule written twice, both stored before keys
// existed) gets a key of its own, "dup:" and its ID, so that it is not
// looked at again and still conflicts with nothing.
func (t *Tx) SetMatchKey(ctx context.Context, id, setID, key string) (bool, error) {
	n, err := t.changed(ctx, "set match key", `UPDATE filter_entries SET match_key = ? WHERE id = ? AND match_key = '' AND removed_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM filter_entries o WHERE o.set_id = ? AND o.match_key = ? AND o.removed_at IS NULL)`, key, id, setID, key)
	if err != nil {
		return false, err
	}
	if n == 1 {
		return true, nil
	}
	if _, err := t.exec(ctx, `UPDATE filter_entries SET match_key = ? WHERE id = ? AND match_key = ''`, "dup:"+id, id); err != nil {
		return false, fmt.Errorf("store: set match key: %w", err)
	}
	return false, nil
}

// MatchKeysDone reports whether every rule stored before match keys existed
// has been given one (see filterset.Service.BackfillMatchKeys).
func (db *DB) MatchKeysDone(ctx context.Context) (bool, error) {
	var done int
	if err := db.queryRow(ctx, `SELECT match_keys_done FROM filter_state WHERE id = 1`).Scan(&done); err != nil {
		return false, fmt.Errorf("store: match keys done: %w", err)
	}
	return done == 1, nil
}

// SetMatchKeysDone records that the backfill of match keys is complete.
func (t *Tx) SetMatchKeysDone(ctx context.Context) error {
	return t.run(ctx, "set match keys done", `UPDATE filter_state SET match_keys_done = 1 WHERE id = 1`)
}
