package feed

import (
	"time"

	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/translog"
)

// Chain is the feed's hash chain, for tests that play a source rewriting
// its history.
func Chain(evs []Event) (heads []string) {
	head := zeroHead
	for _, e := range evs {
		head, _ = nextHead(head, leafHash(e.Op, e.ID, e.Type, e.Value, e.Source, e.At.UnixMilli()))
		heads = append(heads, head)
	}
	return heads
}

// ZeroHead is the head of an empty feed.
const ZeroHead = "0000000000000000000000000000000000000000000000000000000000000000"

// SignCheckpoint signs a feed checkpoint as a source does.
func SignCheckpoint(key translog.Key, origin string, size int64, head string) (string, error) {
	return signCheckpoint(key, origin, size, head)
}

// Backoff is how long sub waits before its next poll after its failures.
func (s *Service) Backoff(sub store.FeedSubscription) time.Duration { return s.backoff(sub) }
