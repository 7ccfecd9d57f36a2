-- +goose Up
-- The trusted flagger programme: one row per org in it; a flagger org without
-- a row is an applicant and cannot file notices.
CREATE TABLE trust (
    org_id TEXT PRIMARY KEY REFERENCES orgs(id),
    status TEXT NOT NULL,
    categories TEXT NOT NULL DEFAULT '[]',
    jurisdictions TEXT NOT NULL DEFAULT '[]',
    expertise TEXT NOT NULL DEFAULT '',
    daily_quota {{bigint}} NOT NULL DEFAULT 0,
    updated_at {{bigint}} NOT NULL
);
CREATE TABLE trust_history (
    seq {{identity}},
    id TEXT NOT NULL UNIQUE,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    categories TEXT NOT NULL DEFAULT '[]',
    reason TEXT NOT NULL,
    actor TEXT NOT NULL,
    at {{bigint}} NOT NULL
);
CREATE INDEX trust_history_org ON trust_history(org_id, at);
-- The lane a notice was given (trusted only within a flagger's scope) and why.
ALTER TABLE notices ADD COLUMN lane TEXT NOT NULL DEFAULT '';
ALTER TABLE notices ADD COLUMN lane_note TEXT NOT NULL DEFAULT '';
CREATE INDEX notices_org_received ON notices(org_id, received_at);

-- +goose Down
DROP INDEX notices_org_received;
ALTER TABLE notices DROP COLUMN lane_note;
ALTER TABLE notices DROP COLUMN lane;
DROP TABLE trust_history;
DROP TABLE trust;
