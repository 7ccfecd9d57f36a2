package contact

import (
	"fmt"
	"net/smtp"
	"strings"
	"time"
)

// Mailer sends e-mail through one SMTP server (a local relay or the
// organisation's submission server); without Addr it refuses.
type Mailer struct {
	// Addr is HOST:PORT of the SMTP server.
	Addr string
	// From is the envelope and header sender.
	From string
	// Auth, when set, authenticates (net/smtp refuses PLAIN auth without TLS except to localhost).
	Auth smtp.Auth
}

// Send sends a plain-text message to one address.
func (m *Mailer) Send(to, subject, body string, now time.Time) error {
	if m == nil || m.Addr == "" {
		return ErrNoSMTP
	}
	from := m.From
	if from == "" {
		from = "sigap@localhost"
	}
	clean := func(s string) string { return strings.NewReplacer("\r", " ", "\n", " ").Replace(s) }
	msg := "From: " + clean(from) + "\r\nTo: " + clean(to) + "\r\nSubject: " + clean(subject) +
		"\r\nDate: " + now.Format(time.RFC1123Z) + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		strings.ReplaceAll(body, "\n", "\r\n") + "\r\n"
	if err := smtp.SendMail(m.Addr, m.Auth, from, []string{to}, []byte(msg)); err != nil {
		return fmt.Errorf("contact: send mail to %s via %s: %w", to, m.Addr, err)
	}
	return nil
}
