-- +goose Up
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    totp_secret TEXT NOT NULL DEFAULT '',
    totp_enabled {{bool}} NOT NULL DEFAULT {{false}},
    totp_last_step {{bigint}} NOT NULL DEFAULT 0,
    failed_logins {{bigint}} NOT NULL DEFAULT 0,
    locked_until {{bigint}} NOT NULL DEFAULT 0,
    language TEXT NOT NULL DEFAULT '',
    created_at {{bigint}} NOT NULL,
    disabled_at {{bigint}}
);
CREATE INDEX users_org ON users(org_id, id);
CREATE TABLE password_tokens (
    hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at {{bigint}} NOT NULL,
    expires_at {{bigint}} NOT NULL,
    used_at {{bigint}}
);
CREATE INDEX password_tokens_user ON password_tokens(user_id);
CREATE TABLE sessions (
    hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    stage TEXT NOT NULL,
    created_at {{bigint}} NOT NULL,
    last_seen {{bigint}} NOT NULL,
    expires_at {{bigint}} NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- +goose Down
DROP TABLE sessions;
DROP TABLE password_tokens;
DROP TABLE users;
