package app_test

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/app"
	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

// TestPolicyFileAudited checks a start with a new policy file writes one
// policy.loaded entry, a start with the same file none, an edited file a new
// one; and that the file's session limits reach the portal's accounts.
func TestPolicyFileAudited(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		ctx := t.Context()
		file := filepath.Join(t.TempDir(), "policy.yaml")
		start := func(content string) (*app.App, []string) {
			t.Helper()
			if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			a, err := app.New(ctx, config.Config{DataDir: e.Dir, DB: e.URL, PolicyFile: file}, slog.New(slog.DiscardHandler), nil)
			if err != nil {
				t.Fatal(err)
			}
			items, err := a.DB.AuditItems(ctx, store.AuditQuery{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			var objects []string
			for _, it := range items {
				if it.Action == "policy.loaded" {
					objects = append(objects, it.Object)
				}
			}
			return a, objects
		}
		a, got := start("sessions: {idle: 15m, absolute: 8h}\n")
		if len(got) != 1 || a.Accounts.IdleTimeoutOrDefault() != 15*time.Minute || a.Accounts.MaxAge != 8*time.Hour {
			t.Errorf("first start: entries %v, idle %s, absolute %s", got, a.Accounts.IdleTimeoutOrDefault(), a.Accounts.MaxAge)
		}
		a.Close()
		a, again := start("sessions: {idle: 15m, absolute: 8h}\n")
		a.Close()
		if len(again) != 1 {
			t.Errorf("the same file again: entries %v, want still one", again)
		}
		a, edited := start("sessions: {idle: 20m}\n")
		defer a.Close()
		if len(edited) != 2 || edited[0] == edited[1] {
			t.Errorf("an edited file: entries %v, want a second with a new digest", edited)
		}
	})
}
