-- +goose Up
-- Transparency reports (internal/store/reports.go). A report selects notices
-- by the time they were received; over a long period it joins every notice
-- to its cases' decisions and executed actions and to its first
-- acknowledgement. These indexes let it read each input in key order without
-- touching the tables' wide rows: the join runs as a chain of merge joins
-- over index-only scans (docs/benchmarks/report.md).
CREATE INDEX notices_received ON notices(received_at);
CREATE INDEX notices_report ON notices(id) INCLUDE (received_at, org_id, kind, regime, class, category, status, subject_count, due_at, territorial_scope);
CREATE INDEX notice_subjects_report ON notice_subjects(case_id, notice_id);
CREATE INDEX decisions_report ON decisions(case_id) INCLUDE (status, action, effective_at, created_at) WHERE status IN ('final', 'reversed');
CREATE INDEX enforcement_actions_report ON enforcement_actions(case_id) INCLUDE (executed_at) WHERE state = 'executed' AND action <> 'restore';
-- The platform-side events that acknowledge a notice (a claim, a decision, a
-- clarification request or pause, an objection): the first one per notice.
CREATE INDEX events_ack ON events(notice_id, at)
    WHERE type IN ('notice.status', 'notice.decision', 'clarification.requested', 'clock.paused', 'objection.raised');

-- +goose Down
DROP INDEX events_ack;
DROP INDEX enforcement_actions_report;
DROP INDEX decisions_report;
DROP INDEX notice_subjects_report;
DROP INDEX notices_report;
DROP INDEX notices_received;
