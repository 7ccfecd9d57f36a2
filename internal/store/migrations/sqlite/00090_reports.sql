-- +goose Up
-- Transparency reports select notices by the time they were received
-- (internal/store/reports.go); without this a report over one month of a
-- large database reads every notice.
CREATE INDEX notices_received ON notices(received_at);

-- +goose Down
DROP INDEX notices_received;
