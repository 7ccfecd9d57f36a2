-- +goose Up
-- The transparency log (docs/transparency-log.md). Each event carries the log
-- index it was given and the random salt of its commitment, so an auditor can
-- recompute its entry; the log tables hold only commitments and hashes.
ALTER TABLE events ADD COLUMN log_index BIGINT;
ALTER TABLE events ADD COLUMN log_salt BYTEA;
-- size: entries appended (the next index); hashed: entries whose tree hashes
-- are stored. One row, locked by every appender, so indexes are dense and
-- commit in order.
CREATE TABLE log_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    size BIGINT NOT NULL,
    hashed BIGINT NOT NULL
);
INSERT INTO log_state (id, size, hashed) VALUES (1, 0, 0);
-- entry: the 32-byte commitment (the public log entry).
CREATE TABLE log_entries (
    idx BIGINT PRIMARY KEY,
    entry BYTEA NOT NULL
);
-- Stored tree hashes, keyed by tlog's stored hash index.
CREATE TABLE log_hashes (
    id BIGINT PRIMARY KEY,
    hash BYTEA NOT NULL
);
CREATE TABLE log_checkpoints (
    size BIGINT PRIMARY KEY,
    root BYTEA NOT NULL,
    note TEXT NOT NULL,
    signed_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE log_checkpoints;
DROP TABLE log_hashes;
DROP TABLE log_entries;
DROP TABLE log_state;
ALTER TABLE events DROP COLUMN log_salt;
ALTER TABLE events DROP COLUMN log_index;
