package app_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/app"
	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store/storetest"
)

func newApp(t *testing.T, e storetest.Engine) *app.App {
	t.Helper()
	a, err := app.New(context.Background(), config.Config{DataDir: e.Dir, DB: e.URL}, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatalf("app.New on %s: %v", e.Name, err)
	}
	return a
}

// TestNewBuildsEveryServiceOnce checks a first start builds every service,
// writes the admin key and signs with a new key, and a second start on the
// same data keeps both and makes no new admin key.
func TestNewBuildsEveryServiceOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		a := newApp(t, e)
		if err := a.Check(); err != nil {
			t.Errorf("a fresh App: %v", err)
		}
		b, err := os.ReadFile(filepath.Join(e.Dir, "admin.key"))
		if a.AdminKey == "" || err != nil || strings.TrimSpace(string(b)) != a.AdminKey {
			t.Errorf("admin.key = %q, %v; AdminKey %q", b, err, a.AdminKey)
		}
		if !filepath.IsAbs(a.DataDir) || a.DBURL != e.URL {
			t.Errorf("DataDir %q, DBURL %q; want an absolute dir and %q", a.DataDir, a.DBURL, e.URL)
		}
		signer := a.Signer.KeyID()
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
		again := newApp(t, e)
		defer again.Close()
		if again.AdminKey != "" || again.Signer.KeyID() != signer {
			t.Errorf("second start: AdminKey %q, signer %s; want none and %s", again.AdminKey, again.Signer.KeyID(), signer)
		}
	})
}

// TestIntakeCountsOnTheSharedMetrics checks intake is wired to the metrics
// the API serves: a stored notice shows in the App's registry.
func TestIntakeCountsOnTheSharedMetrics(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		ctx := t.Context()
		a := newApp(t, e)
		defer a.Close()
		o, err := a.Admin.CreateOrg(ctx, "Kementerian Kominfo", org.KindAuthority, "")
		if err != nil {
			t.Fatal(err)
		}
		k, err := a.Admin.CreateKey(ctx, o.ID, org.RoleAuthority)
		if err != nil {
			t.Fatal(err)
		}
		caller, err := a.DB.CallerByKeyHash(ctx, org.HashSecret(k.Secret))
		if err != nil {
			t.Fatal(err)
		}
		body := `{"kind":"order","category":"terrorism","explanation":"x","legal_basis":"y",` +
			`"subjects":[{"url":"https://t.me/chan/1"},{"url":"https://t.me/chan/2"}]}`
		if _, err := a.Intake.Submit(ctx, caller, "", []byte(body), ""); err != nil {
			t.Fatal(err)
		}
		families, err := a.Metrics.Registry().Gather()
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]float64{}
		for _, f := range families {
			for _, m := range f.GetMetric() {
				got[f.GetName()] += m.GetCounter().GetValue()
			}
		}
		if got["sigap_notices_received_total"] != 1 || got["sigap_notice_subjects_received_total"] != 2 {
			t.Errorf("notices %v, subjects %v; want 1 and 2",
				got["sigap_notices_received_total"], got["sigap_notice_subjects_received_total"])
		}
	})
}

// TestCheckNamesTheMissingService checks an App filled by hand with one
// service left out is refused, naming it.
func TestCheckNamesTheMissingService(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		full := newApp(t, e)
		t.Cleanup(func() { full.Close() })
		tests := []struct {
			name string
			drop func(*app.App)
		}{
			{"DB", func(a *app.App) { a.DB = nil }},
			{"Review", func(a *app.App) { a.Review = nil }},
			{"Banks", func(a *app.App) { a.Banks = nil }},
			{"Lists", func(a *app.App) { a.Lists = nil }},
			{"Webhooks", func(a *app.App) { a.Webhooks = nil }},
			{"Enforce", func(a *app.App) { a.Enforce = nil }},
			{"Contacts", func(a *app.App) { a.Contacts = nil }},
			{"Reports", func(a *app.App) { a.Reports = nil }},
			{"TransLog", func(a *app.App) { a.TransLog = nil }},
			{"SSO", func(a *app.App) { a.SSO = nil }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				partial := &app.App{}
				*partial = *full // a copy to break; only full is closed
				tt.drop(partial)
				err := partial.Check()
				if !errors.Is(err, app.ErrIncomplete) || !strings.HasSuffix(err.Error(), ": "+tt.name) {
					t.Errorf("Check without %s = %v; want ErrIncomplete naming it", tt.name, err)
				}
			})
		}
		if err := (*app.App)(nil).Check(); !errors.Is(err, app.ErrIncomplete) {
			t.Errorf("Check on a nil App = %v; want ErrIncomplete", err)
		}
	})
}
