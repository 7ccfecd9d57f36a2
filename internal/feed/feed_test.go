package feed_test

import (
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/store/storetest"
)

// TestShareAndSubscribe shares a bank from one server to another, on each
// engine in both roles: entries and removals reach the copy with their
// provenance, the copy is read-only by hand, feedback reaches the source,
// and a revoked share stops the copy with a clear reason.
func TestShareAndSubscribe(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) { shareAndSubscribe(t, newNode(t, e, true), sqliteNode(t)) })
}

// TestSubscribeOnEngine is TestShareAndSubscribe with the engine on the
// subscriber's side (the SQLite pair runs there).
func TestSubscribeOnEngine(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		if e.Name == "sqlite" {
			t.Skip("TestShareAndSubscribe runs the SQLite pair")
		}
		shareAndSubscribe(t, sqliteNode(t), newNode(t, e, true))
	})
}

func shareAndSubscribe(t *testing.T, src, dst *node) {
	h1, h2, h3 := hash('a'), hash('b'), hash('c')
	bankA, idsA := src.bank(t, "terrorism", h1, h2)
	feedURL, token, shareID := src.share(t, bankA, "platform B")

	if a := dst.call(t, "POST", "/v1/subscriptions", dst.admin, map[string]any{"feed_url": feedURL, "token": "sgf_wrong", "name": "from A", "policy": "review"}); a.status != 422 || a.code() != "feed_refused" {
		t.Fatalf("a wrong token: want 422 feed_refused, got %d %s", a.status, a.body)
	}
	subID, bankB := dst.subscribe(t, feedURL, token, "from A")
	if bankB == "" {
		t.Fatal("the subscription names no local bank")
	}
	enabled := func() any {
		return dst.call(t, "GET", "/v1/banks/"+bankB, dst.admin, nil).want(t, 200, "the copy").json(t)["enabled"]
	}
	if enabled() != false {
		t.Fatal("the copy is enabled before it caught up with its feed")
	}
	dst.poll(t)
	if enabled() != true {
		t.Fatal("the copy is not enabled once it caught up with its feed")
	}
	got := dst.live(t, bankB)
	if len(got) != 2 || got[h1] == nil || got[h2] == nil {
		t.Fatalf("after the first poll the copy holds %d entries, want h1 and h2", len(got))
	}
	if src := str(got[h1]["source"]); !strings.Contains(src, "source platform") || !strings.Contains(src, `"from A"`) {
		t.Fatalf("the copied entry's source %q names neither its source nor its subscription", src)
	}
	if st := dst.status(t, subID); st["state"] != "ok" || st["events"].(float64) != 2 || st["lag"].(float64) != 0 {
		t.Fatalf("status after sync: %v", st)
	}
	// The copy changes only as its feed does.
	if a := dst.call(t, "POST", "/v1/banks/"+bankB+"/entries", dst.admin, map[string]any{"type": "sha256", "value": h3}); a.status != 422 || a.code() != "subscribed_set" {
		t.Fatalf("an entry added by hand to the copy: want 422 subscribed_set, got %d %s", a.status, a.body)
	}
	if a := dst.call(t, "DELETE", "/v1/banks/"+bankB+"/entries/"+str(got[h1]["id"]), dst.admin, nil); a.status != 422 {
		t.Fatalf("an entry removed by hand from the copy: want 422, got %d %s", a.status, a.body)
	}
	// A copy is not shared again: its source shares it.
	if a := dst.call(t, "POST", "/v1/banks/"+bankB+"/shares", dst.admin, map[string]any{"name": "C"}); a.status != 422 || a.code() != "subscribed_set" {
		t.Fatalf("sharing a copy: want 422 subscribed_set, got %d %s", a.status, a.body)
	}

	// A removal and an addition at the source reach the copy at the next poll, and its scanner.
	src.call(t, "DELETE", "/v1/banks/"+bankA+"/entries/"+idsA[h1], src.admin, nil).want(t, 200, "remove at the source")
	src.add(t, bankA, h3)
	dst.pollNow(t, subID)
	got = dst.live(t, bankB)
	if len(got) != 2 || got[h2] == nil || got[h3] == nil {
		t.Fatalf("after a removal and an addition the copy holds %v, want h2 and h3", keys(got))
	}
	if err := dst.srv.Scanner.Reload(t.Context(), true); err != nil {
		t.Fatal(err)
	}
	m := dst.call(t, "POST", "/v1/match", dst.admin, map[string]any{"sha256": h3}).want(t, 200, "match").json(t)
	if hits, _ := m["hits"].([]any); len(hits) != 1 {
		t.Fatalf("the subscriber's scanner does not match the new entry: %v", m)
	}

	// Feedback on the copy reaches the source, counted per subscriber.
	entryB := str(got[h2]["id"])
	dst.call(t, "POST", "/v1/banks/"+bankB+"/entries/"+entryB+"/feedback", dst.admin, map[string]any{"verdict": "false_positive"}).want(t, 201, "feedback")
	if a := dst.call(t, "POST", "/v1/banks/"+bankB+"/entries/"+entryB+"/feedback", dst.admin, map[string]any{"verdict": "maybe"}); a.status != 422 {
		t.Fatalf("a verdict that is none: want 422, got %d %s", a.status, a.body)
	}
	if _, err := dst.srv.Jobs.RunDue(t.Context(), 10); err != nil {
		t.Fatal(err)
	}
	fb := src.call(t, "GET", "/v1/banks/"+bankA+"/entries/"+idsA[h2]+"/feedback", src.admin, nil).want(t, 200, "feedback at the source").json(t)
	items, _ := fb["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["verdict"] != "false_positive" || items[0].(map[string]any)["subscriber"] != "platform B" {
		t.Fatalf("the source's feedback on the entry: %s", mustJSON(fb))
	}
	// Feedback on an entry of one's own, from no feed, has nowhere to go.
	if a := src.call(t, "POST", "/v1/banks/"+bankA+"/entries/"+idsA[h2]+"/feedback", src.admin, map[string]any{"verdict": "seen"}); a.status != 422 || a.code() != "not_subscribed" {
		t.Fatalf("feedback on an entry from no feed: want 422 not_subscribed, got %d %s", a.status, a.body)
	}

	// A revoked share reads nothing; the copy stays as it was and says why.
	src.call(t, "DELETE", "/v1/banks/"+bankA+"/shares/"+shareID, src.admin, nil).want(t, 204, "revoke")
	if a := src.call(t, "GET", feedURL, token, nil); a.status != 403 || a.code() != "share_revoked" {
		t.Fatalf("a revoked share's feed: want 403 share_revoked, got %d %s", a.status, a.body)
	}
	src.add(t, bankA, hash('d'))
	dst.pollNow(t, subID)
	st := dst.status(t, subID)
	if st["state"] != "failing" || !strings.Contains(str(st["last_error"]), "revoked") {
		t.Fatalf("status after the share was revoked: %v", st)
	}
	if got := dst.live(t, bankB); len(got) != 2 {
		t.Fatalf("the copy changed after the share was revoked: %v", keys(got))
	}
	// Unsubscribing keeps the copy, disabled.
	dst.call(t, "DELETE", "/v1/subscriptions/"+subID, dst.admin, nil).want(t, 204, "unsubscribe")
	dst.call(t, "GET", "/v1/subscriptions/"+subID, dst.admin, nil).want(t, 404, "a deleted subscription")
	if b := dst.call(t, "GET", "/v1/banks/"+bankB, dst.admin, nil).want(t, 200, "the copy").json(t); b["enabled"] != false {
		t.Fatalf("the copy of a deleted subscription is still enabled: %v", b)
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k[:4])
	}
	return out
}
