package store

import (
	"context"
	"encoding/json"
)

// AppendRetroJob is QueueRetroJob for entries just made (a page of a feed,
// a chunk of an import): new entries cannot be in a queued job yet, so their
// IDs are appended to its list in SQL, without reading and rewriting the
// list it holds, which grows to a whole sync's million entries. Its window
// and priority widen as QueueRetroJob's do; none queued, j is stored.
func (t *Tx) AppendRetroJob(ctx context.Context, j RetroJob) error {
	if len(j.EntryIDs) == 0 {
		return nil
	}
	raw, _ := json.Marshal(j.EntryIDs)
	items := string(raw[1 : len(raw)-1])
	n, err := t.changed(ctx, "append to retro job of "+j.SetID, `UPDATE retro_jobs SET
		entry_ids = CASE WHEN entry_ids IN ('[]', 'null', '') THEN ? ELSE substr(entry_ids, 1, length(entry_ids) - 1) || ',' || ? || ']' END,
		since_at = CASE WHEN since_at > ? THEN ? ELSE since_at END,
		until_at = CASE WHEN until_at < ? THEN ? ELSE until_at END,
		priority = CASE WHEN priority < ? THEN ? ELSE priority END
		WHERE id = (SELECT id FROM retro_jobs WHERE set_id = ? AND incident_id = ? AND state = ? ORDER BY created_at LIMIT 1)`,
		string(raw), items, ms(j.Since), ms(j.Since), ms(j.Until), ms(j.Until), j.Priority, j.Priority, j.SetID, j.IncidentID, RetroQueued)
	if err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	_, err = t.QueueRetroJob(ctx, j)
	return err
}
