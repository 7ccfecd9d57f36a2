package server

import (
	"context"
	"crypto/tls"
	"fmt"

	"github.com/sigap/sigap/internal/mailgate"
)

// listenMail starts the SMTP listener of e-mail intake when --smtp-addr is
// set (nil otherwise), with STARTTLS when a certificate is configured.
func (s *Server) listenMail() (*mailgate.Listener, error) {
	if s.Config.SMTPListen == "" {
		return nil, nil
	}
	var tc *tls.Config
	if s.Config.SMTPTLSCert != "" {
		cert, err := tls.LoadX509KeyPair(s.Config.SMTPTLSCert, s.Config.SMTPTLSKey)
		if err != nil {
			return nil, fmt.Errorf("server: SMTP certificate: %w", err)
		}
		tc = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	l, err := s.Mail.Listen(mailgate.ListenConfig{Addr: s.Config.SMTPListen, TLS: tc, MaxBytes: s.Config.SMTPMaxBytes})
	if err != nil {
		return nil, err
	}
	s.Log.Info("receiving notices by e-mail", "smtp", l.Addr(), "starttls", tc != nil, "relay", s.Config.SMTPRelay)
	return l, nil
}

// stopMail lets the messages under way finish until ctx ends.
func (s *Server) stopMail(ctx context.Context, l *mailgate.Listener) {
	if l == nil {
		return
	}
	if err := l.Shutdown(ctx); err != nil {
		s.Log.Warn("SMTP shutdown did not finish in time; the messages cut off are retried by their senders", "err", err)
	}
}
