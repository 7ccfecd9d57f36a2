-- +goose Up
-- The transparency log (docs/transparency-log.md). Each event carries the log
-- index it was given, its log entry (the 32-byte commitment, public) and the
-- random salt of that commitment (private), so an auditor can recompute it.
-- The entry lives in the event's row so appending costs no extra statement.
ALTER TABLE events ADD COLUMN log_index {{bigint}};
ALTER TABLE events ADD COLUMN log_entry {{blob}};
ALTER TABLE events ADD COLUMN log_salt {{blob}};
CREATE UNIQUE INDEX events_log_index ON events(log_index);
-- size: entries appended, kept on PostgreSQL only, where incrementing it locks
-- the row so concurrent writers get dense indexes that commit in order (SQLite
-- has one writer and takes MAX(log_index) + 1). hashed: entries whose tree hashes
-- are stored.
CREATE TABLE log_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    size {{bigint}} NOT NULL,
    hashed {{bigint}} NOT NULL
);
INSERT INTO log_state (id, size, hashed) VALUES (1, 0, 0);
-- Stored tree hashes, keyed by tlog's stored hash index.
CREATE TABLE log_hashes (
    id {{bigint}} PRIMARY KEY,
    hash {{blob}} NOT NULL
);
CREATE TABLE log_checkpoints (
    size {{bigint}} PRIMARY KEY,
    root {{blob}} NOT NULL,
    note TEXT NOT NULL,
    signed_at {{bigint}} NOT NULL
);

-- +goose Down
DROP TABLE log_checkpoints;
DROP TABLE log_hashes;
DROP TABLE log_state;
DROP INDEX events_log_index;
ALTER TABLE events DROP COLUMN log_salt;
ALTER TABLE events DROP COLUMN log_entry;
ALTER TABLE events DROP COLUMN log_index;
