package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/jobs"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/server"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

func cfgFor(e storetest.Engine) config.Config {
	return config.Config{Addr: "127.0.0.1:0", DataDir: e.Dir, DB: e.URL, ShutdownTimeout: 10 * time.Second}
}

// newServer starts a server on cfg with its logs discarded, or fails t.
func newServer(t *testing.T, ctx context.Context, cfg config.Config) *server.Server {
	t.Helper()
	s, err := server.New(ctx, cfg, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// authorityKey makes an authority on s and gives its API key.
func authorityKey(ctx context.Context, s *server.Server) string {
	o, _ := s.API.Admin.CreateOrg(ctx, "Authority", org.KindAuthority, "")
	k, _ := s.API.Admin.CreateKey(ctx, o.ID, org.RoleAuthority)
	return k.Secret
}

// serveAsync serves s on a free port until stop; served gets what Serve
// returns.
func serveAsync(ctx context.Context, s *server.Server) (base string, stop context.CancelFunc, served <-chan error) {
	sctx, stop := context.WithCancel(ctx)
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- s.Serve(sctx, func(a string) { addr <- a }) }()
	return "http://" + <-addr, stop, done
}

// TestFirstStart checks the bootstrap writes one admin key (0600) and a
// signing key, and that a second start keeps both.
func TestFirstStart(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		ctx := t.Context()
		s := newServer(t, ctx, cfgFor(e))
		key := filepath.Join(e.Dir, "admin.key")
		b, err := os.ReadFile(key)
		if err != nil || strings.TrimSpace(string(b)) != s.AdminKey || strings.Count(string(b), "\n") != 1 {
			t.Fatalf("admin.key = %q, %v", b, err)
		}
		for _, f := range []string{"admin.key", "receipt-signing.key"} {
			if info, err := os.Stat(filepath.Join(e.Dir, f)); err != nil || info.Mode().Perm() != 0o600 {
				t.Errorf("%s: mode %v, %v; want 0600", f, info.Mode().Perm(), err)
			}
		}
		signer := s.API.Signer.KeyID()
		s.Close()
		again := newServer(t, ctx, cfgFor(e))
		defer again.Close()
		if again.AdminKey != "" || again.API.Signer.KeyID() != signer {
			t.Errorf("second start made a new admin key or signing key")
		}
	})
}

// readyz answers GET /readyz through the whole handler, as a load balancer asks.
func readyz(t *testing.T, s *server.Server) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	var body struct {
		Status any    `json:"status"` // "ok", or the problem's status code
		Code   string `json:"code"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("/readyz: %d %q: %v", rec.Code, rec.Body, err)
	}
	if body.Code != "" {
		return rec.Code, body.Code
	}
	return rec.Code, fmt.Sprint(body.Status)
}

// TestShutdownLosesNothingAcknowledged stops the server while clients are
// posting and checks /readyz went from starting to ready to draining, that
// the final checkpoint signed on the way out covers the log entry of every
// notice that got a 201, and that each is in the database after a restart.
func TestShutdownLosesNothingAcknowledged(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		ctx := t.Context()
		s := newServer(t, ctx, cfgFor(e))
		if code, what := readyz(t, s); code != http.StatusServiceUnavailable || what != "starting" {
			t.Errorf("/readyz before Serve: %d %s, want 503 starting", code, what)
		}
		key := authorityKey(ctx, s)
		base, stop, served := serveAsync(ctx, s)
		if code, what := readyz(t, s); code != http.StatusOK || what != "ok" {
			t.Errorf("/readyz while serving: %d %s, want 200 ok", code, what)
		}
		var mu sync.Mutex
		acked := map[string]int64{} // notice id -> log index
		var wg sync.WaitGroup
		hc := &http.Client{Timeout: 10 * time.Second}
		for c := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					body := fmt.Sprintf(`{"kind":"order","category":"terrorism","explanation":"x","legal_basis":"y","subjects":[{"url":"https://t.me/chan%d/%d"}]}`, c, i+1)
					req, _ := http.NewRequest("POST", base+"/v1/notices", strings.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+key)
					resp, err := hc.Do(req)
					if err != nil {
						return
					}
					var n struct {
						ID       string `json:"id"`
						LogIndex *int64 `json:"log_index"`
					}
					derr := json.NewDecoder(resp.Body).Decode(&n)
					resp.Body.Close()
					if resp.StatusCode == http.StatusCreated {
						if derr != nil || n.LogIndex == nil {
							t.Errorf("201 without an id and log_index: %v", derr)
							return
						}
						mu.Lock()
						acked[n.ID] = *n.LogIndex
						mu.Unlock()
					}
				}
			}()
		}
		for {
			mu.Lock()
			n := len(acked)
			mu.Unlock()
			if n >= 40 {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		stop()
		if err := <-served; err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		if code, what := readyz(t, s); code != http.StatusServiceUnavailable || what != "shutting_down" {
			t.Errorf("/readyz after SIGTERM: %d %s, want 503 shutting_down", code, what)
		}
		// The checkpoint Serve signed last, before Close (and its log loop) ran.
		final := s.TransLog.Latest().Size
		for id, idx := range acked {
			if idx >= final {
				t.Errorf("notice %s (log index %d) acknowledged but not covered by the final checkpoint of %d entries", id, idx, final)
			}
		}
		s.Close()

		again := newServer(t, ctx, cfgFor(e))
		defer again.Close()
		if sc, err := again.DB.LatestCheckpoint(ctx); err != nil || sc.Size < final {
			t.Errorf("stored checkpoint: %d, %v; want the final one of %d entries", sc.Size, err, final)
		}
		for id := range acked {
			if _, err := again.DB.Notice(ctx, id, ""); err != nil {
				t.Errorf("acknowledged notice %s lost: %v", id, err)
			}
		}
	})
}

// TestDrainServesDuringGrace checks that after SIGTERM /readyz answers 503
// over the wire while the server still takes requests, for the drain grace.
func TestDrainServesDuringGrace(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		ctx := t.Context()
		cfg := cfgFor(e)
		cfg.DrainGrace = 3 * time.Second // ample for the few requests below; the test does not measure it
		s := newServer(t, ctx, cfg)
		defer s.Close()
		key := authorityKey(ctx, s)
		base, stop, served := serveAsync(ctx, s)
		hc := &http.Client{Timeout: 10 * time.Second}
		stop()
		for {
			resp, err := hc.Get(base + "/readyz")
			if err != nil {
				t.Fatalf("/readyz during the drain: %v; want 503 while still serving", err)
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusServiceUnavailable {
				if !resp.Close {
					t.Errorf("draining answer without Connection: close")
				}
				break
			}
		}
		req, _ := http.NewRequest("POST", base+"/v1/notices", strings.NewReader(
			`{"kind":"order","category":"terrorism","explanation":"x","legal_basis":"y","subjects":[{"url":"https://t.me/drain/1"}]}`))
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatalf("a notice during the drain grace: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Errorf("a notice during the drain grace: %d, want 201", resp.StatusCode)
		}
		if err := <-served; err != nil {
			t.Fatal(err)
		}
	})
}

// TestShutdownHandsJobsBack checks a job cut short by the stop is due again
// at once, for another replica, not after its lease or a back-off.
func TestShutdownHandsJobsBack(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		ctx := t.Context()
		s := newServer(t, ctx, cfgFor(e))
		defer s.Close()
		started := make(chan struct{})
		s.Jobs.Handle("test.slow", func(ctx context.Context, j *jobs.Job) error {
			close(started)
			<-ctx.Done() // a delivery still waiting on its receiver
			return ctx.Err()
		}, nil)
		if err := s.DB.Write(ctx, func(tx *store.Tx) error {
			return s.Jobs.Enqueue(ctx, tx, jobs.Spec{Kind: "test.slow", Key: "slow-1"})
		}); err != nil {
			t.Fatal(err)
		}
		sctx, stop := context.WithCancel(ctx)
		served := make(chan error, 1)
		go func() { served <- s.Serve(sctx, nil) }()
		<-started
		stop()
		if err := <-served; err != nil {
			t.Fatal(err)
		}
		j, err := s.DB.JobByKey(ctx, "slow-1")
		if err != nil {
			t.Fatal(err)
		}
		if j.State != store.JobAvailable || j.RunAt.After(time.Now()) || !strings.Contains(j.LastError, "interrupted by shutdown") {
			t.Errorf("job after the stop: %s, due %v (now %v), %q; want available and due now", j.State, j.RunAt, time.Now(), j.LastError)
		}
	})
}
