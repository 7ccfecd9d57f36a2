package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/client"
	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/logtest"
	"github.com/sigap/sigap/internal/scanstream"
	"github.com/sigap/sigap/internal/scanstream/natstest"
	"github.com/sigap/sigap/internal/store/storetest"
)

// TestScanWorkerRunsRetroactiveScans runs sigap serve's server and `sigap
// scan-worker --nats` on one database and a real NATS server: posts
// published before a keyword existed are found by the worker's retroactive
// scan once the keyword is added to a declared incident, and filed in the
// incident lane.
func TestScanWorkerRunsRetroactiveScans(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		ctx := t.Context()
		s, ts := startServer(t, config.Config{DataDir: e.Dir, DB: e.URL})
		ns := natstest.Server(t, 0)
		_, js := natstest.JetStream(t, ns)
		logs := &logtest.Buffer{}
		wctx, stop := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			done <- runScanWorker(wctx, testEnv(io.Discard, logs, nil),
				[]string{"--data", e.Dir, "--db", e.URL, "--nats", ns.ClientURL(), "--workers", "1", "--retain", "1h"})
		}()
		t.Cleanup(func() {
			stop()
			if err := <-done; err != nil {
				t.Errorf("scan-worker: %v", err)
			}
		})
		api := client.New(ts.URL, s.AdminKey)
		// post sends a POST that must answer 201 Created, its answer into out.
		post := func(path string, body, out any) {
			t.Helper()
			resp, err := api.Do(ctx, "POST", path, body, nil, out)
			if err != nil {
				t.Fatalf("POST %s: %v", path, err)
			}
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("POST %s: %s, want 201", path, resp.Status)
			}
		}
		// The worker makes the retained stream; the platform publishes the hour's posts.
		for deadline := time.Now().Add(20 * time.Second); ; {
			if str, err := js.Stream(ctx, scanstream.StreamName); err == nil {
				if info := str.CachedInfo(); info.Config.MaxAge != time.Hour {
					t.Fatalf("posts stream max age %s, want the --retain of 1h", info.Config.MaxAge)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the worker made no posts stream; its log:\n%s", logs.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
		for i, text := range []string{"bakar gedung itu malam ini", "pasar murah", "BAKAR GEDUNG sekarang"} {
			body := fmt.Sprintf(`{"channel":"kanal_cli","message_id":"%d","text":%q}`, i+1, text)
			if _, err := js.Publish(ctx, scanstream.PostsSubject+".cli", []byte(body)); err != nil {
				t.Fatal(err)
			}
		}
		// The live worker has scanned and acknowledged them, with no rule for the phrase yet.
		for deadline := time.Now().Add(30 * time.Second); ; {
			c, err := js.Consumer(ctx, scanstream.StreamName, scanstream.DefaultConsumer)
			if err == nil {
				if info, err := c.Info(ctx); err == nil && info.AckFloor.Stream == 3 {
					break
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("the live worker did not acknowledge the 3 posts; its log:\n%s", logs.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
		var inc struct {
			ID     string `json:"id"`
			ListID string `json:"list_id"`
		}
		post("/v1/incidents", map[string]any{"name": "Pembakaran", "labels": []string{"terrorism"}}, &inc)
		if inc.ID == "" || inc.ListID == "" {
			t.Fatalf("declare: the answer lacks the incident's id or list_id: %+v", inc)
		}
		post("/v1/lists/"+inc.ListID+"/entries", map[string]any{"value": "bakar gedung"}, nil)
		var detail struct {
			Report struct{ Retroactive int }
			Cases  []struct {
				CaseID      string `json:"case_id"`
				Retroactive bool
			}
		}
		for deadline := time.Now().Add(60 * time.Second); ; {
			_, _ = api.Do(ctx, "GET", "/v1/incidents/"+inc.ID, nil, nil, &detail) // polled: a miss is tried again
			if detail.Report.Retroactive == 2 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("incident found %d retroactive cases, want 2; worker log:\n%s", detail.Report.Retroactive, logs.String())
			}
			time.Sleep(100 * time.Millisecond)
		}
		for _, c := range detail.Cases {
			var cs struct{ Lane string }
			if _, err := api.Do(ctx, "GET", "/v1/cases/"+c.CaseID, nil, nil, &cs); err != nil {
				t.Fatalf("GET case %s: %v", c.CaseID, err)
			}
			if !c.Retroactive || cs.Lane != "incident" {
				t.Errorf("case %s: retroactive %v, lane %q", c.CaseID, c.Retroactive, cs.Lane)
			}
		}
		// The cases are filed while the job still runs: its end is logged after them.
		for deadline := time.Now().Add(30 * time.Second); !strings.Contains(logs.String(), "retro: job finished"); {
			if time.Now().After(deadline) {
				t.Fatalf("the worker's log does not say the retroactive scan finished:\n%s", logs.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}
