package app

import (
	"net/url"

	"github.com/sigap/sigap/internal/mailgate"
)

// buildMail makes e-mail intake: the sender registry and the gate, whose
// replies run on the job queue.
func (a *App) buildMail() {
	a.MailSenders = &mailgate.Senders{DB: a.DB, Clock: a.Clock}
	base := a.Config.PublicOrigin
	if base == "" {
		base = "http://" + a.Config.Addr
	}
	host := "sigap.localhost"
	if u, err := url.Parse(base); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	a.Mail = &mailgate.Gate{DB: a.DB, Intake: a.Intake, Jobs: a.Jobs, Clock: a.Clock, Log: a.Log,
		Config: mailgate.Config{Relay: a.Config.SMTPRelay, From: a.Config.SMTPFrom, PortalBase: base, Hostname: host}}
	a.Mail.HandleReplies()
}
