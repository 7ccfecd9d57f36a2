package feed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// SubscribeInput is a new subscription.
type SubscribeInput struct {
	FeedURL     string `json:"feed_url"`
	Token       string `json:"token"`
	Name        string `json:"name"`
	Policy      string `json:"policy"`
	PollSeconds int    `json:"poll_seconds"`
	// Format is what feed_url serves: FormatSigap (the default) or FormatThreatExchange.
	Format string `json:"format"`
}

// Subscription is a subscription as the API shows it (never its token).
type Subscription struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	FeedURL     string    `json:"feed_url"`
	Origin      string    `json:"origin"`
	Family      string    `json:"family"`
	Format      string    `json:"format"`
	BankID      string    `json:"bank_id,omitempty"`
	ListID      string    `json:"list_id,omitempty"`
	Policy      string    `json:"policy"`
	PollSeconds int       `json:"poll_seconds"`
	Status      Status    `json:"status"`
	CreatedAt   time.Time `json:"created_at"`
}

// Status is how current a subscription's local copy is.
type Status struct {
	// State is "ok", "syncing" (behind the source), "failing" (its last
	// poll failed) or "tampered" (the source rewrote what it fed: refused).
	State         string     `json:"state"`
	Events        int64      `json:"events"`
	SourceEvents  int64      `json:"source_events"`
	Lag           int64      `json:"lag"`
	LastSuccessAt *time.Time `json:"last_success_at,omitempty"`
	LastError     string     `json:"last_error,omitempty"`
	LastErrorAt   *time.Time `json:"last_error_at,omitempty"`
	Failures      int        `json:"failures"`
	Skipped       int64      `json:"skipped"`
	NextPollAt    time.Time  `json:"next_poll_at"`
	PriorityPoll  int        `json:"priority_poll_seconds,omitempty"`
}

func subView(s store.FeedSubscription) Subscription {
	v := Subscription{ID: s.ID, Name: s.Name, FeedURL: s.FeedURL, Origin: s.Origin, Family: s.Family, Format: s.Format, Policy: s.Policy,
		PollSeconds: s.PollSeconds, CreatedAt: s.CreatedAt,
		Status: Status{Events: s.Size, SourceEvents: s.SourceSize, Lag: max(0, s.SourceSize-s.Size), LastSuccessAt: clock.Ptr(s.LastSuccess),
			LastError: s.LastError, LastErrorAt: clock.Ptr(s.LastErrorAt), Failures: s.Failures, Skipped: s.Skipped,
			NextPollAt: s.NextPollAt, PriorityPoll: s.PriorityPoll}}
	if s.Family == store.FamilyBank {
		v.BankID = s.SetID
	} else {
		v.ListID = s.SetID
	}
	switch {
	case s.Failures > 0 && strings.Contains(s.LastError, ErrTampered.Error()):
		v.Status.State = "tampered"
	case s.Failures > 0:
		v.Status.State = "failing"
	case s.Size < s.SourceSize:
		v.Status.State = "syncing"
	default:
		v.Status.State = "ok"
	}
	return v
}

// fetchError is a feed read that failed; auth says the source refused the token.
type fetchError struct {
	status int
	msg    string
}

func (e *fetchError) Error() string { return e.msg }

// fetch reads one page of a feed after seq after.
func (s *Service) fetch(ctx context.Context, feedURL, token string, after int64, limit int) (Page, error) {
	u, err := url.Parse(feedURL)
	if err != nil {
		return Page{}, &fetchError{msg: "feed_url is not a URL"}
	}
	q := u.Query()
	q.Set("cursor", strconv.FormatInt(after, 10))
	q.Set("limit", strconv.Itoa(limit))
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Page{}, &fetchError{msg: "feed_url is not a URL"}
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := s.client.Do(req)
	if err != nil {
		return Page{}, &fetchError{msg: "the source cannot be reached: " + err.Error()}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var pb struct {
			Detail string `json:"detail"`
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		_ = json.Unmarshal(body, &pb)
		msg := fmt.Sprintf("the source answered %d", resp.StatusCode)
		if pb.Detail != "" {
			msg += ": " + clip(pb.Detail)
		}
		return Page{}, &fetchError{status: resp.StatusCode, msg: msg}
	}
	return ReadPage(resp.Body, after)
}

// Subscribe checks a feed (its token, its signature, that it is not this
// server's own) and makes a local set that a poller keeps a copy of it.
func (s *Service) Subscribe(ctx context.Context, c org.Caller, in SubscribeInput) (Subscription, error) {
	var v filterset.Validator
	in.FeedURL = strings.TrimSpace(in.FeedURL)
	if u, err := url.Parse(in.FeedURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || len(in.FeedURL) > 2000 {
		v.Add("feed_url", "invalid", "feed_url must be an absolute http:// or https:// URL, as the source's share gave it / feed_url harus URL http:// atau https:// lengkap")
	}
	if in.Token == "" || len(in.Token) > 500 || !utf8.ValidString(in.Token) || strings.ContainsAny(in.Token, " \r\n\t") {
		v.Add("token", "required", "token is the token the source's share gave / token adalah token dari share di sumber")
	}
	v.Text("name", &in.Name, filterset.MaxName, true)
	v.Policy("policy", in.Policy)
	switch {
	case in.PollSeconds == 0:
		in.PollSeconds = 60
	case in.PollSeconds < 1 || in.PollSeconds > 86400:
		v.Add("poll_seconds", "out_of_range", "poll_seconds is from 1 to 86400 (default 60) / poll_seconds dari 1 sampai 86400")
	}
	switch in.Format {
	case "":
		in.Format = FormatSigap
	case FormatSigap, FormatThreatExchange, FormatTCAP, FormatHashList:
	default:
		v.Add("format", "unknown_value", "format is sigap (the default), threatexchange, tcap or hashlist / format adalah sigap, threatexchange, tcap atau hashlist")
	}
	if err := v.Err(); err != nil {
		return Subscription{}, err
	}
	if s.cfg.CheckDestination != nil {
		if err := s.cfg.CheckDestination(ctx, in.FeedURL); err != nil {
			v.Add("feed_url", "private_destination", "feed_url is on a loopback, private or link-local address, which this server may not fetch "+
				"(serve --allow-private-webhooks allows it) / alamat feed_url privat: "+err.Error())
			return Subscription{}, v.Err()
		}
	}
	var p Page
	var err error
	if in.Format != FormatSigap {
		// ThreatExchange and the hash lists fill a hash bank; nothing signs them.
		err = s.checkUnsigned(ctx, in.Format, in.FeedURL, in.Token)
		u, _ := url.Parse(in.FeedURL)
		u.RawQuery = ""
		p = Page{Origin: u.String(), Family: store.FamilyBank, Set: SetInfo{Kind: "hash", Labels: []string{in.Format}}}
	} else {
		p, err = s.fetch(ctx, in.FeedURL, in.Token, 0, 1)
	}
	var fe *fetchError
	switch {
	case errors.As(err, &fe) && (fe.status == http.StatusUnauthorized || fe.status == http.StatusForbidden):
		v.Add("token", "feed_refused", "the source refused the token (wrong or revoked) / sumber menolak token: "+fe.msg)
	case err != nil:
		v.Add("feed_url", "feed_unreadable", "the feed cannot be read / feed tidak dapat dibaca: "+err.Error())
	case in.Format == FormatSigap && p.VerifierKey == s.key().VerifierKey:
		v.Add("feed_url", "self_subscription", "this is this server's own feed; a server does not subscribe to itself / ini feed server ini sendiri")
	case in.Format == FormatSigap:
		if _, err := p.Verify(p.VerifierKey, p.Origin, 0, zeroHead); err != nil {
			v.Add("feed_url", "feed_unverifiable", "the feed's checkpoint does not verify / checkpoint feed tidak valid: "+err.Error())
		}
	}
	if err := v.Err(); err != nil {
		return Subscription{}, err
	}
	fs := s.families[p.Family]
	set, err := fs.Create(ctx, c, filterset.CreateInput{Name: in.Name, Kind: p.Set.Kind, Policy: in.Policy, Labels: p.Set.Labels,
		Language: p.Set.Language, Description: clipRunes("Copy of "+p.Origin+" / salinan feed", filterset.MaxDescription)})
	if err != nil {
		return Subscription{}, err
	}
	now := clock.NowMilli(s.clock)
	sub := store.FeedSubscription{ID: id.New("sub", now), Format: in.Format, SetID: set.ID, Family: p.Family, Name: in.Name, FeedURL: in.FeedURL,
		Token: in.Token, Policy: in.Policy, PollSeconds: in.PollSeconds, Origin: p.Origin, VerifierKey: p.VerifierKey,
		Head: zeroHead, SourceSize: p.Size, NextPollAt: now, CreatedAt: now}
	// The copy waits disabled until it first catches up with the feed: a
	// matcher rebuilt once a second over a copy still growing to a million
	// entries would cost more than the sync (see apply).
	if err := s.db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SetFilterSetState(ctx, set.ID, false, set.RolloutFraction, set.Policy, now); err != nil {
			return err
		}
		return tx.CreateFeedSubscription(ctx, sub)
	}); err != nil {
		// The set made for it would be an orphan copy that nothing keeps current.
		_ = s.db.Write(ctx, func(tx *store.Tx) error {
			return tx.SetFilterSetState(ctx, set.ID, false, set.RolloutFraction, set.Policy, now)
		})
		return Subscription{}, err
	}
	s.Wake()
	return subView(sub), nil
}

func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// Subscriptions returns up to limit subscriptions after cursor, in ID order.
func (s *Service) Subscriptions(ctx context.Context, cursor string, limit int) ([]Subscription, error) {
	rows, err := s.db.FeedSubscriptions(ctx, cursor, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Subscription, len(rows))
	for i, r := range rows {
		out[i] = subView(r)
	}
	return out, nil
}

// Subscription returns one subscription with its status.
func (s *Service) Subscription(ctx context.Context, subID string) (Subscription, error) {
	r, err := s.db.FeedSubscription(ctx, subID)
	if err != nil {
		return Subscription{}, err
	}
	return subView(r), nil
}

// PollNow makes a subscription due at once (the portal's "poll now", and
// the crisis protocol's priority).
func (s *Service) PollNow(ctx context.Context, subID string) error {
	now := clock.NowMilli(s.clock)
	if err := s.db.Write(ctx, func(tx *store.Tx) error { return tx.PollFeedNow(ctx, subID, now) }); err != nil {
		return err
	}
	s.Wake()
	return nil
}

// Unsubscribe stops keeping a copy: the subscription goes, and its local set
// stays for the record but is disabled, since nothing keeps it current.
func (s *Service) Unsubscribe(ctx context.Context, subID string) error {
	r, err := s.db.FeedSubscription(ctx, subID)
	if err != nil {
		return err
	}
	set, err := s.db.FilterSet(ctx, r.SetID)
	if err != nil {
		return err
	}
	now := clock.NowMilli(s.clock)
	if err := s.db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteFeedSubscription(ctx, subID); err != nil {
			return err
		}
		return tx.SetFilterSetState(ctx, set.ID, false, set.RolloutFraction, set.Policy, now)
	}); err != nil {
		return err
	}
	s.changed(r.Family)
	return nil
}

// Guard refuses a change by hand to a set that is a subscription's copy: it
// changes only as its source's feed does.
func (s *Service) Guard(ctx context.Context, setID string) error {
	sub, err := s.db.SubscribedSet(ctx, setID)
	if err != nil {
		return err
	}
	if sub {
		var v filterset.Validator
		v.Add("id", "subscribed_set", "this set is a copy of another server's feed and changes only as the feed does; "+
			"withdraw an entry at its source, or unsubscribe / set ini salinan feed server lain dan hanya berubah mengikuti feed")
		return v.Err()
	}
	return nil
}

func (s *Service) changed(family string) {
	if fs := s.families[family]; fs != nil && fs.OnChange != nil {
		fs.OnChange()
	}
}
