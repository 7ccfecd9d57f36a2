-- +goose Up
-- A preservation request: the days asked, and once the platform confirmed,
-- when, by whom and until when (each case's evidence record keeps the data).
CREATE TABLE notice_preservations (
    notice_id TEXT PRIMARY KEY REFERENCES notices(id),
    days INTEGER NOT NULL,
    confirmed_at {{bigint}},
    confirmed_by TEXT NOT NULL DEFAULT '',
    keep_until {{bigint}}
);
-- The DSA Art. 18 notifications the platform made to a competent authority
-- about a threat to life or safety, as it recorded them.
CREATE TABLE art18_notifications (
    id TEXT PRIMARY KEY,
    notice_id TEXT NOT NULL REFERENCES notices(id),
    authority TEXT NOT NULL,
    member_state TEXT NOT NULL DEFAULT '',
    reference TEXT NOT NULL DEFAULT '',
    notified_at {{bigint}} NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at {{bigint}} NOT NULL
);
CREATE INDEX art18_notifications_notice ON art18_notifications(notice_id);

-- +goose Down
DROP TABLE art18_notifications;
DROP TABLE notice_preservations;
