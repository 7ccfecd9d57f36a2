-- +goose Up
-- The Ed25519 keys an organisation signs its requests with (RFC 9421), each
-- named by a keyid the organisation chose, unique within it; a revoked key
-- stays, so that receipts naming it can still be checked.
CREATE TABLE signing_keys (
    org_id TEXT NOT NULL REFERENCES orgs(id),
    keyid TEXT NOT NULL,
    alg TEXT NOT NULL,
    public_key TEXT NOT NULL,
    created_at {{bigint}} NOT NULL,
    revoked_at {{bigint}},
    PRIMARY KEY (org_id, keyid)
);
-- Set when every request from the organisation's keys must be signed.
ALTER TABLE orgs ADD COLUMN require_signatures {{bool}} NOT NULL DEFAULT {{false}};

-- +goose Down
ALTER TABLE orgs DROP COLUMN require_signatures;
DROP TABLE signing_keys;
