-- +goose Up
-- A shared bank or list is read by subscribers as a feed: the set's entries
-- and removals in order (feed_events), each event's hash chained onto the one
-- before (head, hex), so a signed checkpoint of (size, head) commits the
-- source to everything it ever fed. feed_logs holds each shared set's size,
-- head, the filter generation it last caught up with and when (caught_at).
CREATE TABLE feed_logs (
    set_id TEXT PRIMARY KEY,
    size {{bigint}} NOT NULL DEFAULT 0,
    head TEXT NOT NULL,
    started_at {{bigint}} NOT NULL,
    generation {{bigint}} NOT NULL DEFAULT -1,
    caught_at {{bigint}} NOT NULL DEFAULT 0
);
-- A catch-up reads only the entries removed since the last one.
CREATE INDEX filter_entries_removed ON filter_entries (set_id, removed_at) WHERE removed_at IS NOT NULL;
CREATE TABLE feed_events (
    set_id TEXT NOT NULL,
    seq {{bigint}} NOT NULL,
    op TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    type TEXT NOT NULL,
    value TEXT NOT NULL,
    source TEXT NOT NULL,
    at {{bigint}} NOT NULL,
    head TEXT NOT NULL,
    removed BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (set_id, seq)
);
CREATE UNIQUE INDEX feed_events_entry ON feed_events (set_id, entry_id, op);
-- A share is one subscriber's access to a set's feed: its token is kept
-- hashed, and a revoked share reads nothing.
CREATE TABLE feed_shares (
    id TEXT PRIMARY KEY,
    set_id TEXT NOT NULL,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    priority BOOLEAN NOT NULL DEFAULT FALSE,
    created_at {{bigint}} NOT NULL,
    revoked_at {{bigint}},
    last_read_at {{bigint}},
    last_read_size {{bigint}} NOT NULL DEFAULT 0
);
CREATE INDEX feed_shares_set ON feed_shares (set_id);
-- Feedback a subscriber sent on one of the set's entries, counted per verdict.
CREATE TABLE feed_feedback (
    share_id TEXT NOT NULL,
    set_id TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    verdict TEXT NOT NULL,
    count {{bigint}} NOT NULL,
    first_at {{bigint}} NOT NULL,
    last_at {{bigint}} NOT NULL,
    PRIMARY KEY (share_id, entry_id, verdict)
);
CREATE INDEX feed_feedback_entry ON feed_feedback (set_id, entry_id);
-- A subscription keeps a local set (set_id) a copy of another server's feed:
-- size and head are how far it verified the chain, next_poll_at when it reads
-- again, failures how many reads in a row failed (the backoff).
CREATE TABLE feed_subscriptions (
    id TEXT PRIMARY KEY,
    set_id TEXT NOT NULL,
    family TEXT NOT NULL,
    name TEXT NOT NULL,
    feed_url TEXT NOT NULL,
    token TEXT NOT NULL,
    policy TEXT NOT NULL,
    poll_seconds {{bigint}} NOT NULL,
    origin TEXT NOT NULL,
    verifier_key TEXT NOT NULL,
    size {{bigint}} NOT NULL DEFAULT 0,
    head TEXT NOT NULL,
    source_size {{bigint}} NOT NULL DEFAULT 0,
    priority_poll {{bigint}} NOT NULL DEFAULT 0,
    failures {{bigint}} NOT NULL DEFAULT 0,
    next_poll_at {{bigint}} NOT NULL,
    last_success_at {{bigint}},
    last_error TEXT NOT NULL DEFAULT '',
    last_error_at {{bigint}},
    skipped {{bigint}} NOT NULL DEFAULT 0,
    created_at {{bigint}} NOT NULL
);
CREATE INDEX feed_subscriptions_due ON feed_subscriptions (next_poll_at);
-- Which local entry each source entry became, for removals and feedback.
CREATE TABLE feed_sub_entries (
    subscription_id TEXT NOT NULL,
    source_entry_id TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    PRIMARY KEY (subscription_id, source_entry_id)
);
CREATE INDEX feed_sub_entries_local ON feed_sub_entries (entry_id);

-- +goose Down
DROP TABLE feed_sub_entries;
DROP TABLE feed_subscriptions;
DROP TABLE feed_feedback;
DROP TABLE feed_shares;
DROP TABLE feed_events;
DROP TABLE feed_logs;
DROP INDEX filter_entries_removed;
