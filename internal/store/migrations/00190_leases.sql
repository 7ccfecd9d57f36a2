-- +goose Up
-- Work that must happen once across replicas (signing the log, firing
-- escalation timers) is held by a lease: one row per kind of work, held by one
-- process until expires_at (milliseconds); a takeover bumps epoch, and the
-- holder's writes check holder and epoch in their own transaction, so a holder
-- that lost its lease (paused, partitioned) cannot write after the takeover.
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL DEFAULT '',
    epoch {{bigint}} NOT NULL DEFAULT 0,
    expires_at {{bigint}} NOT NULL DEFAULT 0
);
-- The service's own secret keys (receipt signing, log note key, DSA puid key),
-- so every replica signs with the same ones: sealed (AES-GCM under the
-- operator's wrap key) or, where no wrap key is set, plain.
CREATE TABLE service_keys (
    name TEXT PRIMARY KEY,
    sealed BOOLEAN NOT NULL,
    value {{blob}} NOT NULL,
    created_at {{bigint}} NOT NULL
);

-- +goose Down
DROP TABLE service_keys;
DROP TABLE leases;
