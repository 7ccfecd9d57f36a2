package store

import (
	"context"
	"fmt"
)

// SearchFilterEntries is FilterEntries narrowed to the entries whose value
// or source holds text (any case; LIKE's wildcards are plain characters); an
// empty text is FilterEntries.
func (db *DB) SearchFilterEntries(ctx context.Context, setID, text, cursor string, limit int, withRemoved bool) ([]FilterEntry, error) {
	if text == "" {
		return db.FilterEntries(ctx, setID, cursor, limit, withRemoved)
	}
	like := ListPage{Text: text}.like()
	q := `SELECT ` + entryCols + ` FROM filter_entries WHERE set_id = ? AND id > ?
		AND (lower(value) LIKE ? ESCAPE '\' OR lower(source) LIKE ? ESCAPE '\')`
	if !withRemoved {
		q += ` AND removed_at IS NULL`
	}
	q += ` ORDER BY id`
	if limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, limit)
	}
	return queryAll(ctx, db, "search filter entries", scanEntry, q, setID, cursor, like, like)
}

// auditTextFilter is the clause that keeps the audit entries whose actor,
// action or object holds text (any case), or whose actor is one of actors
// (the people whose name or address holds it), with its arguments.
func (db *DB) auditTextFilter(text string, actors []string) (string, []any) {
	like := ListPage{Text: text}.like()
	field := func(key string) string {
		if db.dialect == Postgres {
			return `lower(data::jsonb ->> '` + key + `')`
		}
		return `lower(json_extract(data, '$.` + key + `'))`
	}
	clause := ` AND (` + field("actor") + ` LIKE ? ESCAPE '\' OR ` + field("action") + ` LIKE ? ESCAPE '\' OR ` +
		field("object") + ` LIKE ? ESCAPE '\'`
	args := []any{like, like, like}
	for _, a := range actors {
		clause += ` OR ` + field("actor") + ` = ?`
		args = append(args, a)
	}
	return clause + `)`, args
}
