package store

import (
	"context"
	"fmt"
	"strings"
)

// JobsOfKind lists the jobs of one kind in the given states (all when
// none), newest first, at most limit of them: the outbox's view of work
// that is not a webhook delivery, such as replies by e-mail.
func (db *DB) JobsOfKind(ctx context.Context, kind string, states []string, limit int) ([]*JobRow, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	q := `SELECT ` + jobCols + ` FROM jobs WHERE kind = ?`
	args := []any{kind}
	if len(states) > 0 {
		q += ` AND state IN (?` + strings.Repeat(", ?", len(states)-1) + `)`
		for _, s := range states {
			args = append(args, s)
		}
	}
	q += fmt.Sprintf(` ORDER BY created_at DESC, id DESC LIMIT %d`, limit)
	return queryAll(ctx, db, "jobs of "+kind, scanJob, q, args...)
}
