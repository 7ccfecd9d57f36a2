-- +goose Up
-- if sqlite
-- Transparency reports (internal/store/reports.go) select notices by the
-- time they were received, and look up each notice's first acknowledgement:
-- the first platform-side event on it (a claim, a decision, a clarification
-- request or pause, an objection).
-- if postgres
-- Transparency reports (internal/store/reports.go). A report selects notices
-- by the time they were received; over a long period it joins every notice
-- to its cases' decisions and executed actions and to its first
-- acknowledgement. These indexes let it read each input in key order without
-- touching the tables' wide rows: the join runs as a chain of merge joins
-- over index-only scans (docs/benchmarks/report.md).
-- end
CREATE INDEX notices_received ON notices(received_at);
-- if postgres
CREATE INDEX notices_report ON notices(id) INCLUDE (received_at, org_id, kind, regime, class, category, status, subject_count, due_at, territorial_scope);
-- end
CREATE INDEX notice_subjects_report ON notice_subjects(case_id, notice_id);
-- if postgres
CREATE INDEX decisions_report ON decisions(case_id) INCLUDE (status, action, effective_at, created_at) WHERE status IN ('final', 'reversed');
CREATE INDEX enforcement_actions_report ON enforcement_actions(case_id) INCLUDE (executed_at) WHERE state = 'executed' AND action <> 'restore';
-- The platform-side events that acknowledge a notice (a claim, a decision, a
-- clarification request or pause, an objection): the first one per notice.
-- end
CREATE INDEX events_ack ON events(notice_id, at)
    WHERE type IN ('notice.status', 'notice.decision', 'clarification.requested', 'clock.paused', 'objection.raised');

-- +goose Down
DROP INDEX events_ack;
-- if postgres
DROP INDEX enforcement_actions_report;
DROP INDEX decisions_report;
-- end
DROP INDEX notice_subjects_report;
-- if postgres
DROP INDEX notices_report;
-- end
DROP INDEX notices_received;
