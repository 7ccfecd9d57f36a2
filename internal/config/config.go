package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is everything `sigap serve` needs.
type Config struct {
	Addr            string
	DataDir         string
	DB              string
	PolicyFile      string
	LogFormat       string
	LogLevel        string
	ShutdownTimeout time.Duration
	// DrainGrace is how long a stopping server answers 503 at /readyz, still
	// serving, before it stops accepting, so a load balancer can notice.
	DrainGrace time.Duration

	// AllowPrivateWebhooks lets webhook deliveries go to loopback, private and
	// link-local addresses (tests, single-host set-ups); off by default so a
	// registered URL cannot reach the service's own network.
	AllowPrivateWebhooks bool
	// MetricsToken, when set, is a bearer token that may read /metrics
	// besides the platform's admin and auditor API keys (a Prometheus
	// scraper holds it rather than an API key).
	MetricsToken string
	// MetricsPublic serves /metrics to anyone, as before it was guarded; for
	// a listener only the monitoring network reaches.
	MetricsPublic bool
	// SMTPAddr (HOST:PORT) and SMTPFrom send on-call alerts by e-mail.
	SMTPAddr, SMTPFrom string
	// JobLease is how long a job worker owns a job before another may take it over.
	JobLease time.Duration
	// UnopenedAfter is how long an urgent order may wait unopened before the on-call contact is alerted.
	UnopenedAfter time.Duration
	// PublicOrigin (scheme://host[:port]) is the address clients use, where
	// a proxy in front terminates TLS: a signed request's @target-uri is
	// rebuilt from it ("" rebuilds it from the connection and Host).
	PublicOrigin string

	// Video and decode limits of scans and hashes (scan.VideoLimits,
	// scan.Config.MaxDecodes): one video's bytes, declared duration, decoded
	// frames and ffmpeg run time, and the images and videos decoded at once.
	VideoMaxBytes    int64 // bytes (the flag is in MiB)
	VideoMaxDuration time.Duration
	VideoMaxFrames   int
	VideoTimeout     time.Duration
	MaxDecodes       int
	// KeyWrap (base64 of 32 bytes) or the file KeyWrapFile holding it seals
	// the service's secret keys where PostgreSQL keeps them for every replica.
	KeyWrap, KeyWrapFile string
	// LeaseTTL is how long a replica holds the log's signing or the
	// escalation timers unrenewed before another takes them over (0: 5s).
	LeaseTTL time.Duration

	// E-mail intake (internal/mailgate): the SMTP listener ("" for none),
	// the relay replies go through, STARTTLS's certificate and key files,
	// and the largest message taken.
	SMTPListen, SMTPRelay   string
	SMTPTLSCert, SMTPTLSKey string
	SMTPMaxBytes            int64
	// RetroWindow is how far back the retroactive scan of newly added bank
	// and list entries looks (package retro; 0: seven days).
	RetroWindow time.Duration
}

// Parse reads flags over environment variables over defaults. A flag given on
// the command line wins over its variable.
func Parse(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	env := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	var c Config
	fs := flag.NewFlagSet("sigap serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	// The flags below that are not strings take their default from a
	// variable as these read it: unset gives def, and a value that does not
	// parse gives zero (which the checks after fs.Parse refuse where zero
	// is not a setting), as does a bool's other than 1 or true.
	durationVar := func(p *time.Duration, name, envName, def, usage string) {
		d, _ := time.ParseDuration(env(envName, def))
		fs.DurationVar(p, name, d, usage)
	}
	intVar := func(p *int, name, envName, def, usage string) {
		n, _ := strconv.Atoi(env(envName, def))
		fs.IntVar(p, name, n, usage)
	}
	int64Var := func(p *int64, name, envName, def, usage string) {
		n, _ := strconv.ParseInt(env(envName, def), 10, 64)
		fs.Int64Var(p, name, n, usage)
	}
	boolVar := func(p *bool, name, envName, usage string) {
		v := env(envName, "")
		fs.BoolVar(p, name, v == "1" || v == "true", usage)
	}
	var videoMB, smtpMB int64 // the flags' MiB; Config holds bytes
	fs.StringVar(&c.Addr, "addr", env("SIGAP_ADDR", "127.0.0.1:8080"), "address to listen on, HOST:PORT (env SIGAP_ADDR)")
	fs.StringVar(&c.DataDir, "data", env("SIGAP_DATA", "./sigap-data"), "data directory: SQLite file, keys, admin.key (env SIGAP_DATA)")
	fs.StringVar(&c.DB, "db", env("SIGAP_DB", ""), "database URL: empty for SQLite in the data dir, or postgres://... (env SIGAP_DB)")
	fs.StringVar(&c.PolicyFile, "policy", env("SIGAP_POLICY", ""), "YAML policy file overriding deadlines and escalation (env SIGAP_POLICY)")
	fs.StringVar(&c.LogFormat, "log-format", env("SIGAP_LOG_FORMAT", "text"), "log format: text or json (env SIGAP_LOG_FORMAT)")
	fs.StringVar(&c.LogLevel, "log-level", env("SIGAP_LOG_LEVEL", "info"), "log level: debug, info, warn, error (env SIGAP_LOG_LEVEL)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 30*time.Second, "how long in-flight requests may take to finish on SIGTERM")
	durationVar(&c.DrainGrace, "drain-grace", "SIGAP_DRAIN_GRACE", "2s", "on SIGTERM, how long /readyz says 503 while requests are still served, before new connections are refused (env SIGAP_DRAIN_GRACE)")
	boolVar(&c.AllowPrivateWebhooks, "allow-private-webhooks", "SIGAP_ALLOW_PRIVATE_WEBHOOKS",
		"let webhooks go to loopback/private/link-local addresses (env SIGAP_ALLOW_PRIVATE_WEBHOOKS=1)")
	fs.StringVar(&c.MetricsToken, "metrics-token", env("SIGAP_METRICS_TOKEN", ""),
		"bearer token that may read /metrics, besides the platform's admin and auditor API keys (env SIGAP_METRICS_TOKEN)")
	boolVar(&c.MetricsPublic, "metrics-public", "SIGAP_METRICS_PUBLIC",
		"serve /metrics without any key, for a listener only the monitoring network reaches (env SIGAP_METRICS_PUBLIC=1)")
	fs.StringVar(&c.SMTPAddr, "smtp", env("SIGAP_SMTP", ""), "SMTP server HOST:PORT for e-mail alerts to on-call contacts (env SIGAP_SMTP)")
	fs.StringVar(&c.SMTPFrom, "smtp-from", env("SIGAP_SMTP_FROM", "sigap@localhost"), "sender address of e-mail alerts and of replies to e-mailed notices (env SIGAP_SMTP_FROM)")
	durationVar(&c.JobLease, "job-lease", "SIGAP_JOB_LEASE", "30s", "how long a background job worker owns a job before another may take it over (env SIGAP_JOB_LEASE)")
	durationVar(&c.UnopenedAfter, "unopened-after", "SIGAP_UNOPENED_AFTER", "15m", "alert on-call when an urgent order is unopened this long (env SIGAP_UNOPENED_AFTER)")
	fs.StringVar(&c.PublicOrigin, "public-origin", env("SIGAP_PUBLIC_ORIGIN", ""),
		"scheme://host[:port] clients address the service by, behind a proxy that terminates TLS; signed requests are checked against it (env SIGAP_PUBLIC_ORIGIN)")
	// Video and decode limits (defaults: scan.DefaultVideo*, scan.DefaultMaxDecodes).
	int64Var(&videoMB, "video-max-mb", "SIGAP_VIDEO_MAX_MB", "64", "largest video a scan or hash takes, in MiB (env SIGAP_VIDEO_MAX_MB)")
	durationVar(&c.VideoMaxDuration, "video-max-duration", "SIGAP_VIDEO_MAX_DURATION", "10m", "longest video a scan or hash takes, by its declared duration (env SIGAP_VIDEO_MAX_DURATION)")
	intVar(&c.VideoMaxFrames, "video-max-frames", "SIGAP_VIDEO_MAX_FRAMES", "18000", "most frames decoded from one video (env SIGAP_VIDEO_MAX_FRAMES)")
	durationVar(&c.VideoTimeout, "video-timeout", "SIGAP_VIDEO_TIMEOUT", "60s", "longest one ffmpeg run of a scan or hash may take (env SIGAP_VIDEO_TIMEOUT)")
	intVar(&c.MaxDecodes, "max-decodes", "SIGAP_MAX_DECODES", "2", "images and videos decoded at once; others wait (env SIGAP_MAX_DECODES)")
	fs.StringVar(&c.KeyWrapFile, "key-wrap-file", env("SIGAP_KEY_WRAP_FILE", ""),
		"file holding the key (base64 of 32 bytes) that seals the service's keys in PostgreSQL; make one with: head -c 32 /dev/urandom | base64 (env SIGAP_KEY_WRAP_FILE, or the key itself in SIGAP_KEY_WRAP)")
	c.KeyWrap = env("SIGAP_KEY_WRAP", "")
	durationVar(&c.LeaseTTL, "lease-ttl", "SIGAP_LEASE_TTL", "5s", "how long a replica holds log signing and escalation timers unrenewed before another takes over (env SIGAP_LEASE_TTL)")
	fs.StringVar(&c.SMTPListen, "smtp-addr", env("SIGAP_SMTP_ADDR", ""), "receive notices by e-mail: SMTP listen address HOST:PORT, empty for none (env SIGAP_SMTP_ADDR; see docs/email.md)")
	fs.StringVar(&c.SMTPRelay, "smtp-relay", env("SIGAP_SMTP_RELAY", ""), "SMTP server HOST:PORT that replies to e-mailed notices go through (env SIGAP_SMTP_RELAY)")
	fs.StringVar(&c.SMTPTLSCert, "smtp-tls-cert", env("SIGAP_SMTP_TLS_CERT", ""), "PEM certificate file: the SMTP listener offers STARTTLS with it (env SIGAP_SMTP_TLS_CERT)")
	fs.StringVar(&c.SMTPTLSKey, "smtp-tls-key", env("SIGAP_SMTP_TLS_KEY", ""), "PEM private key file of --smtp-tls-cert (env SIGAP_SMTP_TLS_KEY)")
	int64Var(&smtpMB, "smtp-max-mb", "SIGAP_SMTP_MAX_MB", "32", "largest e-mail the SMTP listener takes, in MiB (env SIGAP_SMTP_MAX_MB)")
	durationVar(&c.RetroWindow, "retro-window", "SIGAP_RETRO_WINDOW", "168h", "how far back new bank and list entries are looked for in the posts made before them, at most 720h (env SIGAP_RETRO_WINDOW)")
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	c.VideoMaxBytes = videoMB << 20
	c.SMTPMaxBytes = smtpMB << 20
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("serve: unexpected argument %q (flags are --addr, --data, --db, --policy)", fs.Arg(0))
	}
	return c, c.validate()
}

func (c Config) validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("--addr %q is not HOST:PORT (for example 127.0.0.1:8080)", c.Addr))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("--data must name a directory"))
	}
	if c.DB != "" && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") && !strings.HasPrefix(c.DB, "sqlite:") {
		errs = append(errs, errors.New("--db must be a postgres:// URL or sqlite:/path/to/file.db (leave it empty for SQLite in the data dir)"))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("--log-format %q: use text or json", c.LogFormat))
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < 16 {
		errs = append(errs, errors.New("--metrics-token must be at least 16 characters (for example: openssl rand -hex 32)"))
	}
	if c.MetricsToken != "" && c.MetricsPublic {
		errs = append(errs, errors.New("--metrics-token and --metrics-public together: a public /metrics needs no token; choose one"))
	}
	if c.LeaseTTL < 0 || (c.LeaseTTL > 0 && c.LeaseTTL < 300*time.Millisecond) {
		errs = append(errs, fmt.Errorf("--lease-ttl %s: use at least 300ms (default 5s)", c.LeaseTTL))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("--log-level %q: use debug, info, warn or error", c.LogLevel))
	}
	if c.PublicOrigin != "" {
		u, err := url.Parse(c.PublicOrigin)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.TrimSuffix(u.Path, "/") != "" || u.RawQuery != "" || u.User != nil {
			errs = append(errs, fmt.Errorf("--public-origin %q: use scheme://host[:port], for example https://sigap.example.go.id", c.PublicOrigin))
		}
	}
	if c.RetroWindow < 0 || c.RetroWindow > 720*time.Hour {
		errs = append(errs, fmt.Errorf("--retro-window %s: use at most 720h (30 days; default 168h)", c.RetroWindow))
	}
	if c.VideoMaxBytes < 1 || c.VideoMaxDuration <= 0 || c.VideoMaxFrames < 1 || c.VideoTimeout <= 0 || c.MaxDecodes < 1 {
		errs = append(errs, errors.New("--video-max-mb, --video-max-duration, --video-max-frames, --video-timeout and --max-decodes must be positive"))
	}
	for _, f := range [][2]string{{"--smtp-addr", c.SMTPListen}, {"--smtp-relay", c.SMTPRelay}} {
		if _, _, err := net.SplitHostPort(f[1]); f[1] != "" && err != nil {
			errs = append(errs, fmt.Errorf("%s %q is not HOST:PORT (for example 127.0.0.1:2525)", f[0], f[1]))
		}
	}
	if (c.SMTPTLSCert == "") != (c.SMTPTLSKey == "") {
		errs = append(errs, errors.New("--smtp-tls-cert and --smtp-tls-key go together"))
	}
	if c.SMTPMaxBytes < 1<<20 {
		errs = append(errs, errors.New("--smtp-max-mb must be at least 1"))
	}
	return errors.Join(errs...)
}
