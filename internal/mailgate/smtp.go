package mailgate

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/emersion/go-smtp"
)

// ListenConfig is the SMTP listener's address and limits; zero fields take the defaults.
type ListenConfig struct {
	// Addr is HOST:PORT to listen on.
	Addr string
	// TLS, when set, offers STARTTLS with its certificate.
	TLS *tls.Config
	// MaxBytes is the largest message taken (default 32 MiB: 100,000 links
	// are about 4 MiB, a signed letter as PDF a few more).
	MaxBytes int64
	// MaxRecipients is the most RCPT TO of one message (default 10).
	MaxRecipients int
	// MaxLineLength is the longest line (default 2000, twice RFC 5321's 1000).
	MaxLineLength int
	// Timeout bounds each read and write on a connection (default 2 minutes).
	Timeout time.Duration
	// MaxInFlight is the most messages taken at once, from MAIL FROM to
	// the end of DATA (default 16): with MaxBytes it bounds the memory mail
	// can take. One more is told to try again later (421).
	MaxInFlight int
}

func (c ListenConfig) withDefaults() ListenConfig {
	if c.MaxBytes <= 0 {
		c.MaxBytes = 32 << 20
	}
	if c.MaxRecipients <= 0 {
		c.MaxRecipients = 10
	}
	if c.MaxLineLength <= 0 {
		c.MaxLineLength = 2000
	}
	if c.Timeout <= 0 {
		c.Timeout = 2 * time.Minute
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = 16
	}
	return c
}

// Listener is a running SMTP server in front of a Gate.
type Listener struct {
	srv  *smtp.Server
	ln   net.Listener
	done chan error
}

// Listen starts an SMTP server on cfg.Addr that hands each message to g.
func (g *Gate) Listen(cfg ListenConfig) (*Listener, error) {
	cfg = cfg.withDefaults()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("mailgate: listen on %s: %w", cfg.Addr, err)
	}
	srv := smtp.NewServer(&backend{g: g, maxBytes: cfg.MaxBytes, slots: make(chan struct{}, cfg.MaxInFlight)})
	srv.Domain = g.Config.Hostname
	if srv.Domain == "" {
		srv.Domain = "sigap.localhost"
	}
	srv.TLSConfig = cfg.TLS
	srv.MaxMessageBytes = cfg.MaxBytes
	srv.MaxRecipients = cfg.MaxRecipients
	srv.MaxLineLength = cfg.MaxLineLength
	srv.ReadTimeout, srv.WriteTimeout = cfg.Timeout, cfg.Timeout
	srv.ErrorLog = slog.NewLogLogger(g.Log.Handler(), slog.LevelWarn)
	l := &Listener{srv: srv, ln: ln, done: make(chan error, 1)}
	go func() { l.done <- srv.Serve(ln) }()
	return l, nil
}

// Addr is the address the listener took (a port of 0 chosen).
func (l *Listener) Addr() string { return l.ln.Addr().String() }

// Shutdown stops taking connections and lets the messages under way finish
// until ctx ends; then it closes what is left. A message cut off is not
// acknowledged, so its sender's server tries it again.
func (l *Listener) Shutdown(ctx context.Context) error {
	err := l.srv.Shutdown(ctx)
	if err != nil {
		l.srv.Close()
	}
	<-l.done
	if errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	return err
}

type backend struct {
	g        *Gate
	maxBytes int64
	// slots holds one token per message under way.
	slots chan struct{}
}

func (b *backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{b: b}, nil }

type session struct {
	b    *backend
	from string
	held bool
}

// errBusy asks the sending server to come back: every slot is taken.
var errBusy = &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 2}, Message: "Too many messages at once, please try again later"}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if !s.held {
		select {
		case s.b.slots <- struct{}{}:
			s.held = true
		default:
			return errBusy
		}
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *session) Reset()                               { s.from = ""; s.release() }
func (s *session) Logout() error                        { s.release(); return nil }

func (s *session) release() {
	if s.held {
		s.held = false
		<-s.b.slots
	}
}

// Data reads the message whole and files it. The 250 comes only after the
// notice or the refusal is committed; an error on the way is a 451 and the
// sender's server tries again.
func (s *session) Data(r io.Reader) error {
	defer s.release()
	g := s.b.g
	raw, err := io.ReadAll(r)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if errors.Is(err, smtp.ErrDataTooLarge) {
		g.Log.Warn("mail refused: too large", "envelope_from", s.from, "limit", s.b.maxBytes)
		if loop(s.from, nil) == "" {
			if err := g.RefuseOversized(ctx, s.from, s.b.maxBytes); err != nil {
				g.Log.Error("refusal of a too large mail not queued", "err", err)
			}
		}
		return smtp.ErrDataTooLarge
	}
	if err != nil {
		return err
	}
	if _, err := g.Receive(ctx, s.from, raw); err != nil {
		g.Log.Error("mail not filed; the sender is told to retry", "envelope_from", s.from, "err", err)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary failure, please try again later"}
	}
	return nil
}
