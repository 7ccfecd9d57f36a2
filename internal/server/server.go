package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/sigap/sigap/internal/app"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/httpapi"
	"github.com/sigap/sigap/internal/web"
)

// Server is a wired sigap service: the services of one process (the embedded
// App: DB, Scanner, Jobs, Escalate, AdminKey, ...) behind the JSON API and
// the web portal.
type Server struct {
	*app.App
	API    *httpapi.API
	Portal *web.Portal

	handler http.Handler
}

// New builds the services (see app.New), the two adapters on them and the
// mux that splits the paths between them.
func New(ctx context.Context, cfg config.Config, log *slog.Logger, clk clock.Clock) (*Server, error) {
	a, err := app.New(ctx, cfg, log, clk)
	if err != nil {
		return nil, err
	}
	s := &Server{App: a}
	if s.API, err = httpapi.New(a); err != nil {
		a.Close()
		return nil, err
	}
	if s.Portal, err = web.New(a); err != nil {
		a.Close()
		return nil, err
	}
	// The API keeps its paths; everything else is the portal.
	api, mux := s.API.Handler(), http.NewServeMux()
	for _, p := range []string{"/v1/", "/healthz", "/metrics", "/openapi.json"} {
		mux.Handle(p, api)
	}
	mux.Handle("/", s.Portal.Handler())
	s.handler = mux
	return s, nil
}

// Handler is the whole HTTP surface.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve listens on the configured address until ctx ends, then shuts down
// cleanly: it stops accepting, lets in-flight requests finish, and commits
// queued writes before closing the database.
func (s *Server) Serve(ctx context.Context, ready func(addr string)) error {
	ln, err := net.Listen("tcp", s.Config.Addr)
	if err != nil {
		return fmt.Errorf("server: listen on %s: %w (is another sigap running? try --addr 127.0.0.1:8081)", s.Config.Addr, err)
	}
	srv := &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(s.Log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	// The job queue and the escalation timers run while the server serves,
	// not from app.New (see app.App.startLoops): they reach outside the
	// process. Both pick up where the database says they were, after any restart.
	bgCtx, stopBG := context.WithCancel(context.Background())
	bgDone := make(chan struct{}, 2)
	go func() { s.Jobs.Run(bgCtx); bgDone <- struct{}{} }()
	go func() { s.Escalate.Run(bgCtx); bgDone <- struct{}{} }()
	defer func() { stopBG(); <-bgDone; <-bgDone }()
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.Log.Info("shutting down: finishing in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), s.Config.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		s.Log.Warn("shutdown did not finish in time", "err", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
