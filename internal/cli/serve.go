package cli

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/sigap/sigap/internal/config"
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
	defer s.Close()
	return s.Serve(ctx, func(addr string) {
		log.Info("sigap is listening", "url", "http://"+addr, "data", cfg.DataDir, "database", s.DB.Dialect().String())
		fmt.Fprintf(env.Stderr, "\nsigap is ready at http://%s  (API: /v1, OpenAPI: /openapi.json)\n", addr)
		if s.AdminKey != "" {
			fmt.Fprintf(env.Stderr, "First start: the admin API key is in %s/admin.key\n\n", cfg.DataDir)
		}
	})
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
