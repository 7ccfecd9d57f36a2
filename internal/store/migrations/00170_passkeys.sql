-- +goose Up
-- Passkeys (WebAuthn credentials) as a second factor. The credential is the
-- WebAuthn library's record as JSON; sign_count beside it is what a login
-- compares a new assertion's counter with. Ceremony state (the challenge) is
-- kept here rather than in memory so that any replica can finish a ceremony
-- another began; it is keyed by the portal session's hash and used once.
CREATE TABLE passkeys (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    credential TEXT NOT NULL,
    sign_count {{bigint}} NOT NULL DEFAULT 0,
    created_at {{bigint}} NOT NULL,
    last_used_at {{bigint}}
);
CREATE INDEX passkeys_user ON passkeys(user_id, created_at);
CREATE TABLE webauthn_ceremonies (
    session_hash TEXT NOT NULL,
    kind TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    data TEXT NOT NULL,
    expires_at {{bigint}} NOT NULL,
    PRIMARY KEY (session_hash, kind)
);
-- An org's second-factor policy; an org without a row has the default
-- (TOTP or a passkey).
CREATE TABLE org_auth_policies (
    org_id TEXT PRIMARY KEY REFERENCES orgs(id),
    second_factor TEXT NOT NULL,
    updated_at {{bigint}} NOT NULL
);

-- +goose Down
DROP TABLE org_auth_policies;
DROP TABLE webauthn_ceremonies;
DROP TABLE passkeys;
