package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net"

	"github.com/sigap/sigap/internal/account"
	"github.com/sigap/sigap/internal/app"
	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/ledger"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/server"
)

func runServe(ctx context.Context, env *Env, args []string) error {
	cfg, err := config.Parse(args, env.Getenv, env.Stderr)
	if err != nil {
		return err
	}
	log := newLogger(env, cfg)
	s, err := server.New(ctx, cfg, log, nil)
	if err != nil {
		return err
	}
	var setup *account.Link
	pending := false
	if s.AdminKey != "" {
		if setup, err = firstAdminUser(ctx, s.App); err != nil {
			s.Close()
			return err
		}
	} else if pending, err = firstAdminPending(ctx, s.DB); err != nil {
		s.Close()
		return err
	}
	err = s.Serve(ctx, func(addr string) {
		base := "http://" + browsable(addr)
		login := base + "/login"
		log.Info("sigap is listening", "url", base, "data", cfg.DataDir, "database", s.DB.Dialect().String())
		fmt.Fprintf(env.Stderr, "\nsigap is ready at %s  (API: /v1, OpenAPI: /openapi.json)\n"+
			"  portal sign-in / masuk portal: %s\n", base, login)
		if setup != nil {
			fmt.Fprintf(env.Stderr, "First start / Pertama kali:\n"+
				"  admin API key / kunci API admin: %s/admin.key\n"+
				"  1. set a password at this one-time link (valid until %s UTC)\n"+
				"     buat kata sandi di tautan sekali pakai ini (berlaku sampai %s WIB):\n     %s\n"+
				"  2. sign in as %s at %s with an authenticator app\n"+
				"     masuk sebagai %s di %s dengan aplikasi autentikator\n\n",
				cfg.DataDir, setup.ExpiresAt.UTC().Format("2006-01-02 15:04"), setup.ExpiresAt.In(ledger.WIB).Format("2006-01-02 15:04"),
				setup.URL(base), firstAdminEmail, login, firstAdminEmail, login)
		}
		if pending {
			printResetHint(env.Stderr, cfg.DataDir, cfg.DB)
		}
	})
	// Close commits the writes still queued; only then is nothing acknowledged
	// left to lose, and the log says so last.
	if cerr := s.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close the database: %w", cerr)
	}
	if err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}

// browsable turns the listen address into one a browser on the same machine
// can open: a server listening on every interface (0.0.0.0, [::] or an empty
// host) is reached at 127.0.0.1.
func browsable(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// firstAdminEmail is the portal sign-in of the administrator made on first start.
const firstAdminEmail = "admin@sigap.local"

// firstAdminUser makes the platform's first portal administrator, so the
// person who started sigap can open the printed link and sign in.
func firstAdminUser(ctx context.Context, a *app.App) (*account.Link, error) {
	c, err := a.DB.CallerByKeyHash(ctx, org.HashSecret(a.AdminKey))
	if err != nil {
		return nil, err
	}
	_, link, err := a.Accounts.CreateUser(ctx, c.OrgID, firstAdminEmail, "Administrator", org.RoleAdmin)
	if err != nil {
		return nil, fmt.Errorf("create the first portal administrator: %w", err)
	}
	return &link, nil
}

func newLogger(env *Env, cfg config.Config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(env.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(env.Stderr, opts))
}
