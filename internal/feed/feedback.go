package feed

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/jobs"
	"github.com/sigap/sigap/internal/store"
)

// feedbackJob is the job kind that carries a verdict back to a feed's source.
const feedbackJob = "feed.feedback"

type feedbackPayload struct {
	Subscription string `json:"subscription"`
	EntryID      string `json:"entry_id"`
	Verdict      string `json:"verdict"`
}

// Sent is a verdict queued for a feed's source.
type Sent struct {
	EntryID       string `json:"entry_id"`
	SourceEntryID string `json:"source_entry_id"`
	Subscription  string `json:"subscription_id"`
	Verdict       string `json:"verdict"`
	Status        string `json:"status"`
}

// SendFeedback queues a verdict on a local copy of a feed's entry for its
// source; the job retries until the source has it.
func (s *Service) SendFeedback(ctx context.Context, family, setID, entryID, verdict string) (Sent, error) {
	if _, err := s.set(ctx, family, setID); err != nil {
		return Sent{}, err
	}
	if !validVerdict(verdict) {
		var v filterset.Validator
		v.Add("verdict", "invalid", "verdict is true_positive, false_positive or seen / verdict adalah true_positive, false_positive atau seen")
		return Sent{}, v.Err()
	}
	if _, err := s.db.FilterEntry(ctx, setID, entryID); err != nil {
		return Sent{}, err
	}
	subID, srcID, err := s.db.FeedEntryOrigin(ctx, setID, entryID)
	if errors.Is(err, store.ErrNotFound) {
		var v filterset.Validator
		v.Add("entry_id", "not_subscribed", "this entry came from no feed, so there is no source to tell / entri ini tidak berasal dari feed")
		return Sent{}, v.Err()
	}
	if err != nil {
		return Sent{}, err
	}
	if err := s.db.Write(ctx, func(tx *store.Tx) error {
		return s.jobs.Enqueue(ctx, tx, jobs.Spec{Kind: feedbackJob, Payload: feedbackPayload{Subscription: subID, EntryID: srcID, Verdict: verdict}})
	}); err != nil {
		return Sent{}, err
	}
	s.jobs.Wake()
	return Sent{EntryID: entryID, SourceEntryID: srcID, Subscription: subID, Verdict: verdict, Status: "queued"}, nil
}

// sendFeedback is the job that posts one verdict to the source.
func (s *Service) sendFeedback(ctx context.Context, j *jobs.Job) error {
	var p feedbackPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return jobs.Permanent(fmt.Errorf("feed: feedback payload: %w", err))
	}
	sub, err := s.db.FeedSubscription(ctx, p.Subscription)
	if errors.Is(err, store.ErrNotFound) {
		return jobs.Permanent(fmt.Errorf("feed: feedback for subscription %s, since deleted", p.Subscription))
	}
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]string{"entry_id": p.EntryID, "verdict": p.Verdict})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.FeedURL+"/feedback", bytes.NewReader(body))
	if err != nil {
		return jobs.Permanent(fmt.Errorf("feed: feedback: %w", err))
	}
	req.Header.Set("Authorization", "Bearer "+sub.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("feed: feedback to %s: %w", sub.FeedURL, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	switch {
	case resp.StatusCode/100 == 2:
		return nil
	case resp.StatusCode/100 == 4 && resp.StatusCode != http.StatusTooManyRequests:
		return jobs.Permanent(fmt.Errorf("feed: the source refused the feedback: %d %s", resp.StatusCode, clip(string(msg))))
	default:
		return fmt.Errorf("feed: the source answered the feedback %d", resp.StatusCode)
	}
}
