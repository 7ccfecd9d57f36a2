package review_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/casetest"
	"github.com/sigap/sigap/internal/decision"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/review"
	"github.com/sigap/sigap/internal/store"
)

func tco(n *notice.Notice) {
	n.Regime, n.Within, n.DueAt = "EU-TCO", time.Hour, n.ReceivedAt.Add(time.Hour)
}

// TestClarificationPausesTheClock: under a regime that pauses, the platform's
// clarification request stops the clock and the notifier's answer restarts it,
// moving the deadline by the time it stood still.
func TestClarificationPausesTheClock(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		n := w.file(w.authority, notice.KindOrder, tco)
		m, err := w.svc.PostMessage(ctx, w.alice, n.ID, "Which post do you mean?", true)
		if err != nil {
			t.Fatal(err)
		}
		if m.Side != review.SidePlatform || !m.Clarification || m.Author != "key:alice" || m.NoticeID != n.ID {
			t.Errorf("platform message %+v", m)
		}
		th, err := w.svc.Messages(ctx, w.auth, n.ID, "", 50)
		if err != nil {
			t.Fatal(err)
		}
		if len(th.Pauses) != 1 || th.Pauses[0].EndedAt != nil || !th.Pauses[0].StartedAt.Equal(t0) || th.Pauses[0].MessageID != m.ID {
			t.Fatalf("pauses after the request %+v", th.Pauses)
		}
		// A second request while the clock stands adds no pause.
		if _, err := w.svc.PostMessage(ctx, w.bob, n.ID, "And which channel?", true); err != nil {
			t.Fatal(err)
		}
		if ev := findEvent(t, w, n.ID, "clarification.requested"); ev == nil || ev["clock_paused"] != true {
			t.Errorf("second request's event %v", ev)
		}
		w.clk.Advance(30 * time.Minute)
		// The notifier cannot ask for clarification; its message answers.
		ans, err := w.svc.PostMessage(ctx, w.auth, n.ID, "  The post at /123.  ", true)
		if err != nil {
			t.Fatal(err)
		}
		if ans.Side != review.SideNotifier || ans.Clarification || ans.Body != "The post at /123." || ans.OrgID != w.authority.ID {
			t.Errorf("notifier message %+v", ans)
		}
		th, err = w.svc.Messages(ctx, w.alice, n.ID, "", 50)
		if err != nil {
			t.Fatal(err)
		}
		if len(th.Messages) != 3 || len(th.Pauses) != 1 || th.Pauses[0].EndedAt == nil || !th.Pauses[0].EndedAt.Equal(t0.Add(30*time.Minute)) {
			t.Fatalf("thread after the answer: %d messages, pauses %+v", len(th.Messages), th.Pauses)
		}
		got, err := w.db.Notice(ctx, n.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if want := n.DueAt.Add(30 * time.Minute); !got.DueAt.Equal(want) {
			t.Errorf("due %v after a 30-minute pause, want %v", got.DueAt, want)
		}
		if ev := findEvent(t, w, n.ID, "clock.resumed"); ev == nil || ev["paused_ms"] != float64(30*time.Minute/time.Millisecond) {
			t.Errorf("resume event %v", ev)
		}
		types := w.eventTypes(caseOf(n))
		if !slices.Contains(types, "clock.paused") || !slices.Contains(types, "clock.resumed") {
			t.Errorf("the case timeline %v lacks the pause", types)
		}
		// Another answer with no pause open changes nothing.
		w.clk.Advance(time.Hour)
		if _, err := w.svc.PostMessage(ctx, w.auth, n.ID, "Anything else?", false); err != nil {
			t.Fatal(err)
		}
		if again, _ := w.db.Notice(ctx, n.ID, ""); !again.DueAt.Equal(got.DueAt) {
			t.Errorf("a message outside a pause moved the deadline to %v", again.DueAt)
		}
	})
}

// TestClarificationWithoutPause: where the regime does not pause, or the
// notice is settled, or no policy is configured, a request stops nothing.
func TestClarificationWithoutPause(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		noPolicy := *w.svc
		noPolicy.Policy = nil
		settled, _ := w.decided(w.alice, w.authority, notice.KindOrder, review.ActionRemove, tco)
		cases := []struct {
			name string
			svc  *review.Service
			n    *notice.Notice
			clar bool
		}{
			{"ID-PSE does not pause", w.svc, w.file(w.authority, notice.KindOrder), true},
			{"settled notice", w.svc, settled, true},
			{"no policy", &noPolicy, w.file(w.authority, notice.KindOrder, tco), true},
			{"plain message", w.svc, w.file(w.authority, notice.KindOrder, tco), false},
		}
		for _, tc := range cases {
			if _, err := tc.svc.PostMessage(ctx, w.alice, tc.n.ID, "question", tc.clar); err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			ps, err := w.db.Pauses(ctx, tc.n.ID)
			if err != nil || len(ps) != 0 {
				t.Errorf("%s: pauses %+v, %v", tc.name, ps, err)
			}
			ev := findEvent(t, w, tc.n.ID, "clarification.requested")
			if tc.clar && (ev == nil || ev["clock_paused"] != false) {
				t.Errorf("%s: request event %v", tc.name, ev)
			}
			if !tc.clar && ev != nil {
				t.Errorf("%s: a plain message was logged as a request", tc.name)
			}
		}
	})
}

func TestMessageRefusalsAndPaging(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		n := w.file(w.authority, notice.KindOrder)
		cases := []struct {
			name, body string
			by         string
			wantField  string
			want       error
		}{
			{"blank", "  ", "alice", "body:required", nil},
			{"too long", strings.Repeat("x", review.MaxMessage+1), "auth", "body:too_long", nil},
			{"another authority's notice", "hello", "other", "", store.ErrNotFound},
			{"the flagger", "hello", "flag", "", store.ErrNotFound},
		}
		callers := map[string]org.Caller{"alice": w.alice, "auth": w.auth, "other": w.otherAuth, "flag": w.flag}
		for _, tc := range cases {
			_, err := w.svc.PostMessage(ctx, callers[tc.by], n.ID, tc.body, false)
			if tc.wantField != "" && casetest.FieldErr(err) != tc.wantField || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
		if _, err := w.svc.PostMessage(ctx, w.alice, "ntc_missing", "x", false); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown notice: %v", err)
		}
		var ids []string
		for i := range 5 {
			by := w.auth
			if i%2 == 1 {
				by = w.alice
			}
			m, err := w.svc.PostMessage(ctx, by, n.ID, "message", false)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, m.ID)
			w.clk.Advance(time.Millisecond)
		}
		var got []string
		cursor := ""
		for page := 0; ; page++ {
			th, err := w.svc.Messages(ctx, w.auth, n.ID, cursor, 2)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range th.Messages {
				got = append(got, m.ID)
			}
			if th.Next == "" {
				break
			}
			if page > 5 {
				t.Fatal("paging does not end")
			}
			cursor = th.Next
		}
		if !slices.Equal(got, ids) {
			t.Errorf("paged thread %v, want %v", got, ids)
		}
		if th, err := w.svc.Messages(ctx, w.auth, n.ID, "", len(ids)); err != nil || len(th.Messages) != len(ids) || th.Next != "" {
			t.Errorf("a page that holds the whole thread: %+v, %v; want no next cursor", th, err)
		}
		for _, limit := range []int{0, -1} {
			if _, err := w.svc.Messages(ctx, w.auth, n.ID, "", limit); casetest.FieldErr(err) != "limit:invalid" {
				t.Errorf("limit %d: %v, want limit:invalid", limit, err)
			}
		}
		if _, err := w.svc.Messages(ctx, w.otherAuth, n.ID, "", 10); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another authority reads the thread: %v", err)
		}
		if th, err := w.svc.Messages(ctx, w.auth, w.file(w.authority, notice.KindOrder).ID, "", 10); err != nil || th.Messages == nil || len(th.Messages) != 0 {
			t.Errorf("an empty thread: %+v, %v", th, err)
		}
	})
}

func TestObjections(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		order := w.file(w.authority, notice.KindOrder)
		report := w.file(w.flagger, notice.KindReport)
		raise := []struct {
			name      string
			by        org.Caller
			noticeID  string
			reasons   string
			want      error
			wantField string
		}{
			{"authority", w.auth, order.ID, "x", review.ErrPlatformOnly, ""},
			{"no reasons", w.alice, order.ID, "", nil, "reasons:required"},
			{"long reasons", w.alice, order.ID, strings.Repeat("x", review.MaxReasons+1), nil, "reasons:too_long"},
			{"a report", w.alice, report.ID, "x", review.ErrNotOrder, ""},
			{"unknown notice", w.alice, "ntc_missing", "x", store.ErrNotFound, ""},
		}
		for _, tc := range raise {
			_, err := w.svc.Object(ctx, tc.by, tc.noticeID, tc.reasons)
			if tc.wantField != "" && casetest.FieldErr(err) != tc.wantField || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("raise, %s: %v", tc.name, err)
			}
		}
		o, err := w.svc.Object(ctx, w.alice, order.ID, "The account is a news outlet")
		if err != nil {
			t.Fatal(err)
		}
		if o.Status != decision.ObjectionOpen || o.Author != "key:alice" || o.NoticeID != order.ID {
			t.Errorf("objection %+v", o)
		}
		if _, err := w.svc.Object(ctx, w.bob, order.ID, "again"); !errors.Is(err, review.ErrObjectionOpen) {
			t.Errorf("second open objection: %v, want ErrObjectionOpen", err)
		}
		answer := []struct {
			name, outcome, text string
			by                  org.Caller
			want                error
			wantField           string
		}{
			{"the platform", decision.ObjectionUpheld, "", w.alice, review.ErrNotifierOnly, ""},
			{"unknown outcome", "accepted", "", w.auth, nil, "outcome:unknown_value"},
			{"long answer", decision.ObjectionUpheld, strings.Repeat("x", review.MaxReasons+1), w.auth, nil, "reasons:too_long"},
			{"another authority", decision.ObjectionWithdrawn, "", w.otherAuth, store.ErrNotFound, ""},
		}
		for _, tc := range answer {
			_, err := w.svc.AnswerObjection(ctx, tc.by, o.ID, tc.outcome, tc.text)
			if tc.wantField != "" && casetest.FieldErr(err) != tc.wantField || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("answer, %s: %v", tc.name, err)
			}
		}
		if _, err := w.svc.AnswerObjection(ctx, w.auth, "obj_missing", decision.ObjectionUpheld, ""); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown objection: %v", err)
		}
		// The bound is in characters, as everywhere else: Arabic or accented text is not cut at half.
		if _, err := w.svc.AnswerObjection(ctx, w.auth, o.ID, decision.ObjectionUpheld, strings.Repeat("é", review.MaxReasons+1)); casetest.FieldErr(err) != "reasons:too_long" {
			t.Errorf("answer of %d characters: %v", review.MaxReasons+1, err)
		}
		w.clk.Advance(time.Hour)
		long, err := w.svc.AnswerObjection(ctx, w.auth, o.ID, decision.ObjectionUpheld, strings.Repeat("é", review.MaxReasons))
		if err != nil || long.Status != decision.ObjectionUpheld {
			t.Fatalf("answer of %d two-byte characters: %+v, %v", review.MaxReasons, long, err)
		}
		if _, err := w.svc.Object(ctx, w.bob, order.ID, "a second objection"); err != nil {
			t.Fatal(err)
		}
		list0, err := w.svc.Objections(ctx, w.auth, order.ID)
		if err != nil || len(list0) != 2 {
			t.Fatalf("objections %+v, %v", list0, err)
		}
		o = list0[1]
		got, err := w.svc.AnswerObjection(ctx, w.auth, o.ID, decision.ObjectionWithdrawn, "We withdraw the order")
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != decision.ObjectionWithdrawn || got.AnsweredBy != "key:auth" || got.Answer != "We withdraw the order" || !got.AnsweredAt.Equal(w.clk.Now()) {
			t.Errorf("answered objection %+v", got)
		}
		if _, err := w.svc.AnswerObjection(ctx, w.auth, o.ID, decision.ObjectionUpheld, ""); !errors.Is(err, review.ErrObjectionClosed) {
			t.Errorf("second answer: %v, want ErrObjectionClosed", err)
		}
		// Once answered, the platform may object again.
		if _, err := w.svc.Object(ctx, w.bob, order.ID, "new facts"); err != nil {
			t.Errorf("objection after the answer: %v", err)
		}
		list, err := w.svc.Objections(ctx, w.auth, order.ID)
		if err != nil || len(list) != 3 {
			t.Errorf("objections %+v, %v", list, err)
		}
		if _, err := w.svc.Objections(ctx, w.otherAuth, order.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another authority lists objections: %v", err)
		}
	})
}
