package retro_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/proctest"
	"github.com/sigap/sigap/internal/retro"
	"github.com/sigap/sigap/internal/scanstream"
	"github.com/sigap/sigap/internal/scanstream/natstest"
	"github.com/sigap/sigap/internal/server"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

// rig is a real sigap server on loopback, a real NATS JetStream server
// whose posts stream keeps posts, and a live scan worker between them.
type rig struct {
	t     *testing.T
	s     *server.Server
	base  string
	admin string
	js    jetstream.JetStream
	live  *scanstream.Worker
}

func startNATS(t *testing.T) jetstream.JetStream {
	t.Helper()
	_, js := natstest.JetStream(t, natstest.Server(t, 0))
	return js
}

// startSigap runs sigap serve on the engine (a second call on the same
// engine is a restart) until the test ends.
func startSigap(t *testing.T, e storetest.Engine) (*server.Server, string) {
	t.Helper()
	s, err := server.New(context.Background(), config.Config{Addr: "127.0.0.1:0", DataDir: e.Dir, DB: e.URL}, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, func(a string) { addr <- a }) }()
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			stop()
			<-done
			s.Close()
		}
	})
	select {
	case a := <-addr:
		return s, "http://" + a
	case err := <-done:
		stopped = true
		s.Close()
		t.Fatalf("serve: %v", err)
	}
	return nil, ""
}

func newRig(t *testing.T, e storetest.Engine) *rig {
	t.Helper()
	s, base := startSigap(t, e)
	r := &rig{t: t, s: s, base: base, admin: s.AdminKey, js: startNATS(t)}
	cfg := scanstream.Config{Workers: 1, Retain: 24 * time.Hour}
	if _, err := scanstream.Ensure(context.Background(), r.js, cfg); err != nil {
		t.Fatal(err)
	}
	r.live = scanstream.New(r.js, s.Scanner, cfg, nil)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.live.Run(ctx) }()
	t.Cleanup(func() { stop(); <-done })
	return r
}

// call sends a JSON request with key and decodes the answer into out (when not nil).
func (r *rig) call(method, path, key string, body any, out any) int {
	r.t.Helper()
	code, raw := proctest.Call(r.t, method, r.base+path, key, body)
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			r.t.Fatalf("%s %s: %d %s: %v", method, path, code, raw, err)
		}
	}
	return code
}

// publish puts posts on the stream and waits until the live worker has scanned them.
func (r *rig) publish(posts ...string) {
	r.t.Helper()
	ctx := context.Background()
	want := r.live.Stats.Scanned.Load() + int64(len(posts))
	for _, p := range posts {
		if _, err := r.js.Publish(ctx, scanstream.PostsSubject+".test", []byte(p)); err != nil {
			r.t.Fatal(err)
		}
	}
	for deadline := time.Now().Add(30 * time.Second); r.live.Stats.Scanned.Load() < want; {
		if time.Now().After(deadline) {
			r.t.Fatalf("the live worker scanned %d posts, want %d", r.live.Stats.Scanned.Load(), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (r *rig) runner(holder string) *retro.Runner {
	return &retro.Runner{Service: r.s.Retro, Scanner: r.s.Scanner, JS: r.js, Holder: holder, Rate: -1}
}

func post(channel string, id int, text string) string {
	return fmt.Sprintf(`{"channel":%q,"message_id":"%d","text":%q}`, channel, id, text)
}

type incidentView struct {
	ID     string `json:"id"`
	State  string `json:"state"`
	BankID string `json:"bank_id"`
	ListID string `json:"list_id"`
	Lane   string `json:"lane"`
	Report struct {
		Cases       int `json:"cases"`
		Live        int `json:"live"`
		Retroactive int `json:"retroactive"`
		Hours       []struct {
			Live, Retroactive int
		} `json:"hours"`
		Summary map[string]string `json:"summary"`
	} `json:"report"`
	Cases []struct {
		CaseID      string `json:"case_id"`
		Post        string `json:"post"`
		Retroactive bool   `json:"retroactive"`
	} `json:"cases"`
}

type jobView struct {
	ID         string  `json:"id"`
	State      string  `json:"state"`
	IncidentID string  `json:"incident_id"`
	Total      int64   `json:"total"`
	Scanned    int64   `json:"scanned"`
	Posts      int64   `json:"posts"`
	Hits       int64   `json:"hits"`
	Progress   float64 `json:"progress"`
	Error      string  `json:"error"`
	Filings    []struct {
		NoticeID    string `json:"notice_id"`
		CaseID      string `json:"case_id"`
		Post        string `json:"post"`
		Retroactive bool   `json:"retroactive"`
	} `json:"filings"`
}

// TestKeywordAddedDuringIncidentFindsTheHourBefore is the done-when of the
// crisis protocol: posts published to NATS before a keyword existed are
// found once it is added to a declared incident's list, and filed in the
// incident lane, marked retroactive; a post after it is filed live.
func TestKeywordAddedDuringIncidentFindsTheHourBefore(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		r := newRig(t, e)
		// The hour before: three posts with the phrase, two without. The live
		// scan sees them with no rule for the phrase and files nothing.
		r.publish(post("kanal_satu", 1, "serbu markas sekarang, serangan fajar!"), post("kanal_satu", 2, "cuaca cerah"),
			post("kanal_dua", 7, "SERANGAN FAJAR dimulai"), post("kanal_dua", 8, "harga cabai naik"),
			post("kanal_tiga", 3, "ikuti serangan   fajar"))
		if hits, _ := r.s.DB.RecentHits(t.Context(), "", "", 10); len(hits) != 0 {
			t.Fatalf("live scan before the keyword: %d hits", len(hits))
		}

		var inc incidentView
		started := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
		if code := r.call("POST", "/v1/incidents", r.admin, map[string]any{"name": "Serangan fajar", "labels": []string{"terrorism"},
			"started_at": started}, &inc); code != http.StatusCreated {
			t.Fatalf("declare: %d", code)
		}
		if inc.BankID == "" || inc.ListID == "" || inc.Lane != store.LaneIncident {
			t.Fatalf("incident = %+v, want its own bank and list and the incident lane", inc)
		}
		// The on-call contacts are paged at the declaration.
		var alerts struct {
			Items []struct{ Kind, Detail string }
		}
		r.call("GET", "/v1/alerts", r.admin, nil, &alerts)
		if len(alerts.Items) == 0 || alerts.Items[0].Kind != "incident" || !strings.Contains(alerts.Items[0].Detail, inc.ID) {
			t.Fatalf("alerts = %+v, want an incident page naming %s", alerts.Items, inc.ID)
		}

		if code := r.call("POST", "/v1/lists/"+inc.ListID+"/entries", r.admin, map[string]any{"value": "serangan fajar", "source": "incident desk"},
			nil); code != http.StatusCreated {
			t.Fatalf("add keyword: %d", code)
		}
		var jobs struct{ Items []jobView }
		r.call("GET", "/v1/retro-scans?incident_id="+inc.ID, r.admin, nil, &jobs)
		if len(jobs.Items) != 1 || jobs.Items[0].State != store.RetroQueued {
			t.Fatalf("retro scans of the incident = %+v, want one queued", jobs.Items)
		}
		// A post after the keyword is caught live (once the live matcher has it: it reloads within a second).
		if err := r.s.Scanner.Reload(t.Context(), true); err != nil {
			t.Fatal(err)
		}
		r.publish(post("kanal_empat", 9, "serangan fajar lagi"))

		if ran, err := r.runner("worker-a").RunOnce(t.Context()); !ran || err != nil {
			t.Fatalf("run retro job: ran %v, %v", ran, err)
		}
		var job jobView
		r.call("GET", "/v1/retro-scans/"+jobs.Items[0].ID, r.admin, nil, &job)
		if job.State != store.RetroDone || job.Hits != 3 || job.Posts != 5 || job.Progress != 1 || len(job.Filings) != 3 {
			t.Fatalf("job = %+v, want done with 3 hits in the 5 posts before the keyword", job)
		}
		for _, f := range job.Filings {
			if !f.Retroactive || f.CaseID == "" {
				t.Errorf("filing %+v not marked retroactive or without a case", f)
			}
		}

		r.call("GET", "/v1/incidents/"+inc.ID, r.admin, nil, &inc)
		if inc.Report.Cases != 4 || inc.Report.Retroactive != 3 || inc.Report.Live != 1 || len(inc.Cases) != 4 {
			t.Fatalf("incident figures = %+v, cases %+v; want 3 retroactive and 1 live", inc.Report, inc.Cases)
		}
		// Every case waits in the incident lane, and a reviewer gets them before anything else.
		for _, c := range inc.Cases {
			var cs struct{ Lane string }
			r.call("GET", "/v1/cases/"+c.CaseID, r.admin, nil, &cs)
			if cs.Lane != store.LaneIncident {
				t.Errorf("case %s of %s is in lane %q, want incident", c.CaseID, c.Post, cs.Lane)
			}
		}

		var rep struct {
			Retroactive int               `json:"retroactive"`
			Summary     map[string]string `json:"summary"`
		}
		if code := r.call("POST", "/v1/incidents/"+inc.ID+"/close", r.admin, nil, &rep); code != http.StatusOK || rep.Retroactive != 3 ||
			rep.Summary["id"] == "" || rep.Summary["en"] == "" {
			t.Fatalf("close: %d %+v", code, rep)
		}
		var problem struct{ Code string }
		if code := r.call("POST", "/v1/incidents/"+inc.ID+"/close", r.admin, nil, &problem); code != http.StatusConflict || problem.Code != "incident_closed" {
			t.Fatalf("closing twice: %d %+v, want 409 incident_closed", code, problem)
		}
		// The declaration and the close are in the audit record, once each.
		var aud struct {
			Items []struct{ Action, Object string }
		}
		r.call("GET", "/v1/audit", r.admin, nil, &aud)
		seen := map[string]int{}
		for _, it := range aud.Items {
			if it.Object == inc.ID {
				seen[it.Action]++
			}
		}
		if seen["incident.declared"] != 1 || seen["incident.closed"] != 1 {
			t.Errorf("audit record of %s = %v, want one declared and one closed", inc.ID, seen)
		}
	})
}

// TestRetroJobSurvivesRestartAndTakeover: a queued job outlives the
// process that queued it, and a running job whose worker stopped beating
// is taken over and finished by another, without filing twice.
func TestRetroJobSurvivesRestartAndTakeover(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		r := newRig(t, e)
		ctx := t.Context()
		var posts []string
		for i := range 40 {
			text := "berita biasa"
			if i%4 == 0 {
				text = "bom panci di alun-alun"
			}
			posts = append(posts, post("kanal_lima", i+1, text))
		}
		r.publish(posts...)
		var list struct{ ID string }
		if code := r.call("POST", "/v1/lists", r.admin, map[string]any{"name": "Bom", "kind": "keyword", "policy": "review",
			"labels": []string{"terrorism"}}, &list); code != http.StatusCreated {
			t.Fatalf("create list: %d", code)
		}
		added := time.Now().Truncate(time.Millisecond)
		r.call("POST", "/v1/lists/"+list.ID+"/entries", r.admin, map[string]any{"value": "bom panci"}, nil)

		// A worker claims the job and dies before scanning anything.
		dead, err := r.s.DB.ClaimRetroJob(ctx, "worker-dead", time.Now(), time.Now().Add(-time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		// While its heartbeat is fresh nobody else may run a retro job.
		if ran, err := r.runner("worker-b").RunOnce(ctx); ran || err != nil {
			t.Fatalf("second worker ran a job beside a live one: %v %v", ran, err)
		}
		rb := r.runner("worker-b")
		rb.Stale = time.Millisecond
		time.Sleep(5 * time.Millisecond)
		if ran, err := rb.RunOnce(ctx); !ran || err != nil {
			t.Fatalf("take-over: ran %v, %v", ran, err)
		}
		var job jobView
		r.call("GET", "/v1/retro-scans/"+dead.ID, r.admin, nil, &job)
		if job.State != store.RetroDone || job.Hits != 10 || len(job.Filings) != 10 {
			t.Fatalf("job after take-over = %+v, want done with 10 hits", job)
		}
		// Scanning the same posts again (a second job for the same entry) files nothing new.
		var again jobView
		if code := r.call("POST", "/v1/retro-scans", r.admin, map[string]any{"set_id": list.ID}, &again); code != http.StatusAccepted {
			t.Fatalf("start: %d", code)
		}
		if ran, err := r.runner("worker-c").RunOnce(ctx); !ran || err != nil {
			t.Fatalf("second scan: %v %v", ran, err)
		}
		notices, err := r.s.DB.RecentHits(ctx, "", "", 100)
		if err != nil || len(notices) != 10 {
			t.Fatalf("hits after scanning twice = %d (%v), want 10", len(notices), err)
		}
		// The hits are recorded when the posts were made, before the entry: the
		// flood guard counts them in their own hour, not all in the scan's.
		for _, h := range notices {
			if !h.At.Before(added) {
				t.Errorf("hit on %s recorded at %s, after the entry was added at %s", h.Post, h.At, added)
			}
		}
	})
}

// TestBadRequestsChangeNothing: unknown sets, windows too large, bad
// incidents, and callers without the role get clear problems, and no job or
// incident is stored.
func TestBadRequestsChangeNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		r := newRig(t, e)
		var platform struct {
			Items []struct{ ID, Kind string }
		}
		r.call("GET", "/v1/orgs", r.admin, nil, &platform)
		var reviewer, authority struct{ Key string }
		r.call("POST", "/v1/orgs/"+platform.Items[0].ID+"/keys", r.admin, map[string]any{"role": "reviewer"}, &reviewer)
		var auth struct{ ID string }
		r.call("POST", "/v1/orgs", r.admin, map[string]any{"name": "Kementerian", "kind": "authority"}, &auth)
		r.call("POST", "/v1/orgs/"+auth.ID+"/keys", r.admin, map[string]any{"role": "admin"}, &authority)
		var list struct{ ID string }
		r.call("POST", "/v1/lists", r.admin, map[string]any{"name": "L", "kind": "keyword", "policy": "review", "labels": []string{"terrorism"}}, &list)
		future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		old := time.Now().Add(-40 * 24 * time.Hour).UTC().Format(time.RFC3339)
		for _, tc := range []struct {
			name, method, path, key string
			body                    any
			status                  int
			code                    string
		}{
			{"unknown set", "POST", "/v1/retro-scans", r.admin, map[string]any{"set_id": "lst_nope"}, 404, "not_found"},
			{"no set", "POST", "/v1/retro-scans", r.admin, map[string]any{}, 422, "validation"},
			{"window too large", "POST", "/v1/retro-scans", r.admin, map[string]any{"set_id": list.ID, "window_hours": 721}, 422, "validation"},
			{"window negative", "POST", "/v1/retro-scans", r.admin, map[string]any{"set_id": list.ID, "window_hours": -1}, 422, "validation"},
			{"empty set", "POST", "/v1/retro-scans", r.admin, map[string]any{"set_id": list.ID}, 422, "validation"},
			{"unknown entry", "POST", "/v1/retro-scans", r.admin, map[string]any{"set_id": list.ID, "entry_ids": []string{"ent_x"}}, 422, "validation"},
			{"unknown field", "POST", "/v1/retro-scans", r.admin, map[string]any{"set_id": list.ID, "sql": "drop"}, 422, "validation"},
			{"reviewer starts a scan", "POST", "/v1/retro-scans", reviewer.Key, map[string]any{"set_id": list.ID}, 403, ""},
			{"authority starts a scan", "POST", "/v1/retro-scans", authority.Key, map[string]any{"set_id": list.ID}, 403, "forbidden_tenant"},
			{"no labels", "POST", "/v1/incidents", r.admin, map[string]any{"name": "x"}, 422, "validation"},
			{"bad label", "POST", "/v1/incidents", r.admin, map[string]any{"name": "x", "labels": []string{"two words"}}, 422, "validation"},
			{"no name", "POST", "/v1/incidents", r.admin, map[string]any{"labels": []string{"terrorism"}}, 422, "validation"},
			{"name with control characters", "POST", "/v1/incidents", r.admin, map[string]any{"name": "a\x00b", "labels": []string{"terrorism"}}, 422, "validation"},
			{"started in the future", "POST", "/v1/incidents", r.admin, map[string]any{"name": "x", "labels": []string{"terrorism"}, "started_at": future}, 422, "validation"},
			{"started too long ago", "POST", "/v1/incidents", r.admin, map[string]any{"name": "x", "labels": []string{"terrorism"}, "started_at": old}, 422, "validation"},
			{"started_at not a time", "POST", "/v1/incidents", r.admin, map[string]any{"name": "x", "labels": []string{"terrorism"}, "started_at": "yesterday"}, 400, ""},
			{"unknown bank", "POST", "/v1/incidents", r.admin, map[string]any{"name": "x", "labels": []string{"terrorism"}, "bank_id": "bnk_nope"}, 422, "validation"},
			{"a list as the bank", "POST", "/v1/incidents", r.admin, map[string]any{"name": "x", "labels": []string{"terrorism"}, "bank_id": list.ID}, 422, "validation"},
			{"too many labels", "POST", "/v1/incidents", r.admin, map[string]any{"name": "x", "labels": strings.Split(strings.Repeat("a,", 30)+"b", ",")}, 422, "validation"},
			{"huge name", "POST", "/v1/incidents", r.admin, map[string]any{"name": strings.Repeat("n", 5000), "labels": []string{"terrorism"}}, 422, "validation"},
			{"reviewer declares", "POST", "/v1/incidents", reviewer.Key, map[string]any{"name": "x", "labels": []string{"terrorism"}}, 403, ""},
			{"authority declares", "POST", "/v1/incidents", authority.Key, map[string]any{"name": "x", "labels": []string{"terrorism"}}, 403, "forbidden_tenant"},
			{"no key", "POST", "/v1/incidents", "", map[string]any{"name": "x", "labels": []string{"terrorism"}}, 401, ""},
			{"close unknown", "POST", "/v1/incidents/inc_nope/close", r.admin, nil, 404, "not_found"},
			{"authority reads", "GET", "/v1/incidents", authority.Key, nil, 403, "forbidden_tenant"},
		} {
			var problem struct{ Code string }
			if code := r.call(tc.method, tc.path, tc.key, tc.body, &problem); code != tc.status || (tc.code != "" && problem.Code != tc.code) {
				t.Errorf("%s: %d %q, want %d %q", tc.name, code, problem.Code, tc.status, tc.code)
			}
		}
		var incidents, jobs struct{ Items []json.RawMessage }
		r.call("GET", "/v1/incidents", r.admin, nil, &incidents)
		r.call("GET", "/v1/retro-scans", r.admin, nil, &jobs)
		if len(incidents.Items) != 0 || len(jobs.Items) != 0 {
			t.Errorf("after refused requests: %d incidents, %d retro scans; want none", len(incidents.Items), len(jobs.Items))
		}
	})
}
