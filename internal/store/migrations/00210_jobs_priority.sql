-- +goose Up
-- priority puts urgent jobs (deadline alerts, action.requested) ahead of
-- routine ones (notice.updated) that are due at the same time: the lease
-- takes the highest priority first, then the oldest run_at. A job keeps its
-- priority across retries. The old index stays for MIN(run_at), which tells
-- the loop when to wake.
ALTER TABLE jobs ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
CREATE INDEX jobs_due_priority ON jobs(priority DESC, run_at) WHERE state IN ('available', 'running');

-- +goose Down
DROP INDEX jobs_due_priority;
ALTER TABLE jobs DROP COLUMN priority;
