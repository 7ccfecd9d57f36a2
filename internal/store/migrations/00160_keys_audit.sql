-- +goose Up
-- Keys that expire and the last time each was used (written at most once a
-- minute per key); audit entries are events of type 'audit', read by type.
ALTER TABLE api_keys ADD COLUMN expires_at {{bigint}};
ALTER TABLE api_keys ADD COLUMN last_used_at {{bigint}};
CREATE INDEX events_type_log ON events(type, log_index);

-- +goose Down
DROP INDEX events_type_log;
ALTER TABLE api_keys DROP COLUMN last_used_at;
ALTER TABLE api_keys DROP COLUMN expires_at;
