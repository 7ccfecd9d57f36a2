package feed

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// ShareIncident shares an incident's sets (the crisis protocol: GIFCT's
// Content Incident Protocol) with every subscriber at once: each live share's
// subscriber is offered a new share of each set, named after the incident,
// on the feed it already reads, and every live share is put at a priority
// poll, so subscribers read (and subscribe to the offers) within a second.
// Sets that are "" or a subscription's copy are left out.
func (s *Service) ShareIncident(ctx context.Context, name string, setIDs ...string) error {
	shares, err := s.db.LiveFeedShares(ctx)
	if err != nil {
		return err
	}
	var sets []string
	for _, id := range setIDs {
		if id == "" {
			continue
		}
		if sub, err := s.db.SubscribedSet(ctx, id); err != nil {
			return err
		} else if !sub {
			sets = append(sets, id)
		}
	}
	now := clock.NowMilli(s.clock)
	return s.db.Write(ctx, func(tx *store.Tx) error {
		for _, sh := range shares {
			for _, setID := range sets {
				if sh.SetID == setID {
					continue
				}
				offered, tok := newShare(setID, clipRunes(sh.Name+" — "+name, 200), true, now)
				if err := createShareTx(ctx, tx, offered); err != nil {
					return err
				}
				if err := tx.AddFeedOffer(ctx, store.FeedOffer{ShareID: sh.ID, OfferID: offered.ID, Name: clipRunes(name, 200), Token: tok, CreatedAt: now}); err != nil {
					return err
				}
			}
		}
		return tx.SetAllFeedPriority(ctx, true)
	})
}

// EndIncident takes every live share off the priority poll when an incident
// closes; the subscriptions made from its offers stay.
func (s *Service) EndIncident(ctx context.Context) error {
	return s.db.Write(ctx, func(tx *store.Tx) error { return tx.SetAllFeedPriority(ctx, false) })
}

// takeOffers subscribes to the feeds a source offers on sub's feed that no
// subscription reads yet, with sub's policy and interval; one that fails is
// logged and offered again at the next poll.
func (s *Service) takeOffers(ctx context.Context, sub store.FeedSubscription, offers []Offer) {
	base, err := url.Parse(sub.FeedURL)
	if err != nil {
		return
	}
	for _, o := range offers {
		ref, err := url.Parse(o.Path)
		if err != nil {
			continue
		}
		feedURL := base.ResolveReference(ref).String()
		if done, err := s.db.FeedSubscribed(ctx, feedURL); err != nil || done {
			continue
		}
		caller := org.Caller{OrgID: "feed:" + sub.ID}
		in := SubscribeInput{FeedURL: feedURL, Token: o.Token, Name: clipRunes(o.Name+" ("+sub.Name+")", 200), Policy: sub.Policy, PollSeconds: sub.PollSeconds}
		got, err := s.Subscribe(ctx, caller, in)
		if errors.Is(err, store.ErrConflict) {
			in.Name = clipRunes(fmt.Sprintf("%s (%s, %s)", o.Name, sub.Name, sub.ID), 200)
			got, err = s.Subscribe(ctx, caller, in)
		}
		if err != nil {
			s.log.Warn("feeds: an offered feed could not be subscribed to; offered again at the next poll", "subscription", sub.ID, "offer", feedURL, "err", err)
			continue
		}
		s.log.Info("feeds: subscribed to an offered feed", "subscription", got.ID, "from", sub.ID, "name", got.Name)
	}
}
