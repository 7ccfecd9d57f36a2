package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/casetest"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/server"
	"github.com/sigap/sigap/internal/store/storetest"
)

// reviewEnv is a whole sigap on a manual clock, with the orgs and keys review needs.
type reviewEnv struct {
	*env
	clk                *clock.Fixed
	authA, authB       string // authority keys of two tenants
	rev1, rev2, rev3   string // three reviewers of the platform
	auditor            string
	platformAdminOrgID string
}

func newReviewEnv(t *testing.T, e storetest.Engine) *reviewEnv {
	t.Helper()
	return startReviewEnv(t, e, nil, nil)
}

// startReviewEnv is newReviewEnv with the config as set changes it and ready,
// if any, seeing the server before its first request (see startEnv).
func startReviewEnv(t *testing.T, e storetest.Engine, set func(*config.Config), ready func(*server.Server)) *reviewEnv {
	t.Helper()
	clk := clock.NewFixed(time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC))
	en := startEnv(t, e, clk, set, ready)
	var me struct {
		Org orgView `json:"org"`
	}
	en.do(t, "GET", "/v1/me", en.admin, nil).decode(t, &me)
	a, b := en.org(t, "Kominfo", "authority"), en.org(t, "Other ministry", "authority")
	return &reviewEnv{env: en, clk: clk, authA: en.key(t, a, "authority"), authB: en.key(t, b, "authority"),
		rev1: en.key(t, me.Org.ID, "reviewer"), rev2: en.key(t, me.Org.ID, "reviewer"), rev3: en.key(t, me.Org.ID, "reviewer"),
		auditor: en.key(t, me.Org.ID, "auditor"), platformAdminOrgID: me.Org.ID}
}

// notice files a notice and returns its id and its first case.
func (e *reviewEnv) notice(t *testing.T, key, kind, regime, url string) (string, string) {
	t.Helper()
	body := map[string]any{"kind": kind, "regime": regime, "category": "terrorism", "explanation": "incites violence",
		"legal_basis": "UU ITE Art. 40", "subjects": []map[string]string{{"url": url}}, "language": "id"}
	r := e.json(t, "POST", "/v1/notices", key, body).want(t, 201, "notice")
	var n struct {
		ID       string
		Subjects []struct {
			CaseID string `json:"case_id"`
		}
	}
	r.decode(t, &n)
	return n.ID, n.Subjects[0].CaseID
}

func (e *reviewEnv) claim(t *testing.T, key string) (string, int) {
	t.Helper()
	// A 204 carries no media type, which the answer checker cannot take, so
	// this request goes out directly and only a 200 is checked against the document.
	body := []byte(`{"languages": ["id"]}`)
	req, _ := http.NewRequest("POST", e.base+"/v1/queue/claim", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == 204 {
		if len(b) != 0 {
			t.Errorf("204 with a body: %s", b)
		}
		return "", 204
	}
	checkResponse(t, "POST", "/v1/queue/claim", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	var c struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("claim: %d %s", resp.StatusCode, b)
	}
	return c.ID, resp.StatusCode
}

func (e *reviewEnv) counts(t *testing.T) map[string]int {
	t.Helper()
	c, err := e.srv.DB.Counts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func removal() map[string]any {
	return map[string]any{"action": "remove", "ground": map[string]string{"type": "law", "reference": "UU ITE Art. 40(2b)"},
		"reasons": "The post calls for attacks on named places.", "territorial_scope": []string{"ID"}}
}

func noticeStatus(t *testing.T, e *reviewEnv, key, id string) (string, json.RawMessage) {
	t.Helper()
	var n struct {
		Status string          `json:"status"`
		Cases  json.RawMessage `json:"cases"`
	}
	e.do(t, "GET", "/v1/notices/"+id, key, nil).decode(t, &n)
	return n.Status, n.Cases
}

func TestReviewFlow(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newReviewEnv, func(ctx context.Context, t *testing.T, e *reviewEnv) {
		ntc, caseID := e.notice(t, e.authA, "order", "ID-PSE", "https://t.me/badchan/1")

		if st, _ := noticeStatus(t, e, e.authA, ntc); st != "received" {
			t.Fatalf("status before claim = %s", st)
		}
		got, status := e.claim(t, e.rev1)
		if status != 200 || got != caseID {
			t.Fatalf("claim = %s %d, want %s", got, status, caseID)
		}
		if st, _ := noticeStatus(t, e, e.authA, ntc); st != "in_review" {
			t.Fatalf("status after claim = %s", st)
		}
		if _, status := e.claim(t, e.rev2); status != 204 {
			t.Fatalf("second reviewer got %d; the only case is leased", status)
		}

		// Refusals that change nothing.
		before := e.counts(t)
		for _, tc := range []struct {
			name, method, path, key string
			body                    any
			status                  int
			code                    string
		}{
			{"decide a case one does not hold", "POST", "/v1/cases/" + caseID + "/decision", e.rev2, removal(), 409, "not_holder"},
			{"authority cannot decide", "POST", "/v1/cases/" + caseID + "/decision", e.authA, removal(), 403, "forbidden_role"},
			{"authority cannot read a case", "GET", "/v1/cases/" + caseID, e.authA, nil, 403, "forbidden_role"},
			{"bad action", "POST", "/v1/cases/" + caseID + "/decision", e.rev1, map[string]any{"action": "nuke",
				"ground": map[string]string{"type": "law", "reference": "x"}, "reasons": "r"}, 422, "validation"},
			{"messages on another tenant's notice", "POST", "/v1/notices/" + ntc + "/messages", e.authB, map[string]any{"body": "hi"}, 404, "not_found"},
			{"read another tenant's thread", "GET", "/v1/notices/" + ntc + "/messages", e.authB, nil, 404, "not_found"},
			{"appeal before a decision", "POST", "/v1/cases/" + caseID + "/appeals", e.rev2, map[string]any{"reasons": "mine"}, 409, "no_decision"},
		} {
			var r reply
			if tc.body == nil {
				r = e.do(t, tc.method, tc.path, tc.key, nil)
			} else {
				r = e.json(t, tc.method, tc.path, tc.key, tc.body)
			}
			if r.Status != tc.status || r.problem(t).Code != tc.code {
				t.Errorf("%s: %d %s, want %d %s", tc.name, r.Status, r.Body, tc.status, tc.code)
			}
		}
		if after := e.counts(t); !maps.Equal(before, after) {
			t.Errorf("refused requests changed the database: %v -> %v", before, after)
		}

		r := e.json(t, "POST", "/v1/cases/"+caseID+"/decision", e.rev1, removal()).want(t, 200, "decide")
		var dec struct{ ID, Status, Action string }
		r.decode(t, &dec)
		if dec.Status != "final" {
			t.Fatalf("decision = %+v", dec)
		}
		if r := e.json(t, "POST", "/v1/cases/"+caseID+"/decision", e.rev1, removal()); r.Status != 409 || r.problem(t).Code != "already_decided" {
			t.Errorf("deciding twice: %d %s", r.Status, r.Body)
		}
		st, cases := noticeStatus(t, e, e.authA, ntc)
		if st != "decided" || !strings.Contains(string(cases), `"action":"remove"`) {
			t.Errorf("after decision: status %s cases %s", st, cases)
		}

		// The statement of reasons in both languages.
		for _, lang := range []string{"id", "en"} {
			r := e.do(t, "GET", "/v1/decisions/"+dec.ID+"/statement?lang="+lang, e.rev3, nil)
			var s struct {
				Language string
				Facts    struct{ Source, Notifier string }
				Redress  struct {
					AppealUntil time.Time `json:"appeal_until"`
				}
			}
			r.decode(t, &s)
			if r.Status != 200 || s.Language != lang || s.Facts.Source != "order" || s.Facts.Notifier != "Kominfo" || s.Redress.AppealUntil.IsZero() {
				t.Errorf("statement %s: %d %s", lang, r.Status, r.Body)
			}
		}

		// Appeals: once, by another reviewer, a reversal asks for a restore.
		r = e.json(t, "POST", "/v1/cases/"+caseID+"/appeals", e.rev2, map[string]any{"reasons": "It was news reporting."}).want(t, 201, "appeal")
		var apl struct{ ID string }
		r.decode(t, &apl)
		if r := e.json(t, "POST", "/v1/cases/"+caseID+"/appeals", e.rev2, map[string]any{"reasons": "again"}); r.Status != 409 || r.problem(t).Code != "already_appealed" {
			t.Errorf("appealing twice: %d %s", r.Status, r.Body)
		}
		if r := e.json(t, "POST", "/v1/appeals/"+apl.ID+"/decision", e.rev1, map[string]any{"outcome": "reversed", "reasons": "x"}); r.Status != 403 || r.problem(t).Code != "same_reviewer" {
			t.Errorf("decider deciding the appeal: %d %s", r.Status, r.Body)
		}
		if r := e.json(t, "POST", "/v1/appeals/"+apl.ID+"/decision", e.rev3, map[string]any{"outcome": "reversed", "reasons": "Journalism is excluded."}); r.Status != 200 {
			t.Fatalf("appeal decision: %d %s", r.Status, r.Body)
		}
		var cv struct {
			Actions []struct{ Action, State string }
		}
		e.do(t, "GET", "/v1/cases/"+caseID, e.auditor, nil).decode(t, &cv)
		restore := 0
		for _, a := range cv.Actions {
			if a.Action == "restore" && a.State == "pending" {
				restore++
			}
		}
		if len(cv.Actions) != 2 || restore != 1 {
			t.Errorf("actions after reversal: %+v", cv.Actions)
		}
		var tl struct {
			Timeline []struct{ Type string }
		}
		e.do(t, "GET", "/v1/notices/"+ntc, e.authA, nil).decode(t, &tl)
		if !hasEvent(tl.Timeline, "notice.appeal") || !hasEvent(tl.Timeline, "notice.decision") {
			t.Errorf("the notifier's timeline lacks the decision or the appeal: %+v", tl.Timeline)
		}
	})
}

func hasEvent(evs []struct{ Type string }, typ string) bool {
	for _, e := range evs {
		if e.Type == typ {
			return true
		}
	}
	return false
}

func TestFourEyes(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newReviewEnv, func(ctx context.Context, t *testing.T, e *reviewEnv) {
		ntc, caseID := e.notice(t, e.authA, "order", "ID-PSE", "https://t.me/lawful/7")
		if got, _ := e.claim(t, e.rev1); got != caseID {
			t.Fatalf("claim = %s", got)
		}
		r := e.json(t, "POST", "/v1/cases/"+caseID+"/decision", e.rev1, map[string]any{"action": "no_action",
			"ground": map[string]string{"type": "law", "reference": "UUD 1945 Art. 28F"}, "reasons": "Lawful reporting."})
		if r.Status != 202 {
			t.Fatalf("no_action on an order: %d %s, want 202", r.Status, r.Body)
		}
		var dec struct{ ID, Status string }
		r.decode(t, &dec)
		var list struct{ Items []struct{ ID string } }
		e.do(t, "GET", "/v1/decisions?status=pending_approval", e.rev2, nil).decode(t, &list)
		if len(list.Items) != 1 || list.Items[0].ID != dec.ID {
			t.Errorf("approvals queue = %+v", list.Items)
		}
		if _, status := e.claim(t, e.rev2); status != 204 {
			t.Errorf("a case waiting for approval was offered again")
		}
		if r := e.do(t, "POST", "/v1/decisions/"+dec.ID+"/approve", e.rev1, nil); r.Status != 403 || r.problem(t).Code != "self_approval" {
			t.Errorf("self approval: %d %s", r.Status, r.Body)
		}
		if st, _ := noticeStatus(t, e, e.authA, ntc); st != "in_review" {
			t.Errorf("status while pending = %s", st)
		}
		if r := e.do(t, "POST", "/v1/decisions/"+dec.ID+"/approve", e.rev2, nil); r.Status != 200 {
			t.Fatalf("approve: %d %s", r.Status, r.Body)
		}
		if r := e.do(t, "POST", "/v1/decisions/"+dec.ID+"/approve", e.rev3, nil); r.Status != 409 || r.problem(t).Code != "not_pending" {
			t.Errorf("approving twice: %d %s", r.Status, r.Body)
		}
		if st, _ := noticeStatus(t, e, e.authA, ntc); st != "rejected" {
			t.Errorf("status after no_action = %s, want rejected", st)
		}
		if r := e.do(t, "GET", "/v1/decisions/"+dec.ID+"/statement", e.rev2, nil); r.Status != 404 || r.problem(t).Code != "no_statement" {
			t.Errorf("statement for no_action: %d %s", r.Status, r.Body)
		}
	})
}

func TestClarificationPausesTheClock(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newReviewEnv, func(ctx context.Context, t *testing.T, e *reviewEnv) {
		ntc, _ := e.notice(t, e.authA, "order", "EU-TCO", "https://t.me/tcochannel/1")
		var before struct {
			DueAt time.Time `json:"due_at"`
		}
		e.do(t, "GET", "/v1/notices/"+ntc, e.authA, nil).decode(t, &before)
		if r := e.json(t, "POST", "/v1/notices/"+ntc+"/messages", e.rev1, map[string]any{"body": "Which post exactly?", "clarification": true}); r.Status != 201 {
			t.Fatalf("clarification: %d %s", r.Status, r.Body)
		}
		e.clk.Advance(30 * time.Minute)
		if r := e.json(t, "POST", "/v1/notices/"+ntc+"/messages", e.authA, map[string]any{"body": "Message 1, the video."}); r.Status != 201 {
			t.Fatalf("answer: %d %s", r.Status, r.Body)
		}
		var after struct {
			DueAt    time.Time `json:"due_at"`
			Timeline []struct{ Type string }
			Cases    []struct {
				DueAt time.Time `json:"due_at"`
			}
		}
		e.do(t, "GET", "/v1/notices/"+ntc, e.authA, nil).decode(t, &after)
		if !after.DueAt.Equal(before.DueAt.Add(30*time.Minute)) || !after.Cases[0].DueAt.Equal(after.DueAt) {
			t.Errorf("due %v -> %v (case %v), want moved by 30m", before.DueAt, after.DueAt, after.Cases[0].DueAt)
		}
		if !hasEvent(after.Timeline, "clock.paused") || !hasEvent(after.Timeline, "clock.resumed") {
			t.Errorf("timeline lacks the pause: %+v", after.Timeline)
		}
		var thread struct {
			Items  []struct{ Side string }
			Pauses []struct {
				EndedAt *time.Time `json:"ended_at"`
			}
		}
		e.do(t, "GET", "/v1/notices/"+ntc+"/messages", e.authA, nil).decode(t, &thread)
		if len(thread.Items) != 2 || thread.Items[0].Side != "platform" || thread.Items[1].Side != "notifier" || len(thread.Pauses) != 1 || thread.Pauses[0].EndedAt == nil {
			t.Errorf("thread = %+v", thread)
		}
		// Under ID-PSE a clarification does not stop the clock.
		ntc2, _ := e.notice(t, e.authA, "order", "ID-PSE", "https://t.me/psechannel/1")
		e.json(t, "POST", "/v1/notices/"+ntc2+"/messages", e.rev1, map[string]any{"body": "?", "clarification": true})
		e.do(t, "GET", "/v1/notices/"+ntc2+"/messages", e.authA, nil).decode(t, &thread)
		if len(thread.Pauses) != 0 {
			t.Errorf("ID-PSE paused the clock: %+v", thread.Pauses)
		}
	})
}

func TestAppealWindowAndObjections(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newReviewEnv, func(ctx context.Context, t *testing.T, e *reviewEnv) {
		ntc, caseID := e.notice(t, e.authA, "order", "ID-PSE", "https://t.me/late/1")

		// Objection: once at a time, answered by the issuing authority only.
		r := e.json(t, "POST", "/v1/notices/"+ntc+"/objections", e.rev1, map[string]any{"reasons": "The content is satire."}).want(t, 201, "object")
		var obj struct{ ID string }
		r.decode(t, &obj)
		if r := e.json(t, "POST", "/v1/notices/"+ntc+"/objections", e.rev1, map[string]any{"reasons": "again"}); r.Status != 409 || r.problem(t).Code != "objection_open" {
			t.Errorf("second objection: %d %s", r.Status, r.Body)
		}
		if r := e.json(t, "POST", "/v1/objections/"+obj.ID+"/answer", e.authB, map[string]any{"outcome": "withdrawn"}); r.Status != 404 {
			t.Errorf("another tenant answered: %d %s", r.Status, r.Body)
		}
		if r := e.json(t, "POST", "/v1/objections/"+obj.ID+"/answer", e.authA, map[string]any{"outcome": "upheld", "reasons": "It is not satire."}); r.Status != 200 {
			t.Errorf("answer: %d %s", r.Status, r.Body)
		}

		if got, _ := e.claim(t, e.rev1); got != caseID {
			t.Fatalf("claim = %s", got)
		}
		if r := e.json(t, "POST", "/v1/cases/"+caseID+"/decision", e.rev1, removal()); r.Status != 200 {
			t.Fatalf("decide: %d %s", r.Status, r.Body)
		}
		e.clk.Advance(184 * 24 * time.Hour)
		before := e.counts(t)
		if r := e.json(t, "POST", "/v1/cases/"+caseID+"/appeals", e.rev2, map[string]any{"reasons": "late"}); r.Status != 409 || r.problem(t).Code != "appeal_window_closed" {
			t.Errorf("late appeal: %d %s", r.Status, r.Body)
		}
		if !maps.Equal(before, e.counts(t)) {
			t.Error("a late appeal changed the database")
		}
	})
}

func TestStatementHeldForTheAuthority(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newReviewEnv, func(ctx context.Context, t *testing.T, e *reviewEnv) {
		until := e.clk.Now().Add(14 * 24 * time.Hour)
		r := e.json(t, "POST", "/v1/notices", e.authA, map[string]any{"kind": "order", "category": "terrorism",
			"explanation": "recruitment video", "legal_basis": "UU 5/2018", "subjects": []map[string]string{{"url": "https://t.me/heldchan/3"}},
			"inform_uploader_after": until.Format(time.RFC3339)})
		if r.Status != 201 {
			t.Fatalf("notice with a hold: %d %s", r.Status, r.Body)
		}
		// Only an authority's notice may carry a hold.
		if r := e.json(t, "POST", "/v1/notices", e.rev1, map[string]any{"kind": "report", "category": "terrorism", "good_faith": true,
			"explanation": "x", "subjects": []map[string]string{{"url": "https://t.me/heldchan/4"}},
			"inform_uploader_after": until.Format(time.RFC3339)}); r.Status != 422 || !r.problem(t).hasError("inform_uploader_after", "not_allowed") {
			t.Errorf("report with a hold: %d %s", r.Status, r.Body)
		}
		caseID, _ := e.claim(t, e.rev1)
		r = e.json(t, "POST", "/v1/cases/"+caseID+"/decision", e.rev1, removal())
		var dec struct{ ID string }
		r.decode(t, &dec)
		if r := e.do(t, "GET", "/v1/decisions/"+dec.ID+"/statement?lang=en", e.rev2, nil); r.Status != 409 || r.problem(t).Code != "statement_held" {
			t.Errorf("statement during the hold: %d %s", r.Status, r.Body)
		}
		e.clk.Advance(15 * 24 * time.Hour)
		if r := e.do(t, "GET", "/v1/decisions/"+dec.ID+"/statement?lang=en", e.rev2, nil); r.Status != 200 {
			t.Errorf("statement after the hold: %d %s", r.Status, r.Body)
		}
	})
}
