package feed_test

import (
	"testing"

	"github.com/sigap/sigap/internal/store/storetest"
)

// TestIncidentShared: an incident declared at the source offers its set to
// every subscriber on the feed it already reads and puts every share at a
// priority poll; the subscriber takes the offer at its next poll, copies the
// incident's entries and polls every second until the incident closes.
func TestIncidentShared(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		ctx := t.Context()
		src, dst := newNode(t, e, true), sqliteNode(t)
		bankA, _ := src.bank(t, "terrorism", hash('a'))
		feedURL, token, _ := src.share(t, bankA, "platform B")
		subID, _ := dst.subscribe(t, feedURL, token, "from A")
		dst.poll(t)
		incident, _ := src.bank(t, "Serangan fajar", hash('9'))
		if err := src.srv.Feeds.ShareIncident(ctx, "Serangan fajar", incident, ""); err != nil {
			t.Fatal(err)
		}
		dst.pollNow(t, subID)
		subs := dst.call(t, "GET", "/v1/subscriptions", dst.admin, nil).want(t, 200, "subscriptions").json(t)["items"].([]any)
		if len(subs) != 2 {
			t.Fatalf("after the incident the subscriber has %d subscriptions, want 2", len(subs))
		}
		var incSub, incBank string
		for _, s := range subs {
			if m := s.(map[string]any); str(m["id"]) != subID {
				incSub, incBank = str(m["id"]), str(m["bank_id"])
			}
		}
		dst.poll(t)
		if got := dst.live(t, incBank); len(got) != 1 || got[hash('9')] == nil {
			t.Fatalf("the incident's copy holds %v", keys(got))
		}
		for _, id := range []string{subID, incSub} {
			if st := dst.status(t, id); st["priority_poll_seconds"] != float64(1) {
				t.Fatalf("subscription %s during the incident: %v", id, st)
			}
		}
		if err := src.srv.Feeds.EndIncident(ctx); err != nil {
			t.Fatal(err)
		}
		dst.pollNow(t, subID)
		if st := dst.status(t, subID); st["priority_poll_seconds"] != nil {
			t.Fatalf("after the incident closed: %v", st)
		}
		// The offer is taken once.
		dst.pollNow(t, subID)
		if n := len(dst.call(t, "GET", "/v1/subscriptions", dst.admin, nil).want(t, 200, "subscriptions").json(t)["items"].([]any)); n != 2 {
			t.Fatalf("an offer taken again: %d subscriptions", n)
		}
	})
}
