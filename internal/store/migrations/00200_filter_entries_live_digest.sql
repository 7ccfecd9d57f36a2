-- +goose Up
-- if sqlite
-- PostgreSQL's 00170 makes its live-duplicate index cover md5(value), since a
-- video hash is longer than a btree row there; SQLite indexes values of any
-- length, so its index stays as it is.
SELECT 1;
-- if postgres
-- A video hash (vpdq lines, base64 of a .tmk file) is kilobytes long, more
-- than a btree index row holds (2704 bytes), so the live-duplicate index
-- covers the value's MD5 instead of the value: the same uniqueness, any length.
CREATE UNIQUE INDEX filter_entries_live_digest ON filter_entries(set_id, type, md5(value)) WHERE removed_at IS NULL;
DROP INDEX filter_entries_live;
-- end

-- +goose Down
-- if sqlite
SELECT 1;
-- if postgres
CREATE UNIQUE INDEX filter_entries_live ON filter_entries(set_id, type, value) WHERE removed_at IS NULL;
DROP INDEX filter_entries_live_digest;
-- end
