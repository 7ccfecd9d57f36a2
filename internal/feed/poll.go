package feed

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/store"
)

// LeaseName is the lease held by the one replica that polls subscriptions.
const LeaseName = "feeds"

// maxPagesPerPoll bounds the pages one poll of one subscription reads before
// the poller turns to the others (100 pages of 10,000: a million events).
const maxPagesPerPoll = 100

// applyEvents is how many verified events a poll gathers before it writes
// them in one transaction.
const applyEvents = 50000

// Wake makes the poller look for due subscriptions now.
func (s *Service) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run polls the due subscriptions until ctx ends, on the replica that holds
// the feeds lease (it takes and renews it here).
func (s *Service) Run(ctx context.Context) {
	done := make(chan struct{})
	if s.Lease != nil {
		s.Lease.OnAcquire = s.Wake
		go func() { defer close(done); s.Lease.Run(ctx) }()
	} else {
		close(done)
	}
	defer func() { <-done }()
	// A quarter second between looks keeps a one-second poll_seconds honest.
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for ctx.Err() == nil {
		if s.Lease == nil || s.Lease.Held() {
			if _, err := s.PollDue(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("feeds: polling failed; retrying", "err", err)
			}
		}
		select {
		case <-ctx.Done():
		case <-tick.C:
		case <-s.wake:
		}
	}
}

// PollDue polls every subscription due now once and returns how many it polled.
func (s *Service) PollDue(ctx context.Context) (int, error) {
	due, err := s.db.DueFeedSubscriptions(ctx, clock.NowMilli(s.clock), 50)
	if err != nil {
		return 0, err
	}
	for _, sub := range due {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		s.poll(ctx, sub)
	}
	return len(due), nil
}

// interval is how long a subscription waits between polls that succeed.
func interval(sub store.FeedSubscription) time.Duration {
	sec := sub.PollSeconds
	if sub.PriorityPoll > 0 && sub.PriorityPoll < sec {
		sec = sub.PriorityPoll
	}
	return time.Duration(max(sec, 1)) * time.Second
}

// backoff is how long a subscription waits after failures polls in a row
// failed: its interval doubled per failure, at most MaxBackoff.
func (s *Service) backoff(sub store.FeedSubscription) time.Duration {
	d := interval(sub)
	for i := 1; i < sub.Failures && d < s.cfg.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, s.cfg.MaxBackoff)
}

// poll reads a subscription's feed from where it stopped, verifying and
// applying page by page; a failure is recorded on the subscription.
func (s *Service) poll(ctx context.Context, sub store.FeedSubscription) {
	switch sub.Format {
	case FormatThreatExchange:
		s.pollThreatExchange(ctx, sub)
		return
	case FormatTCAP:
		s.pollTCAP(ctx, sub)
		return
	case FormatHashList:
		s.pollHashList(ctx, sub)
		return
	}
	// Verified pages are applied applyEvents at a time: one transaction per
	// page made a new subscriber's copy of a large feed commit its indexes'
	// pages once per 10,000 entries, the bulk of its sync's CPU.
	var pending []Event
	var last Page
	size, head := sub.Size, sub.Head
	for pages := 1; pages <= maxPagesPerPoll; pages++ {
		p, err := s.fetch(ctx, sub.FeedURL, sub.Token, size, s.cfg.PageSize)
		var next string
		if err == nil {
			next, err = p.Verify(sub.VerifierKey, sub.Origin, size, head)
		}
		if err != nil {
			// What was verified before the failure is kept.
			if len(pending) > 0 {
				var ok bool
				if sub, ok = s.applyPages(ctx, sub, pending, last, head); !ok {
					return
				}
			}
			if ctx.Err() == nil {
				s.fail(ctx, sub, err)
			}
			return
		}
		pending, last, head = append(pending, p.Events...), p, next
		size += int64(len(p.Events))
		end := p.NextCursor == ""
		if !end && len(pending) < applyEvents && pages < maxPagesPerPoll {
			continue
		}
		var ok bool
		if sub, ok = s.applyPages(ctx, sub, pending, last, head); !ok {
			return
		}
		pending = pending[:0]
		if end {
			if len(p.Offers) > 0 {
				s.takeOffers(ctx, sub, p.Offers)
			}
			return
		}
	}
}

// applyPages applies verified pages' events ending with last, whose chain
// head is head, and reports whether it did; a failure is recorded.
func (s *Service) applyPages(ctx context.Context, sub store.FeedSubscription, evs []Event, last Page, head string) (store.FeedSubscription, bool) {
	next, err := s.apply(ctx, sub, evs, false, func(sub *store.FeedSubscription) bool {
		sub.Size += int64(len(evs))
		sub.Head, sub.SourceSize, sub.PriorityPoll = head, last.Size, last.PollSeconds
		return sub.Size >= last.Size
	})
	if err != nil {
		if ctx.Err() == nil && !errors.Is(err, store.ErrNotLeader) {
			s.fail(ctx, sub, err)
		}
		return sub, false
	}
	return next, true
}

// fail records a failed poll and backs the subscription off.
func (s *Service) fail(ctx context.Context, sub store.FeedSubscription, cause error) {
	now := clock.NowMilli(s.clock)
	from := sub.Size
	sub.Failures++
	sub.LastError, sub.LastErrorAt = clipRunes(cause.Error(), 1000), now
	sub.NextPollAt = now.Add(s.backoff(sub))
	s.log.Warn("feeds: poll failed", "subscription", sub.ID, "failures", sub.Failures, "next_poll_at", sub.NextPollAt, "err", cause)
	if err := s.db.Write(ctx, func(tx *store.Tx) error {
		if s.Lease != nil {
			if err := s.Lease.Check(ctx, tx); err != nil {
				return err
			}
		}
		return tx.SaveFeedProgress(ctx, sub, from)
	}); err != nil && !errors.Is(err, store.ErrNotLeader) {
		s.log.Warn("feeds: recording a failed poll failed", "subscription", sub.ID, "err", err)
	}
}

// provenance returns what a copied entry's source says: where it came from
// at the source, through which subscription and from which host. The
// subscription's part is made once per page, not once per entry.
func provenance(sub store.FeedSubscription) func(Event) string {
	host := sub.FeedURL
	if u, err := url.Parse(sub.FeedURL); err == nil {
		host = u.Host
	}
	via := fmt.Sprintf("feed %q from %s", sub.Name, host)
	return func(e Event) string {
		if e.Source == "" {
			return clipRunes(via, filterset.MaxSource)
		}
		return clipRunes(e.Source+"; "+via, filterset.MaxSource)
	}
}

// apply writes a verified page of events to the local copy in one
// transaction: its runs of adds and removes in feed order, and the
// subscription's progress as progress sets it, so the copy is always the
// source's feed up to one checkpoint. With upserts (ThreatExchange), an add
// of a source entry whose copy is live changes nothing. progress reports
// whether the page reached the feed's end: the first time, the copy is
// enabled.
func (s *Service) apply(ctx context.Context, sub store.FeedSubscription, evs []Event, upserts bool, progress func(*store.FeedSubscription) bool) (store.FeedSubscription, error) {
	fs := s.families[sub.Family]
	set, err := s.db.FilterSet(ctx, sub.SetID)
	if err != nil {
		return sub, err
	}
	now := clock.NowMilli(s.clock)
	from, skipped, lastSkip := sub.Size, int64(0), ""
	changed, prov := false, provenance(sub)
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		if s.Lease != nil {
			if err := s.Lease.Check(ctx, tx); err != nil {
				return err
			}
		}
		var rows []store.FilterEntry
		var srcIDs, localIDs, removes []string
		live := map[string]bool{}
		if upserts {
			var ids []string
			for _, e := range evs {
				ids = append(ids, e.ID)
			}
			var err error
			if live, err = tx.LiveFeedEntries(ctx, sub.ID, ids); err != nil {
				return err
			}
		}
		flush := func() error {
			if len(rows) > 0 {
				n, err := tx.AddFilterEntries(ctx, rows)
				if err != nil {
					return err
				}
				if err := tx.MapFeedEntries(ctx, sub.ID, srcIDs, localIDs); err != nil {
					return err
				}
				// Entries that arrive by feed are looked for in the posts made
				// before them, like those added by hand (package retro).
				if fs.OnEntries != nil && n > 0 {
					if err := fs.OnEntries(ctx, tx, sub.SetID, localIDs); err != nil {
						return err
					}
				}
				changed = changed || n > 0
				rows, srcIDs, localIDs = rows[:0], srcIDs[:0], localIDs[:0]
			}
			if len(removes) > 0 {
				n, err := tx.RemoveFeedEntries(ctx, sub.ID, sub.SetID, removes, "feed:"+sub.ID, now)
				if err != nil {
					return err
				}
				changed = changed || n > 0
				removes = removes[:0]
			}
			return nil
		}
		for _, e := range evs {
			if e.Op == OpRemove {
				delete(live, e.ID)
				if len(rows) > 0 {
					if err := flush(); err != nil {
						return err
					}
				}
				removes = append(removes, e.ID)
				continue
			}
			if len(removes) > 0 {
				if err := flush(); err != nil {
					return err
				}
			}
			if live[e.ID] {
				continue
			}
			live[e.ID] = true
			var v filterset.Validator
			it := filterset.Item{Type: e.Type, Value: e.Value}
			key := fs.Kind.CheckEntry(&v, set, "", &it)
			if len(v.Fields) > 0 {
				skipped++
				lastSkip = fmt.Sprintf("skipped event %d (entry %s): %s", e.Seq, clip(e.ID), v.Fields[0].Message)
				continue
			}
			local := id.New("ent", now)
			rows = append(rows, store.FilterEntry{ID: local, SetID: sub.SetID, Type: it.Type, Value: it.Value, MatchKey: key,
				Source: prov(e), AddedByOrg: "feed:" + sub.ID, AddedAt: now})
			srcIDs, localIDs = append(srcIDs, e.ID), append(localIDs, local)
		}
		if err := flush(); err != nil {
			return err
		}
		if progress(&sub) && !sub.Synced {
			sub.Synced, changed = true, true
			if err := tx.SetFilterSetState(ctx, set.ID, true, set.RolloutFraction, set.Policy, now); err != nil {
				return err
			}
		}
		sub.Failures, sub.LastSuccess, sub.LastError = 0, now, ""
		sub.LastErrorAt = time.Time{}
		if skipped > 0 {
			sub.Skipped += skipped
			sub.LastError, sub.LastErrorAt = clipRunes(lastSkip, 1000), now
		}
		sub.NextPollAt = now.Add(interval(sub))
		return tx.SaveFeedProgress(ctx, sub, from)
	})
	if err != nil {
		return sub, fmt.Errorf("feed: apply page of %s: %w", sub.ID, err)
	}
	if changed {
		s.changed(sub.Family)
	}
	return sub, nil
}
