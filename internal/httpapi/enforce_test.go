package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/casetest"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/store/storetest"
	"github.com/sigap/sigap/internal/webhook"
)

// receiver is a webhook endpoint on loopback that checks signatures and
// dedupes by webhook-id, as the Standard Webhooks receivers it stands for do.
type receiver struct {
	t      *testing.T
	mu     sync.Mutex
	secret string
	down   bool
	answer string // body of a 2xx answer
	hits   map[string]int
	msgs   []whMsg
	clk    clock.Clock
	bad    int
}

type whMsg struct {
	ID   string
	Type string         `json:"type"`
	Data map[string]any `json:"data"`
}

func newReceiver(t *testing.T, clk clock.Clock) (*receiver, *httptest.Server) {
	rc := &receiver{t: t, hits: map[string]int{}, clk: clk}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		if rc.down {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		if err := webhook.Verify(rc.secret, r.Header, body, rc.clk.Now(), 5*time.Minute); err != nil {
			rc.bad++
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		id := r.Header.Get("webhook-id")
		rc.hits[id]++
		if rc.hits[id] == 1 {
			var m whMsg
			_ = json.Unmarshal(body, &m)
			m.ID = id
			rc.msgs = append(rc.msgs, m)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, rc.answer)
	}))
	t.Cleanup(ts.Close)
	return rc, ts
}

func (rc *receiver) of(typ string) []whMsg {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []whMsg
	for _, m := range rc.msgs {
		if m.Type == typ {
			out = append(out, m)
		}
	}
	return out
}

func newEnforceEnv(t *testing.T, e storetest.Engine) *reviewEnv {
	t.Helper()
	return startReviewEnv(t, e, func(c *config.Config) { c.AllowPrivateWebhooks = true }, nil)
}

// drain runs every due job until none is left.
func (e *reviewEnv) drain(t *testing.T) {
	t.Helper()
	for range 100 {
		n, err := e.srv.Jobs.RunDue(t.Context(), 16)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("jobs keep coming")
}

func (e *reviewEnv) register(t *testing.T, key, url string) string {
	t.Helper()
	r := e.json(t, "PUT", "/v1/webhook", key, map[string]string{"url": url}).want(t, 200, "PUT /v1/webhook")
	var w struct{ URL, Secret string }
	r.decode(t, &w)
	if !strings.HasPrefix(w.Secret, "whsec_") {
		t.Fatalf("secret %q", w.Secret)
	}
	return w.Secret
}

// receiver is a new receiver registered as the webhook of key's org.
func (e *reviewEnv) receiver(t *testing.T, key string) *receiver {
	t.Helper()
	rc, ts := newReceiver(t, e.clk)
	rc.secret = e.register(t, key, ts.URL)
	return rc
}

// decideRemove takes a notice through review to a final remove decision.
func (e *reviewEnv) decideRemove(t *testing.T, caseID string) {
	t.Helper()
	if got, _ := e.claim(t, e.rev1); got != caseID {
		t.Fatalf("claimed %q, want %q", got, caseID)
	}
	r := e.json(t, "POST", "/v1/cases/"+caseID+"/decision", e.rev1, removal())
	switch r.Status {
	case 200:
	case 202:
		var d struct{ ID string }
		r.decode(t, &d)
		if a := e.json(t, "POST", "/v1/decisions/"+d.ID+"/approve", e.rev2, map[string]any{}); a.Status != 200 {
			t.Fatalf("approve: %d %s", a.Status, a.Body)
		}
	default:
		t.Fatalf("decision: %d %s", r.Status, r.Body)
	}
}

func TestEnforcementEndToEnd(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newEnforceEnv, func(ctx context.Context, t *testing.T, e *reviewEnv) {
		plat := e.receiver(t, e.admin)
		auth := e.receiver(t, e.authA)
		if r := e.do(t, "GET", "/v1/webhook", e.authA, nil); r.Status != 200 {
			t.Fatalf("GET /v1/webhook: %d", r.Status)
		}

		nid, cid := e.notice(t, e.authA, "referral", "ID-PSE", "https://t.me/enforce_chan/7")
		e.decideRemove(t, cid)
		e.drain(t)
		reqs := plat.of("action.requested")
		if len(reqs) != 1 {
			t.Fatalf("action.requested deliveries: %d (%+v)", len(reqs), plat.msgs)
		}
		actionID, _ := reqs[0].Data["action_id"].(string)
		if reqs[0].Data["action"] != "remove" || reqs[0].Data["case_id"] != cid || actionID == "" {
			t.Fatalf("action.requested data: %v", reqs[0].Data)
		}
		if len(auth.of("notice.updated")) == 0 {
			t.Errorf("the notifier heard nothing of its notice's progress")
		}
		if r := e.do(t, "GET", "/v1/actions/"+actionID, e.rev1, nil); r.Status != 200 || !strings.Contains(string(r.Body), `"state":"sent"`) {
			t.Errorf("action after delivery: %d %s", r.Status, r.Body)
		}
		// Confirm through the API, with an evidence hash.
		sha := strings.Repeat("ab", 32)
		r := e.json(t, "POST", "/v1/actions/"+actionID+"/confirm", e.admin, map[string]string{
			"executed_at": e.clk.Now().Format(time.RFC3339), "evidence_sha256": sha, "snapshot_ref": "s3://evidence/" + actionID})
		if r.Status != 200 || !strings.Contains(string(r.Body), `"state":"executed"`) {
			t.Fatalf("confirm: %d %s", r.Status, r.Body)
		}
		if again := e.json(t, "POST", "/v1/actions/"+actionID+"/confirm", e.admin, map[string]string{
			"executed_at": e.clk.Now().Format(time.RFC3339)}); again.Status != 200 {
			t.Errorf("second confirm: %d", again.Status)
		}
		e.drain(t)
		var n struct{ Status string }
		e.do(t, "GET", "/v1/notices/"+nid, e.authA, nil).decode(t, &n)
		if n.Status != "actioned" {
			t.Errorf("notice status %q, want actioned", n.Status)
		}
		told := false
		for _, m := range auth.of("notice.updated") {
			told = told || m.Data["status"] == "actioned"
		}
		if !told {
			t.Errorf("the notifier was not told the notice is actioned")
		}
		// Evidence: listed without its hash, read (on the timeline) by the authority, held.
		var ev struct {
			Items []struct{ ID string } `json:"items"`
		}
		listed := e.do(t, "GET", "/v1/evidence?case_id="+cid, e.admin, nil)
		listed.decode(t, &ev)
		if len(ev.Items) != 1 {
			t.Fatalf("evidence: %+v", ev)
		}
		if strings.Contains(string(listed.Body), sha) || strings.Contains(string(listed.Body), "snapshot_ref") {
			t.Errorf("the evidence list shows the hash or the snapshot: %s", listed.Body)
		}
		if r := e.do(t, "GET", "/v1/evidence/"+ev.Items[0].ID, e.authA, nil); r.Status != 200 || !strings.Contains(string(r.Body), sha) {
			t.Errorf("evidence read by the authority: %d %s", r.Status, r.Body)
		}
		if r := e.do(t, "GET", "/v1/evidence/"+ev.Items[0].ID, e.authB, nil); r.Status != 404 {
			t.Errorf("evidence read by another authority: %d", r.Status)
		}
		hold := e.json(t, "POST", "/v1/evidence/"+ev.Items[0].ID+"/hold", e.authA, map[string]string{
			"until": e.clk.Now().AddDate(1, 0, 0).Format(time.RFC3339), "reason": "criminal investigation 12/2026"})
		if hold.Status != 200 {
			t.Errorf("hold: %d %s", hold.Status, hold.Body)
		}
		var c struct {
			Timeline []struct{ Type string } `json:"timeline"`
		}
		e.do(t, "GET", "/v1/cases/"+cid, e.rev1, nil).decode(t, &c)
		var types []string
		for _, ev := range c.Timeline {
			types = append(types, ev.Type)
		}
		for _, want := range []string{"case.actioned", "evidence.preserved", "evidence.accessed", "evidence.hold"} {
			if !strings.Contains(strings.Join(types, " "), want) {
				t.Errorf("case timeline lacks %s: %v", want, types)
			}
		}
		for _, p := range []string{"/v1/webhook/deliveries", "/v1/actions", "/v1/alerts"} {
			if r := e.do(t, "GET", p, e.admin, nil); r.Status != 200 {
				t.Errorf("GET %s: %d", p, r.Status)
			}
		}
		if r := e.do(t, "GET", "/v1/actions", e.authA, nil); r.Status != 403 {
			t.Errorf("authority lists actions: %d", r.Status)
		}
		if plat.bad+auth.bad != 0 {
			t.Errorf("%d deliveries failed signature checks", plat.bad+auth.bad)
		}
	})
}

// TestEndpointDownForAnHour: the platform's endpoint answers 503 for an hour
// (on the injected clock); nothing is lost, and deliveries resume with the
// same webhook-id once it is back.
func TestEndpointDownForAnHour(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newEnforceEnv, func(ctx context.Context, t *testing.T, e *reviewEnv) {
		plat := e.receiver(t, e.admin)
		plat.mu.Lock()
		plat.down = true
		plat.mu.Unlock()
		var cases []string
		for i := range 3 {
			_, cid := e.notice(t, e.authA, "referral", "ID-PSE", "https://t.me/down_chan/"+string(rune('1'+i)))
			cases = append(cases, cid)
		}
		for _, cid := range cases {
			e.decideRemove(t, cid)
		}
		for range 60 {
			e.drain(t)
			e.clk.Advance(time.Minute)
		}
		var out struct {
			Items []struct {
				ID       string
				State    string
				Attempts int
			} `json:"items"`
		}
		e.do(t, "GET", "/v1/webhook/deliveries?state=failing", e.admin, nil).decode(t, &out)
		if len(out.Items) != len(cases) {
			t.Fatalf("failing deliveries after an hour down: %d, want %d", len(out.Items), len(cases))
		}
		for _, d := range out.Items {
			if d.Attempts < 3 {
				t.Errorf("delivery %s tried %d times in an hour", d.ID, d.Attempts)
			}
		}
		plat.mu.Lock()
		plat.down = false
		plat.mu.Unlock()
		// Backoff is capped at an hour: within the next hour every delivery is tried again.
		for range 65 {
			e.drain(t)
			e.clk.Advance(time.Minute)
		}
		if got := len(plat.of("action.requested")); got != len(cases) {
			t.Fatalf("delivered %d action requests after recovery, want %d", got, len(cases))
		}
		for _, d := range out.Items {
			if plat.hits[d.ID] == 0 {
				t.Errorf("delivery %s never arrived under its webhook-id", d.ID)
			}
		}
	})
}

func TestContactsDirectory(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newEnforceEnv, func(ctx context.Context, t *testing.T, e *reviewEnv) {
		for _, c := range []map[string]any{
			{"jurisdiction": "ID", "role": "legal_representative", "name": "Budi Santoso", "email": "budi@example.id", "languages": []string{"id", "en"}},
			{"jurisdiction": "ID", "role": "on_call", "name": "Siti", "email": "siti@example.id", "time_zone": "Asia/Jakarta", "position": 0},
			{"jurisdiction": "ID", "role": "on_call", "name": "Ahmad", "webhook": true, "time_zone": "Asia/Jakarta", "position": 1},
		} {
			if r := e.json(t, "POST", "/v1/contacts", e.admin, c); r.Status != 201 {
				t.Fatalf("add contact: %d %s", r.Status, r.Body)
			}
		}
		if r := e.json(t, "POST", "/v1/contacts", e.admin, map[string]any{"jurisdiction": "Indonesia", "role": "boss", "name": ""}); r.Status != 422 {
			t.Errorf("bad contact: %d", r.Status)
		}
		if r := e.json(t, "POST", "/v1/contacts", e.authA, map[string]any{"jurisdiction": "ID", "role": "pic", "name": "x"}); r.Status != 403 {
			t.Errorf("authority adds a contact: %d", r.Status)
		}
		var d struct {
			LegalReps []struct{ Name string } `json:"legal_representatives"`
			OnCall    []struct{ Name string } `json:"on_call"`
			Current   *struct{ Name string }  `json:"current_on_call"`
		}
		e.do(t, "GET", "/v1/contacts?jurisdiction=ID", e.authA, nil).decode(t, &d)
		if len(d.LegalReps) != 1 || len(d.OnCall) != 2 || d.Current == nil || d.Current.Name != "Siti" {
			t.Errorf("directory: %+v", d)
		}
	})
}

func (e *reviewEnv) fire(t *testing.T) {
	t.Helper()
	for {
		n, err := e.srv.Escalate.FireDue(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	e.drain(t)
}

// TestEscalationOnTheInjectedClock walks a notice's clock through 50%, 80%
// and 100%, and an urgent order left unopened down the on-call line.
func TestEscalationOnTheInjectedClock(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newEnforceEnv, func(ctx context.Context, t *testing.T, e *reviewEnv) {
		auth := e.receiver(t, e.authA)
		for i, name := range []string{"Siti", "Ahmad"} {
			if r := e.json(t, "POST", "/v1/contacts", e.admin, map[string]any{"jurisdiction": "ID", "role": "on_call", "name": name,
				"email": strings.ToLower(name) + "@example.id", "position": i}); r.Status != 201 {
				t.Fatalf("contact: %d %s", r.Status, r.Body)
			}
		}
		// A referral (standard class, 24h under ID-PSE) and an urgent order.
		nid, _ := e.notice(t, e.authA, "referral", "ID-PSE", "https://t.me/esc_chan/1")
		oid, _ := e.notice(t, e.authA, "order", "ID-PSE", "https://t.me/esc_chan/2")
		e.fire(t)
		alerts := func(notice string) []map[string]any {
			var out struct {
				Items []map[string]any `json:"items"`
			}
			e.do(t, "GET", "/v1/alerts?notice_id="+notice, e.admin, nil).decode(t, &out)
			return out.Items
		}
		if a := alerts(nid); len(a) != 0 {
			t.Fatalf("alerts before any fraction: %v", a)
		}
		// 15 minutes: the order is unopened; the first in line is alerted, 15 minutes later the next.
		e.clk.Advance(15 * time.Minute)
		e.fire(t)
		e.clk.Advance(15 * time.Minute)
		e.fire(t)
		un := alerts(oid)
		if len(un) != 2 || un[0]["kind"] != "unopened" || un[0]["contact_id"] == un[1]["contact_id"] {
			t.Errorf("unopened alerts: %v", un)
		}
		// The order's 4h clock: 50% at 2h.
		e.clk.Advance(90 * time.Minute)
		e.fire(t)
		got := map[float64]bool{}
		for _, m := range auth.of("notice.deadline") {
			if m.Data["notice_id"] == oid {
				got[m.Data["fraction"].(float64)] = true
			}
		}
		if !got[0.5] || got[0.8] {
			t.Errorf("order's notice.deadline at 2h: %v", got)
		}
		// Past 24h every fraction of both clocks has fired, and both breaches are on the timelines.
		e.clk.Advance(24 * time.Hour)
		e.fire(t)
		for _, n := range []string{nid, oid} {
			kinds := map[string]int{}
			for _, a := range alerts(n) {
				kinds[a["kind"].(string)]++
			}
			if kinds["deadline"] != 2 || kinds["breach"] != 1 {
				t.Errorf("notice %s alerts: %v", n, kinds)
			}
			r := e.do(t, "GET", "/v1/notices/"+n, e.authA, nil)
			if !strings.Contains(string(r.Body), "notice.deadline_breached") {
				t.Errorf("the authority does not see the breach of %s", n)
			}
		}
		if n := len(auth.of("notice.deadline")); n != 6 {
			t.Errorf("notice.deadline webhooks: %d, want 6", n)
		}
	})
}
