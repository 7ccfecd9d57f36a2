package feed

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/bank"
	"github.com/sigap/sigap/internal/store"
)

// Formats of the feeds a subscription reads.
const (
	// FormatSigap is another sigap server's signed feed.
	FormatSigap = "sigap"
	// FormatThreatExchange is a ThreatExchange privacy group's
	// /threat_updates (the Graph API's shape): feed_url is
	// https://graph.facebook.com/vNN.0/<privacy group id>/threat_updates and
	// token its access_token. It is not signed: what it says is taken as said.
	FormatThreatExchange = "threatexchange"
)

// teTypes maps ThreatExchange indicator types to the bank's entry types;
// others (URLs, domains, video hashes of other kinds) are skipped and counted.
var teTypes = map[string]string{"HASH_PDQ": bank.TypePDQ, "HASH_MD5": bank.TypeMD5, "HASH_SHA256": bank.TypeSHA256}

// teUpdate is one /threat_updates entry, as the Graph API documents it.
type teUpdate struct {
	ID           string   `json:"id"`
	Indicator    string   `json:"indicator"`
	Type         string   `json:"type"`
	LastUpdated  int64    `json:"last_updated"`
	ShouldDelete bool     `json:"should_delete"`
	Tags         []string `json:"tags"`
}

// tePage is one page of /threat_updates.
type tePage struct {
	Data   []teUpdate `json:"data"`
	Paging struct {
		Next string `json:"next"`
	} `json:"paging"`
	Error *struct {
		Message string `json:"message"`
		Code    int    `json:"code"`
	} `json:"error"`
}

// teFields are the fields a poll asks /threat_updates for.
const teFields = "id,indicator,type,last_updated,should_delete,tags"

// teURL is the first page's address: updates since startTime (inclusive).
func teURL(feedURL, token string, startTime int64, limit int) (string, error) {
	u, err := url.Parse(feedURL)
	if err != nil {
		return "", &fetchError{msg: "feed_url is not a URL"}
	}
	q := u.Query()
	q.Set("access_token", token)
	q.Set("start_time", strconv.FormatInt(startTime, 10))
	q.Set("fields", teFields)
	q.Set("limit", strconv.Itoa(limit))
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// fetchTE reads one page of /threat_updates at next, which must stay on the
// feed's host (paging.next comes from the source).
func (s *Service) fetchTE(ctx context.Context, feedURL, next string) (tePage, error) {
	base, _ := url.Parse(feedURL)
	u, err := url.Parse(next)
	if err != nil || base == nil || u.Host != base.Host || u.Scheme != base.Scheme {
		return tePage{}, fmt.Errorf("%w: paging.next leaves the feed's host", ErrMalformed)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, next, nil)
	if err != nil {
		return tePage{}, &fetchError{msg: "feed_url is not a URL"}
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return tePage{}, unreachable(err)
	}
	defer resp.Body.Close()
	var p tePage
	if err := json.NewDecoder(io.LimitReader(resp.Body, MaxPageBytes)).Decode(&p); err != nil && resp.StatusCode == http.StatusOK {
		return tePage{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if resp.StatusCode != http.StatusOK || p.Error != nil {
		msg := fmt.Sprintf("the source answered %d", resp.StatusCode)
		if p.Error != nil {
			msg += ": " + clip(p.Error.Message)
		}
		status := resp.StatusCode
		if p.Error != nil && p.Error.Code == 190 { // the Graph API's "invalid OAuth access token"
			status = http.StatusUnauthorized
		}
		return tePage{}, &fetchError{status: status, msg: msg}
	}
	return p, nil
}

// teEvents turns updates into feed events: a deletion removes, anything else
// adds (an update of an indicator already copied changes nothing).
func teEvents(p tePage) []Event {
	evs := make([]Event, 0, len(p.Data))
	for _, u := range p.Data {
		e := Event{Op: OpAdd, ID: clip(u.ID), Type: teTypes[u.Type], Value: u.Indicator, At: time.Unix(u.LastUpdated, 0).UTC(),
			Source: clipRunes("ThreatExchange "+u.Type+" "+strings.Join(u.Tags, ","), 200)}
		if e.Type == "" {
			e.Type = "threatexchange:" + clip(u.Type)
		}
		if u.ShouldDelete {
			e.Op = OpRemove
		}
		evs = append(evs, e)
	}
	return evs
}

// pollThreatExchange reads /threat_updates from the subscription's
// checkpoint (the largest last_updated seen), page by page.
func (s *Service) pollThreatExchange(ctx context.Context, sub store.FeedSubscription) {
	next, err := teURL(sub.FeedURL, sub.Token, sub.Size, 1000)
	for range maxPagesPerPoll {
		var p tePage
		if err == nil {
			p, err = s.fetchTE(ctx, sub.FeedURL, next)
		}
		if err != nil {
			if ctx.Err() == nil {
				s.fail(ctx, sub, err)
			}
			return
		}
		last := sub.Size
		for _, u := range p.Data {
			last = max(last, u.LastUpdated)
		}
		sub, err = s.apply(ctx, sub, teEvents(p), true, func(sub *store.FeedSubscription) bool {
			sub.Size, sub.SourceSize = last, last
			return p.Paging.Next == "" || len(p.Data) == 0
		})
		if err != nil || p.Paging.Next == "" || len(p.Data) == 0 {
			if err != nil && ctx.Err() == nil {
				s.fail(ctx, sub, err)
			}
			return
		}
		next = p.Paging.Next
	}
}

// checkThreatExchange reads the first page of a ThreatExchange feed to check
// its token before a subscription is made.
func (s *Service) checkThreatExchange(ctx context.Context, feedURL, token string) error {
	u, err := teURL(feedURL, token, 0, 1)
	if err != nil {
		return err
	}
	_, err = s.fetchTE(ctx, feedURL, u)
	return err
}
