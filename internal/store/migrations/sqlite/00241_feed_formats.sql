-- +goose Up
-- A subscription reads a sigap feed (format sigap) or a ThreatExchange
-- privacy group's /threat_updates (format threatexchange), whose size column
-- then holds the largest last_updated seen: the next poll's start_time.
ALTER TABLE feed_subscriptions ADD COLUMN format TEXT NOT NULL DEFAULT 'sigap';

-- +goose Down
ALTER TABLE feed_subscriptions DROP COLUMN format;
