-- +goose Up
-- match_key is a hash of what a rule matches (the normalised keyword, the
-- canonical link, ...) that the rulelist service computes; two live rules of
-- one list with the same key are the same rule written twice ("jihad" and
-- "J1H4D", "t.me/x" and "https://t.me/s/x"), so the second is a duplicate.
-- Rows written before this migration, and hash-bank rows, have '' and are
-- compared on their value only.
ALTER TABLE filter_entries ADD COLUMN match_key TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX filter_entries_live_key ON filter_entries(set_id, match_key) WHERE removed_at IS NULL AND match_key <> '';

-- +goose Down
DROP INDEX filter_entries_live_key;
ALTER TABLE filter_entries DROP COLUMN match_key;
