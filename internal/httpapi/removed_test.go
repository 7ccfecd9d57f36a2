package httpapi_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/casetest"
	"github.com/sigap/sigap/internal/removed"
	"github.com/sigap/sigap/internal/review"
	"github.com/sigap/sigap/internal/scan"
	"github.com/sigap/sigap/internal/server"
	"github.com/sigap/sigap/internal/store/storetest"
)

// newRemovedEnv is newReviewEnv with removal of an order behind four eyes,
// so both ways a remove decision becomes final (directly, and on approval)
// are exercised. The rule is set before the first request is served.
func newRemovedEnv(t *testing.T, e storetest.Engine) *reviewEnv {
	t.Helper()
	return startReviewEnv(t, e, nil, func(s *server.Server) {
		s.API.Review.FourEyes = append(review.DefaultFourEyes(), review.Rule{Action: review.ActionRemove, OrdersOnly: true})
	})
}

// claimCase claims until the reviewer holds caseID; the other cases it
// takes on the way stay leased to the reviewer, out of the way.
func (e *reviewEnv) claimCase(t *testing.T, key, caseID string) {
	t.Helper()
	for range 20 {
		got, status := e.claim(t, key)
		if status == 204 {
			break
		}
		if got == caseID {
			return
		}
	}
	t.Fatalf("case %s never offered", caseID)
}

type removedEntry struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Value   string `json:"value"`
	Source  string `json:"source"`
	CaseID  string `json:"case_id"`
	AddedBy struct {
		OrgID string `json:"org_id"`
		KeyID string `json:"key_id"`
	} `json:"added_by"`
	RemovedAt *time.Time `json:"removed_at"`
}

// entries lists a built-in set's entries, tombstoned ones too.
func (e *reviewEnv) entries(t *testing.T, family, id string) []removedEntry {
	t.Helper()
	var l struct{ Items []removedEntry }
	r := e.do(t, "GET", "/v1/"+family+"/"+id+"/entries?removed=true", e.admin, nil)
	if r.Status != 200 {
		t.Fatalf("entries of %s: %d %s", id, r.Status, r.Body)
	}
	r.decode(t, &l)
	return l.Items
}

func findEntry(es []removedEntry, typ, value string) (removedEntry, bool) {
	for _, x := range es {
		if x.Type == typ && x.Value == value {
			return x, true
		}
	}
	return removedEntry{}, false
}

// hitOf returns the hit of res by matcher on list (a bank or list ID), if any.
func hitOf(res scan.Result, matcher, list string) (scan.Hit, bool) {
	for _, h := range res.Hits {
		if h.Matcher == matcher && h.List == list {
			return h, true
		}
	}
	return scan.Hit{}, false
}

func TestRemovedContentFeedsBanksAndTexts(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newRemovedEnv, func(ctx context.Context, t *testing.T, e *reviewEnv) {

		// 1. An authority's order with an evidence hash, removed after four-eyes approval.
		evidence := strings.Repeat("5a", 32)
		body := map[string]any{"kind": "order", "regime": "ID-PSE", "category": "terrorism", "explanation": "incites violence",
			"legal_basis": "UU ITE Art. 40", "subjects": []map[string]string{{"url": "https://t.me/badchan/1"}}, "language": "id",
			"evidence": []map[string]string{{"sha256": strings.ToUpper(evidence), "description": "the image as posted"}}}
		r := e.json(t, "POST", "/v1/notices", e.authA, body).want(t, 201, "order")
		var n struct {
			Subjects []struct {
				CaseID string `json:"case_id"`
			}
		}
		r.decode(t, &n)
		orderCase := n.Subjects[0].CaseID
		e.claimCase(t, e.rev1, orderCase)
		r = e.json(t, "POST", "/v1/cases/"+orderCase+"/decision", e.rev1, removal())
		if r.Status != 202 {
			t.Fatalf("remove an order: %d %s, want 202 (four eyes)", r.Status, r.Body)
		}
		var dec struct{ ID string }
		r.decode(t, &dec)
		if r := e.do(t, "GET", "/v1/banks/"+removed.BankExactID, e.admin, nil); r.Status != 404 {
			t.Errorf("the built-in bank exists before any removal took effect: %d", r.Status)
		}
		if r := e.do(t, "POST", "/v1/decisions/"+dec.ID+"/approve", e.rev2, nil); r.Status != 200 {
			t.Fatalf("approve: %d %s", r.Status, r.Body)
		}
		var b filterSet
		e.do(t, "GET", "/v1/banks/"+removed.BankExactID, e.admin, nil).decode(t, &b)
		if b.Policy != "auto_action" || !b.Enabled || b.Name != "Removed by the platform / Dihapus oleh platform" {
			t.Errorf("built-in bank = %+v", b)
		}
		ev, ok := findEntry(e.entries(t, "banks", removed.BankExactID), "sha256", evidence)
		if !ok || ev.Source != "decision:"+dec.ID || ev.CaseID != orderCase || ev.AddedBy.OrgID != e.platformAdminOrgID ||
			!strings.HasPrefix(ev.AddedBy.KeyID, "key:") || ev.RemovedAt != nil {
			t.Fatalf("evidence hash entry = %+v (found %v)", ev, ok)
		}

		// 2. A re-upload of the same file is caught by the bank and acted on.
		e.sync(t)
		res := e.scan(t, map[string]any{"channel": "repost_chan", "message_id": 5, "media": []map[string]any{{"sha256": evidence}}})
		if h, ok := hitOf(res, "sha256", removed.BankExactID); !ok || h.Entry != ev.ID || h.Outcome != "action" {
			t.Fatalf("re-upload: %+v", res)
		}
		repostCase := res.Notices[0].CaseID

		// 3. A post the scan filed (keyword list, review policy), removed directly:
		// its media hashes and its text are banked.
		kw := e.mkSet(t, "/v1/lists", map[string]any{"name": "kw", "kind": "keyword", "policy": "review", "labels": []string{"terrorism"}, "language": "id"})
		e.addEntry(t, "/v1/lists/"+kw.ID+"/entries", map[string]any{"value": "bom bunuh diri"})
		e.sync(t)
		text := "Saudara kita wajib bersiap, bom bunuh diri di pos polisi kota pada hari jumat nanti, sebarkan pesan ini"
		img := texturedPNG(t, 11, 320, 240)
		info, err := scan.HashImage(img, e.srv.Scanner.Config().Image)
		if err != nil {
			t.Fatal(err)
		}
		res = e.scan(t, map[string]any{"channel": "propaganda_chan", "message_id": 9, "text": text, "media": []map[string]any{{"data": img}}})
		if _, ok := hitOf(res, "keyword", kw.ID); !ok || len(res.Notices) != 1 {
			t.Fatalf("keyword scan: %+v", res)
		}
		postCase := res.Notices[0].CaseID
		e.claimCase(t, e.rev2, postCase)
		r = e.json(t, "POST", "/v1/cases/"+postCase+"/decision", e.rev2, removal()).want(t, 200, "remove the scanned post")
		var dec2 struct{ ID string }
		r.decode(t, &dec2)
		exact := e.entries(t, "banks", removed.BankExactID)
		for _, want := range [][2]string{{"md5", info.MD5}, {"sha256", info.SHA256}} {
			if x, ok := findEntry(exact, want[0], want[1]); !ok || x.Source != "decision:"+dec2.ID || x.CaseID != postCase {
				t.Errorf("%s of the removed image: %+v (found %v)", want[0], x, ok)
			}
		}
		if info.Quality == nil || *info.Quality < 50 {
			t.Fatalf("test image quality %v too low for PDQ", info.Quality)
		}
		if x, ok := findEntry(e.entries(t, "banks", removed.BankSimilarID), "pdq", info.PDQ); !ok || x.Source != "decision:"+dec2.ID {
			t.Errorf("PDQ of the removed image: %+v (found %v)", x, ok)
		}
		var sim filterSet
		e.do(t, "GET", "/v1/banks/"+removed.BankSimilarID, e.admin, nil).decode(t, &sim)
		if sim.Policy != "review" {
			t.Errorf("similar-images bank policy = %s, want review", sim.Policy)
		}
		var tl filterSet
		e.do(t, "GET", "/v1/lists/"+removed.ListTextsID, e.admin, nil).decode(t, &tl)
		if tl.Policy != "review" || tl.Name != "Removed texts / Teks yang dihapus" {
			t.Errorf("removed-texts list = %+v", tl)
		}
		te, ok := findEntry(e.entries(t, "lists", removed.ListTextsID), "text", text)
		if !ok || te.Source != "decision:"+dec2.ID || te.CaseID != postCase {
			t.Fatalf("removed text entry: %+v (found %v)", te, ok)
		}

		// 4. A lightly edited re-post is caught as a near-duplicate, a
		// similar image by PDQ; both go to review.
		e.sync(t)
		edited := "Saudara-saudara kita wajib bersiap!! b0m bunuh diri di pos polisi kota pada hari jumat nanti, sebarkan pesan ini."
		q := 90
		res = e.scan(t, map[string]any{"channel": "mirror_chan", "message_id": 3, "text": edited,
			"media": []map[string]any{{"pdq": info.PDQ, "quality": q}}})
		if h, ok := hitOf(res, "near_duplicate", removed.ListTextsID); !ok || h.Entry != te.ID || h.Outcome != "notice" {
			t.Errorf("edited re-post: %+v", res.Hits)
		}
		if h, ok := hitOf(res, "pdq", removed.BankSimilarID); !ok || h.Outcome != "notice" || h.Distance != 0 {
			t.Errorf("similar image: %+v", res.Hits)
		}

		// 5. Removing the re-upload adds nothing new and fails nothing: its
		// hash (from the scan's evidence and its media) is already banked.
		before := len(e.entries(t, "banks", removed.BankExactID))
		e.claimCase(t, e.rev3, repostCase)
		if r := e.json(t, "POST", "/v1/cases/"+repostCase+"/decision", e.rev3, removal()); r.Status != 200 {
			t.Fatalf("remove the re-upload: %d %s", r.Status, r.Body)
		}
		if after := len(e.entries(t, "banks", removed.BankExactID)); after != before {
			t.Errorf("a duplicate hash added an entry: %d entries, then %d", before, after)
		}

		// 6. Reversing the post's removal on appeal tombstones what it added, and only that.
		r = e.json(t, "POST", "/v1/cases/"+postCase+"/appeals", e.rev1, map[string]any{"reasons": "It was news reporting."}).want(t, 201, "appeal")
		var apl struct{ ID string }
		r.decode(t, &apl)
		if r := e.json(t, "POST", "/v1/appeals/"+apl.ID+"/decision", e.rev3, map[string]any{"outcome": "reversed", "reasons": "Reporting, not propaganda."}); r.Status != 200 {
			t.Fatalf("reverse: %d %s", r.Status, r.Body)
		}
		if x, _ := findEntry(e.entries(t, "lists", removed.ListTextsID), "text", text); x.RemovedAt == nil {
			t.Errorf("text entry still live after the reversal: %+v", x)
		}
		if x, _ := findEntry(e.entries(t, "banks", removed.BankSimilarID), "pdq", info.PDQ); x.RemovedAt == nil {
			t.Errorf("PDQ entry still live after the reversal: %+v", x)
		}
		exact = e.entries(t, "banks", removed.BankExactID)
		if x, _ := findEntry(exact, "sha256", info.SHA256); x.RemovedAt == nil {
			t.Errorf("sha256 entry still live after the reversal: %+v", x)
		}
		if x, _ := findEntry(exact, "sha256", evidence); x.RemovedAt != nil {
			t.Errorf("the order's hash was tombstoned by another case's reversal: %+v", x)
		}
		e.sync(t)
		res = e.scan(t, map[string]any{"channel": "mirror_chan", "message_id": 4, "text": edited})
		if _, ok := hitOf(res, "near_duplicate", removed.ListTextsID); ok {
			t.Errorf("a reversed removal still matches: %+v", res.Hits)
		}
		if !slices.ContainsFunc(res.Hits, func(h scan.Hit) bool { return h.List == kw.ID }) {
			t.Errorf("the keyword list stopped matching: %+v", res.Hits)
		}
	})
}
