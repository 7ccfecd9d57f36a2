package store

import (
	"context"
	"fmt"

	"github.com/sigap/sigap/internal/notice"
)

// TimelinePage returns one page of a notice's timeline, oldest first, the
// events whose case ID or type holds p.Text, and how many match in all: a
// notice of 100,000 links has a timeline as long.
func (db *DB) TimelinePage(ctx context.Context, noticeID string, p ListPage) ([]notice.Event, int, error) {
	from := ` FROM events WHERE notice_id = ?`
	args := []any{noticeID}
	if p.Text != "" {
		from += ` AND (lower(coalesce(case_id, '')) LIKE ? ESCAPE '\' OR lower(type) LIKE ? ESCAPE '\')`
		args = append(args, p.like(), p.like())
	}
	var total int
	if err := db.queryRow(ctx, `SELECT count(*)`+from, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: timeline count: %w", err)
	}
	items, err := queryAll(ctx, db, "timeline page", scanEvent, `SELECT `+eventCols+from+` ORDER BY seq LIMIT ? OFFSET ?`,
		append(args, p.Limit, p.Offset)...)
	return items, total, err
}
