package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/sigap/sigap/internal/account"
	"github.com/sigap/sigap/internal/admin"
	"github.com/sigap/sigap/internal/bank"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/contact"
	"github.com/sigap/sigap/internal/dsasor"
	"github.com/sigap/sigap/internal/enforce"
	"github.com/sigap/sigap/internal/escalate"
	"github.com/sigap/sigap/internal/flagger"
	"github.com/sigap/sigap/internal/httpapi"
	"github.com/sigap/sigap/internal/intake"
	"github.com/sigap/sigap/internal/jobs"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/policy"
	"github.com/sigap/sigap/internal/receipt"
	"github.com/sigap/sigap/internal/removed"
	"github.com/sigap/sigap/internal/report"
	"github.com/sigap/sigap/internal/review"
	"github.com/sigap/sigap/internal/rulelist"
	"github.com/sigap/sigap/internal/scan"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/translog"
	"github.com/sigap/sigap/internal/web"
	"github.com/sigap/sigap/internal/webhook"
)

// Server is a wired sigap service.
type Server struct {
	Config config.Config
	DB     *store.DB
	API    *httpapi.API
	Log    *slog.Logger
	// Scanner matches posts; Serve keeps its snapshot current.
	Scanner *scan.Scanner
	// AdminKey is set on the first start only: the key written to admin.key.
	AdminKey string
	// Jobs is the durable job queue; Serve works it. Webhooks, Enforce and
	// Escalate register their jobs on it; Escalate's timer loop also runs in Serve.
	Jobs     *jobs.Queue
	Webhooks *webhook.Service
	Enforce  *enforce.Service
	Escalate *escalate.Service
	Contacts *contact.Registry
	handler  http.Handler
	stopScan func()
	stopLog  func()
}

// New opens the data dir and database, migrates, bootstraps a fresh install and builds the handlers.
func New(ctx context.Context, cfg config.Config, log *slog.Logger, clk clock.Clock) (*Server, error) {
	if clk == nil {
		clk = clock.System{}
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("server: create data dir %s: %w", cfg.DataDir, err)
	}
	pol := policy.Default()
	if cfg.PolicyFile != "" {
		var err error
		if pol, err = policy.LoadFile(cfg.PolicyFile); err != nil {
			return nil, err
		}
		log.Info("policy loaded", "file", cfg.PolicyFile, "regimes", pol.RegimeNames())
	}
	signer, created, err := receipt.LoadOrCreate(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if created {
		log.Info("generated the receipt-signing key", "key_id", signer.KeyID(), "file", filepath.Join(cfg.DataDir, "receipt-signing.key"))
	}
	sorKey, created, err := dsasor.LoadOrCreateKey(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if created {
		log.Info("generated the key of the DSA statement puids", "file", filepath.Join(cfg.DataDir, dsasor.KeyFile))
	}
	db, err := store.Open(ctx, store.Options{URL: cfg.DB, DataDir: cfg.DataDir, Logger: log})
	if err != nil {
		return nil, err
	}
	adm := &admin.Service{DB: db, Clock: clk, KnownRegime: func(n string) bool { _, err := pol.Regime(n); return err == nil }}
	metrics := httpapi.NewMetrics()
	in := &intake.Service{DB: db, Policy: pol, Signer: signer, Clock: clk,
		OnReceived: func(n *notice.Notice) { metrics.NoticeReceived(n.Kind, n.Category, len(n.Subjects)) }}
	s := &Server{Config: cfg, DB: db, Log: log}
	s.API = &httpapi.API{DB: db, Intake: in, Admin: adm, Policy: pol, Signer: signer, Clock: clk, Log: log, Metrics: metrics}
	s.Scanner = scan.New(db, in, clk, log, scan.Config{})
	s.API.Scanner = s.Scanner
	s.API.Review = &review.Service{DB: db, Policy: pol, Clock: clk, OnRemove: removed.OnRemove, OnReverse: removed.OnReverse,
		SoR: dsasor.NewBuilder(sorKey, "")}
	s.API.Flaggers = &flagger.Service{DB: db, Clock: clk}
	s.API.Reports = &report.Service{DB: db, Clock: clk}
	in.Gate = s.API.Flaggers.Gate
	s.API.Banks = &bank.Service{DB: db, Clock: clk, DailyCap: s.Scanner.Config().DailyCap, OnChange: s.Scanner.Invalidate}
	s.API.Lists = &rulelist.Service{DB: db, Clock: clk, DailyCap: s.Scanner.Config().DailyCap, OnChange: s.Scanner.Invalidate}
	// Once, after an upgrade: rules stored before duplicate detection get their match keys.
	if n, err := s.API.Lists.BackfillMatchKeys(ctx); err != nil {
		db.Close()
		return nil, err
	} else if n > 0 {
		log.Info("rule lists: rules stored before duplicate detection now have match keys", "rules", n)
	}
	s.Jobs = jobs.New(db, clk, log, jobs.Config{Lease: cfg.JobLease})
	s.Webhooks = webhook.New(db, clk, s.Jobs, log, webhook.Config{AllowPrivate: cfg.AllowPrivateWebhooks})
	s.Escalate = escalate.New(db, clk, s.Jobs, log, &contact.Mailer{Addr: cfg.SMTPAddr, From: cfg.SMTPFrom},
		escalate.Config{Fractions: pol.EscalateAt, Unopened: cfg.UnopenedAfter})
	s.Enforce = enforce.New(db, clk, s.Jobs, s.Webhooks, log, s.Escalate.AlertTx)
	s.Contacts = &contact.Registry{DB: db, Clock: clk}
	s.API.Jobs, s.API.Webhooks, s.API.Enforce, s.API.Escalate, s.API.Contacts = s.Jobs, s.Webhooks, s.Enforce, s.Escalate, s.Contacts
	in.Escalation = s.Escalate.Rule()
	if err := s.Scanner.Reload(ctx, true); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.bootstrap(ctx, adm); err != nil {
		db.Close()
		return nil, err
	}
	portal, err := web.New(web.Portal{DB: db, Intake: in, Admin: adm, Accounts: &account.Service{DB: db, Clock: clk},
		Policy: pol, Signer: signer, Clock: clk, Log: log, Review: s.API.Review,
		Banks: s.API.Banks, Lists: s.API.Lists, Flaggers: s.API.Flaggers,
		Webhooks: s.Webhooks, Enforce: s.Enforce, Contacts: s.Contacts, Reports: s.API.Reports,
		DataDir: absPath(cfg.DataDir), DBURL: cfg.DB})
	if err != nil {
		db.Close()
		return nil, err
	}
	if err := s.openLog(ctx, clk); err != nil {
		db.Close()
		return nil, err
	}
	portal.TransLog = s.API.TransLog
	// The scanner keeps its matcher snapshot current until Close.
	scanCtx, stopScan := context.WithCancel(context.Background())
	scanDone := make(chan struct{})
	go func() { defer close(scanDone); s.Scanner.Run(scanCtx) }()
	s.stopScan = func() { stopScan(); <-scanDone }
	// The API keeps its paths; everything else is the portal.
	api, mux := s.API.Handler(), http.NewServeMux()
	for _, p := range []string{"/v1/", "/healthz", "/metrics", "/openapi.json"} {
		mux.Handle(p, api)
	}
	mux.Handle("/", portal.Handler())
	s.handler = mux
	return s, nil
}

func (s *Server) bootstrap(ctx context.Context, adm *admin.Service) error {
	key, fresh, err := adm.Bootstrap(ctx, "Platform")
	if err != nil {
		return fmt.Errorf("server: set up a fresh database: %w", err)
	}
	if !fresh {
		return nil
	}
	path := filepath.Join(s.Config.DataDir, "admin.key")
	if err := os.WriteFile(path, []byte(key.Secret+"\n"), 0o600); err != nil {
		return fmt.Errorf("server: write %s: %w", path, err)
	}
	s.AdminKey = key.Secret
	s.Log.Info("fresh database: created the platform org and an admin API key; the key is in the file (shown once, keep it safe)",
		"file", path, "org_id", key.OrgID, "key_id", key.ID)
	return nil
}

// openLog loads (on first start, creates) the transparency log's key and
// keeps the log's tree hashed and its checkpoint signed every second until Close.
func (s *Server) openLog(ctx context.Context, clk clock.Clock) error {
	key, created, err := translog.LoadOrCreateKey(s.Config.DataDir)
	if err != nil {
		return err
	}
	if created {
		s.Log.Info("generated the transparency log key", "origin", key.Verifier.Name(), "file", filepath.Join(s.Config.DataDir, translog.KeyFile))
	}
	tl, err := translog.Open(ctx, s.DB, key, clk, s.Log)
	if err != nil {
		return err
	}
	s.API.TransLog = tl
	logCtx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); tl.Run(logCtx, time.Second) }()
	s.stopLog = func() { stop(); <-done }
	return nil
}

// Handler is the whole HTTP surface.
func (s *Server) Handler() http.Handler { return s.handler }

// Close stops the scanner's snapshot loop and releases the database.
func (s *Server) Close() error {
	if s.stopScan != nil {
		s.stopScan()
	}
	if s.stopLog != nil {
		s.stopLog()
	}
	return s.DB.Close()
}

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

	// The job queue and the escalation timers run while the server serves;
	// both pick up where the database says they were, after any restart.
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

// absPath is p made absolute where it can be, so a command printed with it
// works from any directory.
func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
