package store

import (
	"context"
	"time"
)

// FeedOffer is a share offered to the subscriber of another share (an
// incident's set), with its token, read once on the other share's feed.
type FeedOffer struct {
	ShareID, OfferID, Name, Token string
	CreatedAt                     time.Time
}

// AddFeedOffer offers share offerID, with its token, to share shareID's subscriber.
func (t *Tx) AddFeedOffer(ctx context.Context, o FeedOffer) error {
	return t.run(ctx, "feed offer", `INSERT INTO feed_offers (share_id, offer_id, name, token, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (share_id, offer_id) DO NOTHING`, o.ShareID, o.OfferID, o.Name, o.Token, ms(o.CreatedAt))
}

// FeedOffers lists the live shares offered to share shareID's subscriber.
func (db *DB) FeedOffers(ctx context.Context, shareID string) ([]FeedOffer, error) {
	return queryAll(ctx, db, "feed offers", func(r rowScanner) (FeedOffer, error) {
		var o FeedOffer
		var at int64
		err := r.Scan(&o.ShareID, &o.OfferID, &o.Name, &o.Token, &at)
		o.CreatedAt = fromMS(at)
		return o, err
	}, `SELECT f.share_id, f.offer_id, f.name, f.token, f.created_at FROM feed_offers f JOIN feed_shares s ON s.id = f.offer_id
		WHERE f.share_id = ? AND s.revoked_at IS NULL ORDER BY f.offer_id LIMIT 50`, shareID)
}

// LiveFeedShares lists every live share, of every set.
func (db *DB) LiveFeedShares(ctx context.Context) ([]FeedShare, error) {
	return queryAll(ctx, db, "live feed shares", scanShare, `SELECT `+shareCols+` FROM feed_shares WHERE revoked_at IS NULL ORDER BY id`)
}

// SetAllFeedPriority puts every live share at a priority poll, or takes it off.
func (t *Tx) SetAllFeedPriority(ctx context.Context, on bool) error {
	return t.run(ctx, "feed priority", `UPDATE feed_shares SET priority = ? WHERE revoked_at IS NULL`, on)
}

// FeedSubscribed reports whether a subscription reads feedURL.
func (db *DB) FeedSubscribed(ctx context.Context, feedURL string) (bool, error) {
	return exists(ctx, db, "feed subscribed", `SELECT COUNT(*) FROM feed_subscriptions WHERE feed_url = ?`, feedURL)
}
