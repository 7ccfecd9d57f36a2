-- +goose Up
-- Hash banks (family 'bank') and rule lists (family 'list') share one table:
-- they have the same policy, labels, roll-out, per-entry provenance and hit
-- counts, and the scan treats them alike.
CREATE TABLE filter_sets (
    id TEXT PRIMARY KEY,
    family TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    policy TEXT NOT NULL,
    labels TEXT NOT NULL DEFAULT '[]',
    language TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    enabled {{bool}} NOT NULL DEFAULT {{true}},
    rollout_fraction {{double}} NOT NULL DEFAULT 1,
    created_by_org TEXT NOT NULL,
    created_by_key TEXT NOT NULL DEFAULT '',
    created_at {{bigint}} NOT NULL,
    updated_at {{bigint}} NOT NULL
);
CREATE UNIQUE INDEX filter_sets_name ON filter_sets(family, name);
CREATE TABLE filter_entries (
    id TEXT PRIMARY KEY,
    set_id TEXT NOT NULL REFERENCES filter_sets(id),
    type TEXT NOT NULL,
    value TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    case_id TEXT NOT NULL DEFAULT '',
    added_by_org TEXT NOT NULL,
    added_by_key TEXT NOT NULL DEFAULT '',
    added_at {{bigint}} NOT NULL,
    removed_at {{bigint}},
    removed_by TEXT NOT NULL DEFAULT '',
    hits {{bigint}} NOT NULL DEFAULT 0,
    last_hit_at {{bigint}},
    quarantined_at {{bigint}},
    quarantine_reason TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX filter_entries_live ON filter_entries(set_id, type, value) WHERE removed_at IS NULL;
CREATE INDEX filter_entries_set ON filter_entries(set_id, id);
CREATE TABLE filter_state (
    id {{bigint}} PRIMARY KEY,
    generation {{bigint}} NOT NULL
);
INSERT INTO filter_state (id, generation) VALUES (1, 1);
CREATE TABLE scan_hits (
    id TEXT PRIMARY KEY,
    at {{bigint}} NOT NULL,
    post TEXT NOT NULL,
    channel TEXT NOT NULL,
    message_id TEXT NOT NULL,
    matcher TEXT NOT NULL,
    set_id TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    distance {{bigint}} NOT NULL DEFAULT 0,
    detail TEXT NOT NULL DEFAULT '',
    policy TEXT NOT NULL,
    outcome TEXT NOT NULL,
    notice_id TEXT NOT NULL DEFAULT '',
    action_id TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX scan_hits_once ON scan_hits(post, set_id, entry_id, matcher);
CREATE INDEX scan_hits_entry ON scan_hits(entry_id, at);
CREATE INDEX scan_hits_set ON scan_hits(set_id, at);
CREATE INDEX scan_hits_recent ON scan_hits(at);
CREATE TABLE automated_actions (
    id TEXT PRIMARY KEY,
    created_at {{bigint}} NOT NULL,
    set_id TEXT NOT NULL,
    post TEXT NOT NULL,
    url TEXT NOT NULL,
    action TEXT NOT NULL,
    state TEXT NOT NULL,
    notice_id TEXT NOT NULL DEFAULT '',
    case_id TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX automated_actions_once ON automated_actions(post, set_id);
CREATE TABLE breaker_counts (
    set_id TEXT NOT NULL,
    day TEXT NOT NULL,
    filed {{bigint}} NOT NULL,
    refused {{bigint}} NOT NULL DEFAULT 0,
    PRIMARY KEY (set_id, day)
);

-- +goose Down
DROP TABLE breaker_counts;
DROP TABLE automated_actions;
DROP TABLE scan_hits;
DROP TABLE filter_state;
DROP TABLE filter_entries;
DROP TABLE filter_sets;
