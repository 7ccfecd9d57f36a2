-- +goose Up
-- A claimed case keeps state 'open' (new notices on its subject still join it)
-- and carries a lease; the queue skips cases whose lease has not expired. A
-- decision waiting for a second reviewer holds the lease until it is settled.
ALTER TABLE cases ADD COLUMN lease_holder TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN lease_expires_at {{bigint}} NOT NULL DEFAULT 0;
-- The queue proper: open cases nobody holds, in claim order. Leased cases
-- leave it, so a claim never walks past the cases other reviewers hold; an
-- expired lease is swept back (lease_holder = '') by the next claim.
CREATE INDEX cases_waiting ON cases(lane_rank, due_at) WHERE state = 'open' AND lease_holder = '';
CREATE INDEX cases_leased ON cases(lease_expires_at) WHERE state = 'open' AND lease_holder <> '';
CREATE TABLE decisions (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    reviewer TEXT NOT NULL,
    org_id TEXT NOT NULL,
    action TEXT NOT NULL,
    ground_type TEXT NOT NULL,
    ground_reference TEXT NOT NULL,
    reasons TEXT NOT NULL,
    territorial_scope TEXT NOT NULL DEFAULT '[]',
    until_at {{bigint}},
    automated {{bool}} NOT NULL,
    status TEXT NOT NULL,
    approver TEXT NOT NULL DEFAULT '',
    approved_at {{bigint}},
    created_at {{bigint}} NOT NULL,
    effective_at {{bigint}}
);
-- One live decision per case: deciding twice collides here even if two
-- writers raced past the lease check.
CREATE UNIQUE INDEX decisions_case ON decisions(case_id) WHERE status <> 'rejected';
CREATE INDEX decisions_status ON decisions(status, created_at);
CREATE INDEX decisions_reviewer ON decisions(reviewer, created_at);
CREATE INDEX cases_channel ON cases(channel, opened_at);
CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    notice_id TEXT NOT NULL REFERENCES notices(id),
    org_id TEXT NOT NULL,
    author TEXT NOT NULL,
    side TEXT NOT NULL,
    body TEXT NOT NULL,
    clarification {{bool}} NOT NULL,
    created_at {{bigint}} NOT NULL
);
CREATE INDEX messages_notice ON messages(notice_id, id);
CREATE TABLE clock_pauses (
    notice_id TEXT NOT NULL REFERENCES notices(id),
    message_id TEXT NOT NULL,
    started_at {{bigint}} NOT NULL,
    ended_at {{bigint}},
    answer_id TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (notice_id, message_id)
);
CREATE UNIQUE INDEX clock_pauses_open ON clock_pauses(notice_id) WHERE ended_at IS NULL;
CREATE TABLE objections (
    id TEXT PRIMARY KEY,
    notice_id TEXT NOT NULL REFERENCES notices(id),
    org_id TEXT NOT NULL,
    author TEXT NOT NULL,
    reasons TEXT NOT NULL,
    status TEXT NOT NULL,
    answer TEXT NOT NULL DEFAULT '',
    answered_by TEXT NOT NULL DEFAULT '',
    created_at {{bigint}} NOT NULL,
    answered_at {{bigint}}
);
CREATE UNIQUE INDEX objections_open ON objections(notice_id) WHERE status = 'open';
CREATE TABLE appeals (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    decision_id TEXT NOT NULL REFERENCES decisions(id),
    filed_by TEXT NOT NULL,
    reasons TEXT NOT NULL,
    status TEXT NOT NULL,
    reviewer TEXT NOT NULL DEFAULT '',
    outcome_reasons TEXT NOT NULL DEFAULT '',
    created_at {{bigint}} NOT NULL,
    decided_at {{bigint}}
);
CREATE UNIQUE INDEX appeals_decision ON appeals(decision_id);
CREATE INDEX appeals_status ON appeals(status, created_at);
-- Action requests a decision or a reversal asks enforcement to carry out;
-- they stay 'pending' until enforcement reports them done.
CREATE TABLE review_actions (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    decision_id TEXT NOT NULL,
    appeal_id TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL,
    action TEXT NOT NULL,
    territorial_scope TEXT NOT NULL DEFAULT '[]',
    until_at {{bigint}},
    state TEXT NOT NULL,
    created_at {{bigint}} NOT NULL
);
CREATE INDEX review_actions_state ON review_actions(state, created_at);
CREATE INDEX review_actions_case ON review_actions(case_id);
CREATE TABLE notice_holds (
    notice_id TEXT PRIMARY KEY REFERENCES notices(id),
    inform_uploader_after {{bigint}} NOT NULL
);

-- +goose Down
DROP TABLE notice_holds;
DROP TABLE review_actions;
DROP TABLE appeals;
DROP TABLE objections;
DROP TABLE clock_pauses;
DROP TABLE messages;
DROP TABLE decisions;
DROP INDEX cases_channel;
DROP INDEX cases_leased;
DROP INDEX cases_waiting;
ALTER TABLE cases DROP COLUMN lease_expires_at;
ALTER TABLE cases DROP COLUMN lease_holder;
