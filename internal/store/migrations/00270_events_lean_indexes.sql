-- +goose Up
-- Every notice appends two events (notice.received, case.opened), and each
-- event row paid an entry in six indexes. Two of them now hold only the rows
-- their queries read: a case's timeline (and the claims of a case) names a
-- case, which a notice.received event has none of, so events_case skips
-- events without one; audit entries are read by their type alone
-- (internal/store/audit.go names the type in the query, as a partial index
-- needs), so the (type, log_index) index of every event becomes one of the
-- audit entries' log indexes. Two index entries fewer a notice.
CREATE INDEX events_audit ON events(log_index) WHERE type = 'audit';
DROP INDEX events_type_log;
DROP INDEX events_case;
CREATE INDEX events_case ON events(case_id, seq) WHERE case_id IS NOT NULL;

-- +goose Down
DROP INDEX events_case;
CREATE INDEX events_case ON events(case_id, seq);
CREATE INDEX events_type_log ON events(type, log_index);
DROP INDEX events_audit;
