-- +goose Up
-- A subscription reads a sigap feed (format sigap) or a ThreatExchange
-- privacy group's /threat_updates (format threatexchange), whose size column
-- then holds the largest last_updated seen: the next poll's start_time.
ALTER TABLE feed_subscriptions ADD COLUMN format TEXT NOT NULL DEFAULT 'sigap';
-- A copy is made disabled and enabled once it first catches up (synced), so
-- a big first sync does not rebuild every scanner's matcher once a second.
ALTER TABLE feed_subscriptions ADD COLUMN synced BOOLEAN NOT NULL DEFAULT FALSE;
-- An incident's sets offered to a share's subscriber: the offered share and
-- its token, which the subscriber reads once on its existing feed and
-- subscribes to (see feed.Service.ShareIncident).
CREATE TABLE feed_offers (
    share_id TEXT NOT NULL,
    offer_id TEXT NOT NULL,
    name TEXT NOT NULL,
    token TEXT NOT NULL,
    created_at {{bigint}} NOT NULL,
    PRIMARY KEY (share_id, offer_id)
);

-- +goose Down
DROP TABLE feed_offers;
ALTER TABLE feed_subscriptions DROP COLUMN synced;
ALTER TABLE feed_subscriptions DROP COLUMN format;
