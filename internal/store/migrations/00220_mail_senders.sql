-- +goose Up
-- Who may send notices by e-mail for an organisation: an address and the DKIM
-- key (domain, selector, public key) its mail must be signed with. The
-- registered key stands in for the DNS TXT record. A removed sender stays, so
-- that what it sent can still be traced to it.
CREATE TABLE mail_senders (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    address TEXT NOT NULL,
    dkim_domain TEXT NOT NULL,
    dkim_selector TEXT NOT NULL,
    dkim_public_key TEXT NOT NULL,
    created_at {{bigint}} NOT NULL,
    removed_at {{bigint}}
);
-- An address sends for one organisation at a time.
CREATE UNIQUE INDEX mail_senders_live_address ON mail_senders (address) WHERE removed_at IS NULL;
CREATE INDEX mail_senders_org ON mail_senders (org_id, created_at);

-- +goose Down
DROP TABLE mail_senders;
