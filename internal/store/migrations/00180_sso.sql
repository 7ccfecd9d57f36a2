-- +goose Up
-- Single sign-on through the platform's OpenID Connect provider. One row of
-- settings (id 1). client_secret_sealed is sensitive: the client secret,
-- sealed with AES-256-GCM under sso-secret.key in the data dir, never stored
-- or returned in the clear.
CREATE TABLE sso_config (
    id {{bigint}} PRIMARY KEY CHECK (id = 1),
    issuer TEXT NOT NULL,
    client_id TEXT NOT NULL,
    client_secret_sealed TEXT NOT NULL,
    role_claim TEXT NOT NULL,
    role_map TEXT NOT NULL,
    email_domain TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    scopes TEXT NOT NULL DEFAULT '[]',
    updated_at {{bigint}} NOT NULL
);
-- A sign-in on its way through the provider: the state's hash, its nonce and
-- PKCE verifier, used once and gone within minutes.
CREATE TABLE sso_logins (
    state_hash TEXT PRIMARY KEY,
    nonce TEXT NOT NULL,
    verifier TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    created_at {{bigint}} NOT NULL,
    expires_at {{bigint}} NOT NULL
);
-- Which provider account is which user: the issuer's subject stays the same
-- when the person's e-mail address changes.
CREATE TABLE sso_identities (
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at {{bigint}} NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX sso_identities_user ON sso_identities(user_id);

-- +goose Down
DROP TABLE sso_identities;
DROP TABLE sso_logins;
DROP TABLE sso_config;
