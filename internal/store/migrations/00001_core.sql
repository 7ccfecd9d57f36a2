-- +goose Up
CREATE TABLE orgs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    default_regime TEXT NOT NULL DEFAULT '',
    created_at {{bigint}} NOT NULL
);
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    role TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    created_at {{bigint}} NOT NULL,
    revoked_at {{bigint}}
);
CREATE TABLE notices (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    kind TEXT NOT NULL,
    regime TEXT NOT NULL,
    category TEXT NOT NULL,
    class TEXT NOT NULL,
    within_ms {{bigint}} NOT NULL,
    explanation TEXT NOT NULL,
    legal_basis TEXT NOT NULL DEFAULT '',
    reference TEXT NOT NULL DEFAULT '',
    urgent {{bool}} NOT NULL,
    requested_action TEXT NOT NULL DEFAULT '',
    territorial_scope TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT '',
    evidence TEXT NOT NULL DEFAULT '[]',
    contact TEXT NOT NULL DEFAULT '',
    good_faith {{bool}} NOT NULL,
    status TEXT NOT NULL,
    received_at {{bigint}} NOT NULL,
    due_at {{bigint}} NOT NULL,
    body_sha256 TEXT NOT NULL,
    idempotency_key TEXT,
    receipt_key_id TEXT NOT NULL,
    receipt_payload TEXT NOT NULL,
    receipt_signature TEXT NOT NULL,
    subject_count INTEGER NOT NULL
);
CREATE UNIQUE INDEX notices_idempotency ON notices(org_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX notices_org ON notices(org_id, id);
CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    channel TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    lane TEXT NOT NULL,
    lane_rank INTEGER NOT NULL,
    category TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT '',
    due_at {{bigint}} NOT NULL,
    opened_at {{bigint}} NOT NULL,
    updated_at {{bigint}} NOT NULL
);
CREATE UNIQUE INDEX cases_open_subject ON cases(subject) WHERE state = 'open';
CREATE INDEX cases_queue ON cases(lane_rank, due_at) WHERE state = 'open';
CREATE TABLE notice_subjects (
    notice_id TEXT NOT NULL REFERENCES notices(id),
    position INTEGER NOT NULL,
    url TEXT NOT NULL,
    subject TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases(id),
    new_case {{bool}} NOT NULL,
    PRIMARY KEY (notice_id, position)
);
CREATE INDEX notice_subjects_case ON notice_subjects(case_id);
CREATE TABLE events (
    seq {{identity}},
    at {{bigint}} NOT NULL,
    type TEXT NOT NULL,
    notice_id TEXT,
    case_id TEXT,
    org_id TEXT,
    data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_notice ON events(notice_id, seq);
CREATE INDEX events_case ON events(case_id, seq);

-- +goose Down
DROP TABLE events;
DROP TABLE notice_subjects;
DROP TABLE cases;
DROP TABLE notices;
DROP TABLE api_keys;
DROP TABLE orgs;
