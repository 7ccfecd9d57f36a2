-- +goose Up
-- A subscription reads a sigap feed (format sigap) or a ThreatExchange
-- privacy group's /threat_updates (format threatexchange), whose size column
-- then holds the largest last_updated seen: the next poll's start_time.
ALTER TABLE feed_subscriptions ADD COLUMN format TEXT NOT NULL DEFAULT 'sigap';
-- A copy is made disabled and enabled once it first catches up (synced), so
-- a big first sync does not rebuild every scanner's matcher once a second.
ALTER TABLE feed_subscriptions ADD COLUMN synced BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE feed_subscriptions DROP COLUMN synced;
ALTER TABLE feed_subscriptions DROP COLUMN format;
