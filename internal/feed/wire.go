package feed

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Page is one page of a feed as the source serves it.
type Page struct {
	// Origin names the feed; VerifierKey is the source's note key that signs
	// Checkpoint, pinned by the subscriber on its first read.
	Origin      string  `json:"origin"`
	VerifierKey string  `json:"verifier_key"`
	Family      string  `json:"family"`
	Set         SetInfo `json:"set"`
	// Size is the whole feed's size now; Events follow the cursor asked
	// for, and Checkpoint signs the feed up to the last of them.
	Size       int64   `json:"size"`
	Events     []Event `json:"events"`
	NextCursor string  `json:"next_cursor"`
	Checkpoint string  `json:"checkpoint"`
	// PollSeconds, when set, is the interval the source asks subscribers to
	// poll at for now (a declared incident: see Service.PokeSubscribers).
	PollSeconds int `json:"poll_seconds,omitempty"`
	// Offers are other feeds the source shares with this subscriber (an
	// incident's sets), which its server subscribes to at once.
	Offers []Offer `json:"offers,omitempty"`
}

// Offer is a feed offered to a subscriber: its path on the source (resolved
// against the feed's own URL), its token and a name for the copy.
type Offer struct {
	Path  string `json:"path"`
	Token string `json:"token"`
	Name  string `json:"name"`
}

// SetInfo is what a subscriber learns of the shared set.
type SetInfo struct {
	Name        string   `json:"name"`
	Kind        string   `json:"kind,omitempty"`
	Labels      []string `json:"labels"`
	Language    string   `json:"language,omitempty"`
	Description string   `json:"description,omitempty"`
}

// Event is one entry added to or removed from the shared set.
type Event struct {
	Seq    int64     `json:"seq"`
	Op     string    `json:"op"`
	ID     string    `json:"id"`
	Type   string    `json:"type"`
	Value  string    `json:"value"`
	Source string    `json:"source,omitempty"`
	At     time.Time `json:"at"`
}

// Ops of events.
const (
	OpAdd    = "add"
	OpRemove = "remove"
)

// MaxPageBytes bounds a page a subscriber reads (decompressed): a page of
// 10,000 events of the largest entries a bank holds stays well under it.
const MaxPageBytes = 64 << 20

// ErrMalformed is wrapped when a page cannot be read as a feed page.
var ErrMalformed = errors.New("feed: malformed feed page")

// ReadPage reads and checks the form of a page: its numbering must continue
// from after without gaps, each op be add or remove, each field within
// bounds. What the events mean (an entry type the family does not hold) is
// the subscriber's to judge.
func ReadPage(r io.Reader, after int64) (Page, error) {
	body, err := io.ReadAll(io.LimitReader(r, MaxPageBytes+1))
	if err != nil {
		return Page{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if len(body) > MaxPageBytes {
		return Page{}, fmt.Errorf("%w: larger than %d MiB", ErrMalformed, MaxPageBytes>>20)
	}
	var p Page
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&p); err != nil {
		return Page{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if dec.More() {
		return Page{}, fmt.Errorf("%w: data after the page", ErrMalformed)
	}
	switch {
	case p.Origin == "" || len(p.Origin) > 500:
		return Page{}, fmt.Errorf("%w: no origin", ErrMalformed)
	case p.VerifierKey == "" || len(p.VerifierKey) > 500:
		return Page{}, fmt.Errorf("%w: no verifier_key", ErrMalformed)
	case p.Family != "bank" && p.Family != "list":
		return Page{}, fmt.Errorf("%w: family %q is neither bank nor list", ErrMalformed, clip(p.Family))
	case p.Checkpoint == "" || len(p.Checkpoint) > 4096:
		return Page{}, fmt.Errorf("%w: no checkpoint", ErrMalformed)
	case p.Size < after:
		return Page{}, fmt.Errorf("%w: the feed is %d events long, shorter than the %d already read", ErrTampered, p.Size, after)
	case p.PollSeconds < 0 || p.PollSeconds > 86400:
		return Page{}, fmt.Errorf("%w: poll_seconds %d out of range", ErrMalformed, p.PollSeconds)
	case len(p.Set.Name) > 200 || len(p.Set.Labels) > 50:
		return Page{}, fmt.Errorf("%w: set name or labels too long", ErrMalformed)
	}
	if len(p.Offers) > 50 {
		return Page{}, fmt.Errorf("%w: more than 50 offers", ErrMalformed)
	}
	for _, o := range p.Offers {
		if !strings.HasPrefix(o.Path, "/v1/feeds/") || len(o.Path) > 200 || strings.ContainsAny(o.Path, "?#@\\ ") ||
			o.Token == "" || len(o.Token) > 500 || o.Name == "" || len(o.Name) > 200 {
			return Page{}, fmt.Errorf("%w: a malformed offer", ErrMalformed)
		}
	}
	next := after
	for i, e := range p.Events {
		next++
		switch {
		case e.Seq != next:
			return Page{}, fmt.Errorf("%w: event %d is numbered %d, want %d", ErrMalformed, i, e.Seq, next)
		case e.Op != OpAdd && e.Op != OpRemove:
			return Page{}, fmt.Errorf("%w: event %d has op %q", ErrMalformed, e.Seq, clip(e.Op))
		case e.ID == "" || len(e.ID) > 100:
			return Page{}, fmt.Errorf("%w: event %d has no id", ErrMalformed, e.Seq)
		case len(e.Type) > 40 || len(e.Source) > 2000 || len(e.Value) > 1<<20:
			return Page{}, fmt.Errorf("%w: event %d has a field too long", ErrMalformed, e.Seq)
		}
	}
	if next > p.Size {
		return Page{}, fmt.Errorf("%w: events run to %d, past the feed's size %d", ErrMalformed, next, p.Size)
	}
	return p, nil
}

// Verify chains p's events onto head, the head after event after, and
// checks the page's signed checkpoint against the result with the pinned
// verifier key and origin; it returns the new head.
func (p Page) Verify(vkey, origin string, after int64, head string) (string, error) {
	if p.VerifierKey != vkey {
		return "", fmt.Errorf("%w: the feed is now signed by another key (%s, was %s); subscribe again if the source rotated its key",
			ErrTampered, clip(p.VerifierKey), clip(vkey))
	}
	if p.Origin != origin {
		return "", fmt.Errorf("%w: the feed now names itself %q, not %q", ErrTampered, clip(p.Origin), origin)
	}
	for _, e := range p.Events {
		var err error
		if head, err = nextHead(head, leafHash(e.Op, e.ID, e.Type, e.Value, e.Source, e.At.UnixMilli())); err != nil {
			return "", err
		}
	}
	if err := verifyCheckpoint(vkey, origin, p.Checkpoint, after+int64(len(p.Events)), head); err != nil {
		return "", err
	}
	return head, nil
}
