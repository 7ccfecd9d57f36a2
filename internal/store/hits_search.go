package store

import (
	"context"
	"fmt"
)

// SearchHits is RecentHits narrowed to the hits whose post, channel or
// matched detail holds text (any case; LIKE's wildcards are plain
// characters); an empty text is RecentHits.
func (db *DB) SearchHits(ctx context.Context, setID, text, cursor string, limit int) ([]ScanHit, error) {
	if text == "" {
		return db.RecentHits(ctx, setID, cursor, limit)
	}
	like := ListPage{Text: text}.like()
	q := `SELECT ` + hitCols + ` FROM scan_hits WHERE (? = '' OR set_id = ?) AND (? = '' OR id < ?)
		AND (lower(post) LIKE ? ESCAPE '\' OR lower(channel) LIKE ? ESCAPE '\' OR lower(detail) LIKE ? ESCAPE '\')
		ORDER BY id DESC LIMIT ` + fmt.Sprint(limit)
	return queryAll(ctx, db, "search hits", scanHit, q, setID, setID, cursor, cursor, like, like, like)
}
