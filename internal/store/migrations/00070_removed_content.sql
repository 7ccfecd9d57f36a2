-- +goose Up
-- What the scan saw of a post it filed an automated notice about: its media
-- hashes and its text. When the notice's case ends in a final remove
-- decision, these feed the platform's removed-content banks and the
-- removed-texts list (internal/removed).
CREATE TABLE scan_posts (
    notice_id TEXT PRIMARY KEY,
    post TEXT NOT NULL,
    media TEXT NOT NULL DEFAULT '[]',
    text TEXT NOT NULL DEFAULT '',
    created_at {{bigint}} NOT NULL
);
-- Entries that came from a case (a decision's removed content, or an entry
-- added by hand with its case), so a reversal on appeal finds them.
CREATE INDEX filter_entries_case ON filter_entries(case_id) WHERE case_id <> '';

-- +goose Down
DROP INDEX filter_entries_case;
DROP TABLE scan_posts;
