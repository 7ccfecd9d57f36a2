package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/sigap/sigap/internal/app"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/lease"
	"github.com/sigap/sigap/internal/retro"
	"github.com/sigap/sigap/internal/scanstream"
)

// runScanWorker consumes the platform's posts stream and scans every post.
func runScanWorker(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("scan-worker", env)
	data := fs.String("data", envOr(env, "SIGAP_DATA", "./sigap-data"), "data directory (env SIGAP_DATA)")
	db := fs.String("db", envOr(env, "SIGAP_DB", ""), "database URL, as for serve (env SIGAP_DB)")
	natsURL := fs.String("nats", envOr(env, "SIGAP_NATS", nats.DefaultURL), "NATS server URL (env SIGAP_NATS)")
	workers := fs.Int("workers", 2, "scanning goroutines in this process")
	consumer := fs.String("consumer", scanstream.DefaultConsumer, "durable consumer name shared by all workers")
	embedded := fs.String("embedded-nats", "", "also run a NATS server with JetStream, storing its data in this directory (single-machine set-ups)")
	listen := fs.String("nats-listen", "127.0.0.1:4222", "address of the embedded NATS server")
	retain := fs.Duration("retain", 7*24*time.Hour, "how long a new posts stream keeps posts after scanning, for retroactive scans of entries added later (0: delete once scanned)")
	retroRate := fs.Float64("retro-rate", retro.DefaultRate, "posts a second one retroactive scan reads at most, so live scanning keeps the rest (-1: no bound)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(env.Stderr, nil))
	if *embedded != "" {
		host, portStr, err := net.SplitHostPort(*listen)
		if err != nil {
			return fmt.Errorf("--nats-listen %q is not HOST:PORT", *listen)
		}
		port, _ := strconv.Atoi(portStr)
		ns, err := natsserver.NewServer(&natsserver.Options{Host: host, Port: port, JetStream: true, StoreDir: *embedded, NoSigs: true})
		if err != nil {
			return fmt.Errorf("embedded NATS: %w", err)
		}
		ns.Start()
		defer func() { ns.Shutdown(); ns.WaitForShutdown() }()
		if !ns.ReadyForConnections(10 * time.Second) {
			return errors.New("embedded NATS did not start")
		}
		*natsURL = ns.ClientURL()
		log.Info("embedded NATS server with JetStream is running", "url", *natsURL, "store", *embedded)
	}
	// The worker needs the services, not the HTTP adapters; the App keeps
	// the scanner's snapshot current as lists change until Close.
	s, err := app.New(ctx, config.Config{DataDir: *data, DB: *db,
		KeyWrap: env.Getenv("SIGAP_KEY_WRAP"), KeyWrapFile: env.Getenv("SIGAP_KEY_WRAP_FILE")}, log, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	nc, err := nats.Connect(*natsURL, nats.Name("sigap scan-worker"), nats.MaxReconnects(-1))
	if err != nil {
		return fmt.Errorf("connect to NATS at %s: %w (start one, or pass --embedded-nats DIR)", *natsURL, err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	w := scanstream.New(js, s.Scanner, scanstream.Config{Consumer: *consumer, Workers: *workers, Retain: *retain}, log)
	// Retroactive scans run here, beside the live ones, one at a time across every worker.
	rr := &retro.Runner{Service: s.Retro, Scanner: s.Scanner, JS: js, Holder: lease.Holder(), Rate: *retroRate, Log: log}
	rctx, stopRetro := context.WithCancel(ctx)
	retroDone := make(chan struct{})
	go func() { defer close(retroDone); rr.Run(rctx) }()
	defer func() { stopRetro(); <-retroDone }()
	log.Info("scan worker consuming", "stream", scanstream.StreamName, "subjects", scanstream.PostsSubject+".>", "workers", *workers,
		"dead_letters", scanstream.DeadSubject)
	go reportWorker(ctx, log, w)
	return w.Run(ctx)
}

func reportWorker(ctx context.Context, log *slog.Logger, w *scanstream.Worker) {
	clock.Every(ctx, 10*time.Second, func() {
		log.Info("scan worker progress", "scanned", w.Stats.Scanned.Load(), "with_hits", w.Stats.WithHits.Load(),
			"dead_lettered", w.Stats.DeadLettered.Load(), "retried", w.Stats.Retried.Load())
	})
}
