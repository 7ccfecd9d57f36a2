-- +goose Up
-- Transparency reports (internal/store/reports.go) select notices by the
-- time they were received, and look up each notice's first acknowledgement:
-- the first platform-side event on it (a claim, a decision, a clarification
-- request or pause, an objection).
CREATE INDEX notices_received ON notices(received_at);
CREATE INDEX notice_subjects_report ON notice_subjects(case_id, notice_id);
CREATE INDEX events_ack ON events(notice_id, at)
    WHERE type IN ('notice.status', 'notice.decision', 'clarification.requested', 'clock.paused', 'objection.raised');

-- +goose Down
DROP INDEX events_ack;
DROP INDEX notice_subjects_report;
DROP INDEX notices_received;
