-- +goose Up
-- A case whose decision waits for a second reviewer is held: a state of its
-- own rather than a lease running out in the far future (1 << 52 ms). Its
-- holder stays (the proposing reviewer); its lease expiry is cleared. Held
-- cases are neither claimable nor swept back to the queue.
ALTER TABLE cases ADD COLUMN held {{bool}} NOT NULL DEFAULT {{false}};
UPDATE cases SET held = {{true}}, lease_expires_at = 0 WHERE lease_holder <> '' AND lease_expires_at >= 4503599627370496;
DROP INDEX cases_leased;
CREATE INDEX cases_leased ON cases(lease_expires_at) WHERE state = 'open' AND lease_holder <> '' AND NOT held;

-- +goose Down
DROP INDEX cases_leased;
CREATE INDEX cases_leased ON cases(lease_expires_at) WHERE state = 'open' AND lease_holder <> '';
UPDATE cases SET lease_expires_at = 4503599627370496 WHERE held;
ALTER TABLE cases DROP COLUMN held;
