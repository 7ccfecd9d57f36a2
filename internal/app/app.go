package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
	"github.com/sigap/sigap/internal/feed"
	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/flagger"
	"github.com/sigap/sigap/internal/incident"
	"github.com/sigap/sigap/internal/intake"
	"github.com/sigap/sigap/internal/jobs"
	"github.com/sigap/sigap/internal/lease"
	"github.com/sigap/sigap/internal/mailgate"
	"github.com/sigap/sigap/internal/metrics"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/policy"
	"github.com/sigap/sigap/internal/receipt"
	"github.com/sigap/sigap/internal/removed"
	"github.com/sigap/sigap/internal/report"
	"github.com/sigap/sigap/internal/retro"
	"github.com/sigap/sigap/internal/review"
	"github.com/sigap/sigap/internal/rulelist"
	"github.com/sigap/sigap/internal/scan"
	"github.com/sigap/sigap/internal/sso"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/translog"
	"github.com/sigap/sigap/internal/webhook"
)

// App is every service of one sigap process, each built once by New and
// wired to the others (the scanner hears of bank and list changes, intake
// asks the flagger gate, enforcement raises escalation alerts).
type App struct {
	Config config.Config
	DB     *store.DB
	Log    *slog.Logger
	Clock  clock.Clock
	Policy *policy.Policy
	Signer *receipt.Signer
	// Metrics counts requests (the HTTP adapters) and stored notices (Intake).
	Metrics *metrics.Metrics

	Intake   *intake.Service
	Admin    *admin.Service
	Accounts *account.Service
	Review   *review.Service
	Flaggers *flagger.Service
	Reports  *report.Service

	// Scanner matches posts; Banks and Lists invalidate its snapshot when
	// they change, and its snapshot loop keeps it current until Close.
	Scanner *scan.Scanner
	Banks   *filterset.Service
	Lists   *filterset.Service

	// Jobs is the durable job queue. Webhooks, Enforce and Escalate
	// register their jobs on it; the queue and Escalate's timers run only
	// where a caller runs them (server.Serve), see startLoops.
	Jobs     *jobs.Queue
	Webhooks *webhook.Service
	Enforce  *enforce.Service
	Escalate *escalate.Service
	Contacts *contact.Registry

	// TransLog is the transparency log; its tree is hashed and its
	// checkpoint signed every second until Close.
	TransLog *translog.Log

	// SSO signs the platform's staff in through its OpenID Connect provider.
	SSO *sso.Service

	// MailSenders and Mail take notices by e-mail; Mail's SMTP listener
	// runs only where a process serves (server.Serve), its replies on Jobs.
	MailSenders *mailgate.Senders
	Mail        *mailgate.Gate
	// Retro queues the retroactive scans of entries as they are added (the
	// scan worker runs them), and Incidents is the crisis protocol; both
	// hear of every notice the scanner files.
	Retro     *retro.Service
	Incidents *incident.Service
	// Feeds shares banks and lists with other servers and keeps this
	// server's subscriptions current; its poller runs where a process
	// serves (server.Serve), under its lease.
	Feeds *feed.Service

	// DataDir (absolute where it can be) and DBURL are where this process
	// keeps its data, so a page can print a command that works on it.
	DataDir, DBURL string
	// AdminKey is set on the first start only: the key written to admin.key.
	AdminKey string

	// LogLease and EscalateLease make this process one of several on the
	// database: the log is hashed and signed, and the escalation timers
	// fired, only by the holder of each (see internal/lease).
	LogLease, EscalateLease *lease.Keeper

	holder string
	stops  []func()
	// rings copies the database's key rings to the data dir (PostgreSQL only).
	rings *ringMirror
}

// New opens the data dir and database, migrates, bootstraps a fresh install
// and builds every service; a nil clk is the system clock. The caller closes
// the App.
func New(ctx context.Context, cfg config.Config, log *slog.Logger, clk clock.Clock) (*App, error) {
	if log == nil {
		return nil, errors.New("app: no logger")
	}
	if clk == nil {
		clk = clock.System{}
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("app: create data dir %s: %w", cfg.DataDir, err)
	}
	pol := policy.Default()
	if cfg.PolicyFile != "" {
		var err error
		if pol, err = policy.LoadFile(cfg.PolicyFile); err != nil {
			return nil, err
		}
		log.Info("policy loaded", "file", cfg.PolicyFile, "regimes", pol.RegimeNames())
	}
	wrap, err := wrapKey(cfg)
	if err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, store.Options{URL: cfg.DB, DataDir: cfg.DataDir, Logger: log})
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, DB: db, Log: log, Clock: clk, Policy: pol, Metrics: metrics.New(),
		DataDir: absPath(cfg.DataDir), DBURL: cfg.DB, holder: lease.Holder()}
	sorKey, err := a.loadKeys(ctx, wrap)
	if err == nil {
		err = a.build(ctx, sorKey)
	}
	if err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// loadKeys reads the receipt-signing and DSA puid keys (the log's key is read
// by openLog), creating them on the first start. On PostgreSQL the database
// keeps them for every replica (see shareKeys); the files in the data dir are
// then its copies.
func (a *App) loadKeys(ctx context.Context, wrap []byte) ([]byte, error) {
	dir := a.Config.DataDir
	if a.DB.Dialect() == store.Postgres {
		if err := shareKeys(ctx, a.DB, dir, wrap, a.Clock, a.Log); err != nil {
			return nil, err
		}
		a.rings = &ringMirror{db: a.DB, dir: dir, wrap: wrap, clk: a.Clock, log: a.Log}
		if err := a.rings.sync(ctx); err != nil {
			return nil, err
		}
	} else if wrap != nil {
		a.Log.Info("a key-wrapping key is set but the database is SQLite: the keys stay in the data dir, unsealed, as before")
	}
	signer, created, err := receipt.LoadOrCreate(dir)
	if err != nil {
		return nil, err
	}
	// The ring's active key follows the process's clock (a test's, or the system's).
	signer.UseClock(a.Clock.Now)
	if created {
		a.Log.Info("generated the receipt-signing key", "key_id", signer.KeyID(), "file", filepath.Join(dir, "receipt-signing.key"))
	}
	a.Signer = signer
	sorKey, created, err := dsasor.LoadOrCreateKey(dir)
	if err != nil {
		return nil, err
	}
	if created {
		a.Log.Info("generated the key of the DSA statement puids", "file", filepath.Join(dir, dsasor.KeyFile))
	}
	return sorKey, nil
}

// build makes the services on a.DB and brings their stored state up to date.
func (a *App) build(ctx context.Context, sorKey []byte) error {
	db, clk, log, pol := a.DB, a.Clock, a.Log, a.Policy
	a.Admin = &admin.Service{DB: db, Clock: clk, KnownRegime: func(n string) bool { _, err := pol.Regime(n); return err == nil }}
	a.Accounts = &account.Service{DB: db, Clock: clk, IdleTimeout: pol.Sessions.Idle, MaxAge: pol.Sessions.Absolute}
	a.Flaggers = &flagger.Service{DB: db, Clock: clk}
	a.Intake = &intake.Service{DB: db, Policy: pol, Signer: a.Signer, Clock: clk, Gate: a.Flaggers.Gate,
		OnReceived: func(n *notice.Notice) { a.Metrics.NoticeReceived(n.Kind, n.Category, len(n.Subjects)) }}
	// A bank or list changed through another replica reaches this one's
	// snapshot by the database's generation, polled every second.
	a.Scanner = scan.New(db, a.Intake, clk, log, scan.Config{PollInterval: time.Second, MaxDecodes: a.Config.MaxDecodes, VideoLimits: scan.VideoLimits{
		MaxBytes: a.Config.VideoMaxBytes, MaxDuration: a.Config.VideoMaxDuration, MaxFrames: a.Config.VideoMaxFrames, Timeout: a.Config.VideoTimeout}})
	a.Review = &review.Service{DB: db, Policy: pol, Clock: clk, OnRemove: removed.OnRemove, OnReverse: removed.OnReverse,
		SoR: dsasor.NewBuilder(sorKey, "")}
	a.Reports = &report.Service{DB: db, Clock: clk}
	a.Banks = &filterset.Service{Kind: bank.Kind{}, DB: db, Clock: clk, DailyCap: a.Scanner.Config().DailyCap, OnChange: a.Scanner.Invalidate}
	a.Lists = &filterset.Service{Kind: rulelist.Kind{}, DB: db, Clock: clk, DailyCap: a.Scanner.Config().DailyCap, OnChange: a.Scanner.Invalidate}
	a.Jobs = jobs.New(db, clk, log, jobs.Config{Lease: a.Config.JobLease})
	a.Webhooks = webhook.New(db, clk, a.Jobs, log, webhook.Config{AllowPrivate: a.Config.AllowPrivateWebhooks})
	a.Escalate = escalate.New(db, clk, a.Jobs, log, &contact.Mailer{Addr: a.Config.SMTPAddr, From: a.Config.SMTPFrom},
		escalate.Config{Fractions: pol.EscalateAt, Unopened: a.Config.UnopenedAfter})
	// The escalation lease is taken, and fences the timers, only where they
	// run (server.Serve): a process that builds an App to read or export must
	// not hold it. Leases run on the system clock even where the service's
	// clock is injected: they time processes, not legal deadlines.
	a.EscalateLease = lease.New(db, nil, log, lease.Escalate, a.holder, a.Config.LeaseTTL)
	a.EscalateLease.OnAcquire = a.Escalate.Wake
	// Intake files each new notice's first timers in its own transaction, by the policy's rule.
	a.Intake.Escalation = a.Escalate.Rule()
	// An emergency request pages the on-call contact as it is stored (docs/requests.md).
	a.Intake.Page = a.Escalate.PageTx
	a.Enforce = enforce.New(db, clk, a.Jobs, a.Webhooks, log, a.Escalate.AlertTx)
	a.Contacts = &contact.Registry{DB: db, Clock: clk}
	ssoKey, _, err := sso.LoadOrCreateKey(a.Config.DataDir)
	if err != nil {
		return err
	}
	a.SSO = &sso.Service{DB: db, Clock: clk, Log: log, Key: ssoKey}
	a.Feeds = feed.New(db, clk, log, a.Banks, a.Lists, func() translog.Key { return a.TransLog.Key() }, a.Jobs, feed.Config{
		CheckDestination: a.Webhooks.CheckDestination,
		Client:           webhook.NewClient(webhook.Config{AllowPrivate: a.Config.AllowPrivateWebhooks, Timeout: time.Minute})})
	a.Feeds.Lease = lease.New(db, nil, log, feed.LeaseName, a.holder, a.Config.LeaseTTL)
	// A subscription's copy changes only as its feed does.
	a.Banks.Guard, a.Lists.Guard = a.Feeds.Guard, a.Feeds.Guard
	a.buildMail()
	a.buildIncidents()

	// Once, after an upgrade: rules stored before duplicate detection get their match keys.
	if n, err := a.Lists.BackfillMatchKeys(ctx); err != nil {
		return err
	} else if n > 0 {
		log.Info("rule lists: rules stored before duplicate detection now have match keys", "rules", n)
	}
	if err := a.Scanner.Reload(ctx, true); err != nil {
		return err
	}
	// Replicas started together on a fresh database: one makes the platform
	// org and writes admin.key, the others find it made.
	if err := a.DB.Exclusively(ctx, bootstrapLock, func() error { return a.bootstrap(ctx) }); err != nil {
		return err
	}
	if err := a.auditPolicy(ctx); err != nil {
		return err
	}
	if err := a.openLog(ctx); err != nil {
		return err
	}
	a.startLoops()
	return nil
}

// bootstrapLock is the advisory lock key that keeps first starts apart ("sigapbt" in ASCII).
const bootstrapLock = 0x73696761706274

// bootstrap makes the platform org and an admin API key on a fresh database
// and writes the key to admin.key.
func (a *App) bootstrap(ctx context.Context) error {
	key, fresh, err := a.Admin.Bootstrap(ctx, "Platform")
	if err != nil {
		return fmt.Errorf("app: set up a fresh database: %w", err)
	}
	if !fresh {
		return nil
	}
	path := filepath.Join(a.Config.DataDir, "admin.key")
	if err := os.WriteFile(path, []byte(key.Secret+"\n"), 0o600); err != nil {
		return fmt.Errorf("app: write %s: %w", path, err)
	}
	a.AdminKey = key.Secret
	a.Log.Info("fresh database: created the platform org and an admin API key; the key is in the file (shown once, keep it safe)",
		"file", path, "org_id", key.OrgID, "key_id", key.ID)
	return nil
}

// openLog loads (on first start, creates) the transparency log's key and opens the log.
func (a *App) openLog(ctx context.Context) error {
	key, created, err := translog.LoadOrCreateKey(a.Config.DataDir)
	if err != nil {
		return err
	}
	if created {
		a.Log.Info("generated the transparency log key", "origin", key.Verifier.Name(), "file", filepath.Join(a.Config.DataDir, translog.KeyFile))
	}
	// Every user of an App may sign the log (its checkpoints are signed every
	// second while it runs), but one at a time: the first to take the lease
	// now signs the first checkpoint; the others follow it.
	a.LogLease = lease.New(a.DB, nil, a.Log, lease.TransLog, a.holder, a.Config.LeaseTTL)
	if _, err := a.LogLease.Tick(ctx); err != nil {
		return err
	}
	if a.TransLog, err = translog.OpenFenced(ctx, a.DB, key, a.Clock, a.Log, a.LogLease); err != nil {
		return err
	}
	return nil
}

// startLoops starts the loops that keep in-memory state true to the
// database: the scanner's matcher snapshot and the transparency log's tree.
// They start here, not in server.Serve, because every user of an App (the
// API and portal, the scan worker, a CLI command, a test) reads that state
// and would see a stale snapshot or an unsigned log without them; they touch
// nothing outside the process. The job queue and the escalation timers do
// reach outside (webhooks, mail, alerts), so they run only where a process
// serves (server.Serve): building an App to read, export or test sends
// nothing. Close stops these loops.
func (a *App) startLoops() {
	a.goUntilClose(a.Scanner.Run)
	a.goUntilClose(a.LogLease.Run)
	a.goUntilClose(func(ctx context.Context) { a.TransLog.Run(ctx, time.Second) })
	if a.rings != nil {
		a.goUntilClose(a.rings.run)
	}
}

// goUntilClose runs loop in a goroutine until Close.
func (a *App) goUntilClose(loop func(context.Context)) {
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); loop(ctx) }()
	a.stops = append(a.stops, func() { stop(); <-done })
}

// Close stops the loops New started and releases the database, committing
// the writes still queued.
func (a *App) Close() error {
	for _, stop := range a.stops {
		stop()
	}
	a.stops = nil
	return a.DB.Close()
}

// absPath is p made absolute where it can be, so a command printed with it
// works from any directory.
func absPath(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}
