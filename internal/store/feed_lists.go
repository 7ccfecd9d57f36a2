package store

import "context"

// LiveFeedSourceIDs returns the source entry IDs of every live local copy a
// subscription holds: what a whole hash list fetched again is compared with.
func (t *Tx) LiveFeedSourceIDs(ctx context.Context, subID string) ([]string, error) {
	return queryAll(ctx, t, "live feed source ids", scanString, `SELECT m.source_entry_id FROM feed_sub_entries m
		JOIN filter_entries e ON e.id = m.entry_id WHERE m.subscription_id = ? AND e.removed_at IS NULL`, subID)
}
