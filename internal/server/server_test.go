package server_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/server"
	"github.com/sigap/sigap/internal/store/storetest"
)

func cfgFor(e storetest.Engine) config.Config {
	return config.Config{Addr: "127.0.0.1:0", DataDir: e.Dir, DB: e.URL, ShutdownTimeout: 10 * time.Second}
}

// TestFirstStart checks the bootstrap writes one admin key (0600) and a
// signing key, and that a second start keeps both.
func TestFirstStart(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		s, err := server.New(ctx, cfgFor(e), slog.New(slog.DiscardHandler), nil)
		if err != nil {
			t.Fatal(err)
		}
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
		again, err := server.New(ctx, cfgFor(e), slog.New(slog.DiscardHandler), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer again.Close()
		if again.AdminKey != "" || again.API.Signer.KeyID() != signer {
			t.Errorf("second start made a new admin key or signing key")
		}
	})
}

// TestShutdownLosesNothingAcknowledged stops the server while clients are
// posting and checks every notice that got a 201 is in the database after a restart.
func TestShutdownLosesNothingAcknowledged(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		s, err := server.New(ctx, cfgFor(e), slog.New(slog.DiscardHandler), nil)
		if err != nil {
			t.Fatal(err)
		}
		o, _ := s.API.Admin.CreateOrg(ctx, "Authority", org.KindAuthority, "")
		k, _ := s.API.Admin.CreateKey(ctx, o.ID, org.RoleAuthority)
		sctx, stop := context.WithCancel(ctx)
		addr := make(chan string, 1)
		served := make(chan error, 1)
		go func() { served <- s.Serve(sctx, func(a string) { addr <- a }) }()
		base := "http://" + <-addr
		var mu sync.Mutex
		acked := map[string]bool{}
		var wg sync.WaitGroup
		hc := &http.Client{Timeout: 10 * time.Second}
		for c := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					body := fmt.Sprintf(`{"kind":"order","category":"terrorism","explanation":"x","legal_basis":"y","subjects":[{"url":"https://t.me/chan%d/%d"}]}`, c, i+1)
					req, _ := http.NewRequest("POST", base+"/v1/notices", strings.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+k.Secret)
					resp, err := hc.Do(req)
					if err != nil {
						return
					}
					var buf [4096]byte
					n, _ := resp.Body.Read(buf[:])
					resp.Body.Close()
					if resp.StatusCode == http.StatusCreated {
						id := strings.SplitN(strings.SplitN(string(buf[:n]), `"id":"`, 2)[1], `"`, 2)[0]
						mu.Lock()
						acked[id] = true
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
		s.Close()

		again, err := server.New(ctx, cfgFor(e), slog.New(slog.DiscardHandler), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer again.Close()
		for id := range acked {
			if _, err := again.DB.Notice(ctx, id, ""); err != nil {
				t.Errorf("acknowledged notice %s lost: %v", id, err)
			}
		}
	})
}
