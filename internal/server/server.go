package server

import (
	"cmp"
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
	for _, p := range []string{"/v1/", "/healthz", "/readyz", "/metrics", "/openapi.json"} {
		mux.Handle(p, api)
	}
	mux.Handle("/", s.Portal.Handler())
	s.handler = mux
	return s, nil
}

// Handler is the whole HTTP surface.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve listens on the configured address until ctx ends, then drains: it
// answers 503 at /readyz for the drain grace while still serving (a load
// balancer stops sending), stops accepting, lets in-flight requests finish,
// stops the job and escalation loops (a job cut short goes back to the queue
// for another replica at once), and signs a checkpoint of the transparency
// log that covers every event it acknowledged. Queued writes are committed
// before any request is answered, so nothing acknowledged is left to lose.
func (s *Server) Serve(ctx context.Context, ready func(addr string)) error {
	ln, err := net.Listen("tcp", s.Config.Addr)
	if err != nil {
		return fmt.Errorf("server: listen on %s: %w (is another sigap running? try --addr 127.0.0.1:8081)", s.Config.Addr, err)
	}
	mailLn, err := s.listenMail()
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(s.Log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	// The job queue and the escalation timers run while the server serves,
	// not from app.New (see app.App.startLoops): they reach outside the
	// process. Both pick up where the database says they were, after any restart.
	// Of several replicas on one database, only the holder of the
	// escalation lease fires timers; jobs are leased row by row.
	bgCtx, stopBG := context.WithCancel(context.Background())
	bgDone := make(chan struct{}, 4)
	s.Escalate.Fence = s.EscalateLease
	go func() { s.Jobs.Run(bgCtx); bgDone <- struct{}{} }()
	go func() { s.Escalate.Run(bgCtx); bgDone <- struct{}{} }()
	// Run releases the lease as it ends, after the timers stopped: another
	// replica takes them over at once rather than when the lease lapses.
	go func() { s.EscalateLease.Run(bgCtx); bgDone <- struct{}{} }()
	// The feeds poller reaches other servers, so it too runs only here; of
	// several replicas only the holder of its lease polls.
	go func() { s.Feeds.Run(bgCtx); bgDone <- struct{}{} }()
	bgStopped := false
	stopLoops := func() {
		if !bgStopped {
			bgStopped = true
			stopBG()
			<-bgDone
			<-bgDone
			<-bgDone
			<-bgDone
		}
	}
	defer stopLoops()
	s.API.Readiness.Ready()
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		s.API.Readiness.Drain()
		s.stopMail(context.Background(), mailLn)
		return err
	case <-ctx.Done():
	}
	s.API.Readiness.Drain()
	// Answers from now on close their connections, so clients reconnect
	// through the load balancer to a replica that stays.
	srv.SetKeepAlivesEnabled(false)
	if g := s.Config.DrainGrace; g > 0 {
		s.Log.Info("draining: /readyz answers 503; still serving for the grace period", "grace", g)
		t := time.NewTimer(g)
		select {
		case <-t.C:
		case err := <-errc:
			t.Stop()
			s.stopMail(context.Background(), mailLn)
			return err
		}
	}
	s.Log.Info("shutting down: finishing in-flight requests")
	timeout := cmp.Or(s.Config.ShutdownTimeout, 30*time.Second)
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		s.Log.Warn("shutdown did not finish in time", "err", err)
	}
	s.stopMail(sctx, mailLn)
	serveErr := <-errc
	stopLoops()
	// Every request is answered and every job settled: sign what they logged.
	fctx, fcancel := context.WithTimeout(context.Background(), timeout)
	defer fcancel()
	if cp, err := s.TransLog.Sync(fctx); err != nil {
		s.Log.Error("final checkpoint not signed; the next start signs it", "err", err)
	} else if s.LogLease.Held() {
		s.Log.Info("signed the final checkpoint", "size", cp.Size)
	} else {
		s.Log.Info("another replica signs the log; its next checkpoint covers what this one acknowledged", "size", cp.Size)
	}
	// Hand the log over now rather than when the lease lapses.
	if err := s.LogLease.Release(fctx); err != nil {
		s.Log.Warn("log lease not released; it lapses by itself", "err", err)
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return nil
}
