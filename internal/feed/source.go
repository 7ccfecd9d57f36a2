package feed

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/jobs"
	"github.com/sigap/sigap/internal/lease"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/translog"
)

// Service shares this server's sets as feeds and keeps its subscriptions to
// other servers' feeds current.
type Service struct {
	db    *store.DB
	clock clock.Clock
	log   *slog.Logger
	cfg   Config
	// families are the bank and list services, by store family.
	families map[string]*filterset.Service
	key      func() translog.Key
	jobs     *jobs.Queue
	client   *http.Client
	// Lease is held by the one replica that polls subscriptions.
	Lease *lease.Keeper

	catchUp sync.Mutex
	wake    chan struct{}
}

// Config tunes a Service.
type Config struct {
	// CheckDestination refuses a feed URL the webhook destination rule
	// forbids (loopback, private and link-local addresses unless allowed).
	CheckDestination func(ctx context.Context, rawURL string) error
	// Client fetches feeds and sends feedback; it enforces the rule at dial time.
	Client *http.Client
	// PageSize is how many events a poll asks for at once (default 10,000).
	PageSize int
	// MaxBackoff bounds the wait after failed polls (default one hour).
	MaxBackoff time.Duration
}

// New returns the feed service over banks and lists; key is the server's
// current log key, which signs its feeds' checkpoints.
func New(db *store.DB, clk clock.Clock, log *slog.Logger, banks, lists *filterset.Service, key func() translog.Key, q *jobs.Queue, cfg Config) *Service {
	if cfg.PageSize <= 0 {
		cfg.PageSize = 10000
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = time.Hour
	}
	if cfg.Client == nil {
		cfg.Client = http.DefaultClient
	}
	s := &Service{db: db, clock: clk, log: log, cfg: cfg, key: key, jobs: q, client: cfg.Client,
		families: map[string]*filterset.Service{store.FamilyBank: banks, store.FamilyList: lists}, wake: make(chan struct{}, 1)}
	q.Handle(feedbackJob, s.sendFeedback, nil)
	return s
}

// ErrBadToken is returned for a feed read with a wrong token; ErrRevoked for
// one whose share was revoked.
var (
	ErrBadToken = errors.New("feed: wrong token for this feed")
	ErrRevoked  = errors.New("feed: this share was revoked")
	ErrCursor   = errors.New("feed: cursor beyond the feed")
)

// Share is a share as the API shows it; Token is shown once, at creation.
type Share struct {
	ID           string     `json:"id"`
	SetID        string     `json:"set_id"`
	Name         string     `json:"name"`
	FeedURL      string     `json:"feed_url"`
	Token        string     `json:"token,omitempty"`
	Priority     bool       `json:"priority"`
	CreatedAt    time.Time  `json:"created_at"`
	RevokedAt    *time.Time `json:"revoked_at,omitempty"`
	LastReadAt   *time.Time `json:"last_read_at,omitempty"`
	LastReadSize int64      `json:"last_read_size"`
}

func shareView(s store.FeedShare, base string) Share {
	return Share{ID: s.ID, SetID: s.SetID, Name: s.Name, FeedURL: base + "/v1/feeds/" + s.ID, Priority: s.Priority,
		CreatedAt: s.CreatedAt, RevokedAt: clock.Ptr(s.RevokedAt), LastReadAt: clock.Ptr(s.LastReadAt), LastReadSize: s.LastReadSize}
}

func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// set reads a set of family; one of another family is not found.
func (s *Service) set(ctx context.Context, family, setID string) (store.FilterSet, error) {
	set, err := s.db.FilterSet(ctx, setID)
	if err != nil {
		return set, err
	}
	if set.Family != family {
		return set, fmt.Errorf("feed: %s %s: %w", family, setID, store.ErrNotFound)
	}
	return set, nil
}

// ShareInput is a new share.
type ShareInput struct {
	Name     string `json:"name"`
	Priority bool   `json:"priority"`
}

// CreateShare shares a set with one subscriber; base is this server's
// address as the subscriber reaches it (the feed URL is under it).
func (s *Service) CreateShare(ctx context.Context, family, setID, base string, in ShareInput) (Share, error) {
	set, err := s.set(ctx, family, setID)
	if err != nil {
		return Share{}, err
	}
	var v filterset.Validator
	v.Text("name", &in.Name, 200, true)
	if err := v.Err(); err != nil {
		return Share{}, err
	}
	if sub, err := s.db.SubscribedSet(ctx, set.ID); err != nil {
		return Share{}, err
	} else if sub {
		v.Add("id", "subscribed_set", "this set is a copy of another server's feed; share the original at its source "+
			"/ set ini salinan feed server lain; bagikan aslinya di sumbernya")
		return Share{}, v.Err()
	}
	sh, tok := newShare(set.ID, in.Name, in.Priority, clock.NowMilli(s.clock))
	if err := s.db.Write(ctx, func(tx *store.Tx) error { return createShareTx(ctx, tx, sh) }); err != nil {
		return Share{}, err
	}
	out := shareView(sh, base)
	out.Token = tok
	return out, nil
}

// newShare makes a share of a set and its token, which only its hash keeps.
func newShare(setID, name string, priority bool, now time.Time) (store.FeedShare, string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	tok := "sgf_" + base64.RawURLEncoding.EncodeToString(b)
	return store.FeedShare{ID: id.New("shr", now), SetID: setID, Name: name, TokenHash: hashToken(tok), Priority: priority, CreatedAt: now}, tok
}

// createShareTx stores a share, starting its set's feed if it is the first.
func createShareTx(ctx context.Context, tx *store.Tx, sh store.FeedShare) error {
	if err := tx.StartFeedLog(ctx, store.FeedLog{SetID: sh.SetID, Head: zeroHead, StartedAt: sh.CreatedAt, Generation: -1}); err != nil {
		return err
	}
	return tx.CreateFeedShare(ctx, sh)
}

// Shares lists a set's shares.
func (s *Service) Shares(ctx context.Context, family, setID, base string) ([]Share, error) {
	if _, err := s.set(ctx, family, setID); err != nil {
		return nil, err
	}
	rows, err := s.db.FeedShares(ctx, setID)
	if err != nil {
		return nil, err
	}
	out := make([]Share, len(rows))
	for i, r := range rows {
		out[i] = shareView(r, base)
	}
	return out, nil
}

// RevokeShare revokes a share: its token reads nothing from now on.
func (s *Service) RevokeShare(ctx context.Context, family, setID, shareID string) error {
	if _, err := s.set(ctx, family, setID); err != nil {
		return err
	}
	now := clock.NowMilli(s.clock)
	return s.db.Write(ctx, func(tx *store.Tx) error { return tx.RevokeFeedShare(ctx, setID, shareID, now) })
}

// PokeSubscribers puts a set's feed at a priority poll (on) or back to each
// subscriber's own interval: while on, every page the set's subscribers read
// asks them to poll every second. The crisis protocol calls it when it
// declares an incident on the set (and with on false when it closes).
func (s *Service) PokeSubscribers(ctx context.Context, setID string, on bool) (int, error) {
	var n int
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.SetFeedPriority(ctx, setID, on)
		return err
	})
	return n, err
}

// share checks a token against a share and returns it.
func (s *Service) share(ctx context.Context, shareID, token string) (store.FeedShare, error) {
	sh, err := s.db.FeedShare(ctx, shareID)
	if errors.Is(err, store.ErrNotFound) {
		return sh, ErrBadToken
	}
	if err != nil {
		return sh, err
	}
	if subtle.ConstantTimeCompare([]byte(hashToken(token)), []byte(sh.TokenHash)) != 1 {
		return sh, ErrBadToken
	}
	if !sh.RevokedAt.IsZero() {
		return sh, ErrRevoked
	}
	return sh, nil
}

// CheckToken tells whether token reads a live share's feed: nil, or
// ErrBadToken or ErrRevoked.
func (s *Service) CheckToken(ctx context.Context, shareID, token string) error {
	_, err := s.share(ctx, shareID, token)
	return err
}

// catchUpMargin is how far before the last catch-up a catch-up looks for
// entries made or removed (clock skew between replicas, slow transactions).
const catchUpMargin = 10 * time.Minute

// caughtUpTo appends to a set's feed what changed in the set since it last
// caught up: entries added (in ID order), then entries removed (in the order
// of removal). It does nothing while the filter generation stands still.
func (s *Service) caughtUpTo(ctx context.Context, setID string) (store.FeedLog, error) {
	s.catchUp.Lock()
	defer s.catchUp.Unlock()
	gen, err := s.db.FilterGeneration(ctx)
	if err != nil {
		return store.FeedLog{}, err
	}
	fl, err := s.db.FeedLog(ctx, setID)
	if err != nil || fl.Generation == gen {
		return fl, err
	}
	const chunk = 20000
	// After the first catch-up only what changed since the last one is
	// read: entries made, and entries removed, from catchUpMargin before it
	// began (a transaction that takes an entry's ID, its time, that long
	// before it commits would be missed).
	start, afterID, since := clock.NowMilli(s.clock), "", time.Time{}
	if !fl.CaughtAt.IsZero() {
		since = fl.CaughtAt.Add(-catchUpMargin)
		afterID = id.Floor("ent", since)
	}
	for {
		var n int
		err := s.db.Write(ctx, func(tx *store.Tx) error {
			fl, err = tx.FeedLog(ctx, setID)
			if err != nil {
				return err
			}
			evs, err := tx.UnfedAdds(ctx, setID, fl.StartedAt, afterID, chunk)
			if err != nil {
				return err
			}
			if len(evs) == 0 {
				if evs, err = tx.UnfedRemovals(ctx, setID, since, chunk); err != nil {
					return err
				}
			} else {
				afterID = evs[len(evs)-1].EntryID
			}
			n = len(evs)
			if n == 0 {
				return tx.SetFeedGeneration(ctx, setID, gen, start)
			}
			head := fl.Head
			for i := range evs {
				e := &evs[i]
				e.Seq = fl.Size + int64(i) + 1
				if head, err = nextHead(head, leafHash(e.Op, e.EntryID, e.Type, e.Value, e.Source, e.At.UnixMilli())); err != nil {
					return err
				}
				e.Head = head
			}
			return tx.AppendFeedEvents(ctx, setID, evs)
		})
		if err != nil {
			return fl, fmt.Errorf("feed: catch up %s: %w", setID, err)
		}
		if n == 0 {
			return s.db.FeedLog(ctx, setID)
		}
	}
}

// Read serves one page of a share's feed after seq after: at most limit
// events, with a checkpoint signed over the feed up to the last of them.
func (s *Service) Read(ctx context.Context, shareID, token string, after int64, limit int) (Page, error) {
	sh, err := s.share(ctx, shareID, token)
	if err != nil {
		return Page{}, err
	}
	set, err := s.db.FilterSet(ctx, sh.SetID)
	if err != nil {
		return Page{}, err
	}
	fl, err := s.caughtUpTo(ctx, set.ID)
	if err != nil {
		return Page{}, err
	}
	if after < 0 || after > fl.Size {
		return Page{}, fmt.Errorf("%w: the feed has %d events", ErrCursor, fl.Size)
	}
	evs, err := s.db.FeedEvents(ctx, set.ID, after, limit)
	if err != nil {
		return Page{}, err
	}
	key := s.key()
	p := Page{Origin: originOf(key, set.ID), VerifierKey: key.VerifierKey, Family: set.Family, Size: fl.Size,
		Set:    SetInfo{Name: set.Name, Kind: set.Kind, Labels: set.Labels, Language: set.Language, Description: set.Description},
		Events: make([]Event, len(evs))}
	if p.Set.Labels == nil {
		p.Set.Labels = []string{}
	}
	if sh.Priority {
		p.PollSeconds = 1
	}
	end, head := after, zeroHead
	for i, e := range evs {
		p.Events[i] = Event{Seq: e.Seq, Op: e.Op, ID: e.EntryID, Type: e.Type, Value: e.Value, Source: e.Source, At: e.At.UTC()}
		end, head = e.Seq, e.Head
	}
	if len(evs) == 0 && after > 0 {
		if head, err = s.db.FeedHeadAt(ctx, set.ID, after); err != nil {
			return Page{}, err
		}
	}
	if end < fl.Size {
		p.NextCursor = fmt.Sprint(end)
	}
	if p.Checkpoint, err = signCheckpoint(key, p.Origin, end, head); err != nil {
		return Page{}, err
	}
	offers, err := s.db.FeedOffers(ctx, sh.ID)
	if err != nil {
		return Page{}, err
	}
	for _, o := range offers {
		p.Offers = append(p.Offers, Offer{Path: "/v1/feeds/" + o.OfferID, Token: o.Token, Name: o.Name})
	}
	now := clock.NowMilli(s.clock)
	if err := s.db.Write(ctx, func(tx *store.Tx) error { return tx.TouchFeedShare(ctx, sh.ID, now, end) }); err != nil {
		return Page{}, err
	}
	return p, nil
}

// Verdicts a subscriber may send on an entry.
const (
	VerdictTruePositive  = "true_positive"
	VerdictFalsePositive = "false_positive"
	VerdictSeen          = "seen"
)

func validVerdict(v string) bool {
	return v == VerdictTruePositive || v == VerdictFalsePositive || v == VerdictSeen
}

// Receive counts a subscriber's verdict on an entry of the shared set.
func (s *Service) Receive(ctx context.Context, shareID, token, entryID, verdict string) error {
	sh, err := s.share(ctx, shareID, token)
	if err != nil {
		return err
	}
	var v filterset.Validator
	if !validVerdict(verdict) {
		v.Add("verdict", "invalid", "verdict is true_positive, false_positive or seen / verdict adalah true_positive, false_positive atau seen")
	}
	if len(entryID) > 100 {
		v.Add("entry_id", "invalid", "entry_id is not an entry of this feed / entry_id bukan entri feed ini")
	}
	if err := v.Err(); err != nil {
		return err
	}
	fed, err := s.db.FedEntry(ctx, sh.SetID, entryID)
	if err != nil {
		return err
	}
	if !fed {
		return fmt.Errorf("feed: entry %s of this feed: %w", entryID, store.ErrNotFound)
	}
	now := clock.NowMilli(s.clock)
	return s.db.Write(ctx, func(tx *store.Tx) error { return tx.AddFeedFeedback(ctx, sh.ID, sh.SetID, entryID, verdict, now) })
}

// Feedback is what one subscriber said of an entry.
type Feedback struct {
	EntryID    string    `json:"entry_id"`
	ShareID    string    `json:"share_id"`
	Subscriber string    `json:"subscriber"`
	Verdict    string    `json:"verdict"`
	Count      int64     `json:"count"`
	FirstAt    time.Time `json:"first_at"`
	LastAt     time.Time `json:"last_at"`
}

// Feedback lists the subscribers' verdicts on a set's entry (entryID "" for
// every entry, most false positives first).
func (s *Service) Feedback(ctx context.Context, family, setID, entryID string) ([]Feedback, error) {
	if _, err := s.set(ctx, family, setID); err != nil {
		return nil, err
	}
	if entryID != "" {
		if _, err := s.db.FilterEntry(ctx, setID, entryID); err != nil {
			return nil, err
		}
	}
	rows, err := s.db.FeedFeedback(ctx, setID, entryID)
	if err != nil {
		return nil, err
	}
	out := make([]Feedback, len(rows))
	for i, f := range rows {
		out[i] = Feedback{EntryID: f.EntryID, ShareID: f.ShareID, Subscriber: f.ShareName, Verdict: f.Verdict, Count: f.Count,
			FirstAt: f.FirstAt, LastAt: f.LastAt}
	}
	return out, nil
}
