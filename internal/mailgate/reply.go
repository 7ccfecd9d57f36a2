package mailgate

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/jobs"
	"github.com/sigap/sigap/internal/mailin"
	"github.com/sigap/sigap/internal/notice"
)

// reply is a queued answer: the receipt of NoticeID, or the Problems of a
// refused message. It holds no notice data, which the job reads when it runs.
type reply struct {
	To        string           `json:"to"`
	InReplyTo string           `json:"in_reply_to,omitempty"`
	Subject   string           `json:"subject,omitempty"`
	NoticeID  string           `json:"notice_id,omitempty"`
	OrgID     string           `json:"org_id,omitempty"`
	Problems  []mailin.Problem `json:"problems,omitempty"`
}

// ErrNoRelay means replies cannot leave: no --smtp-relay is set.
var ErrNoRelay = errors.New("mailgate: no SMTP relay is configured (--smtp-relay)")

// HandleReplies registers the reply job on the queue.
func (g *Gate) HandleReplies() {
	g.Jobs.Handle(ReplyKind, g.sendReply, nil)
}

// sendReply builds and sends one queued reply; a relay that refuses or is
// away is tried again with the queue's backoff.
func (g *Gate) sendReply(ctx context.Context, j *jobs.Job) error {
	var r reply
	if err := json.Unmarshal(j.Payload, &r); err != nil {
		return jobs.Permanent(fmt.Errorf("mailgate: reply payload: %w", err))
	}
	if g.Config.Relay == "" {
		return jobs.Permanent(ErrNoRelay)
	}
	var n *notice.Notice
	if r.NoticeID != "" {
		var err error
		if n, err = g.DB.Notice(ctx, r.NoticeID, r.OrgID); err != nil {
			return fmt.Errorf("mailgate: reply to %s: %w", r.NoticeID, err)
		}
	}
	msg, err := g.compose(r, n, j.ID, g.Clock.Now())
	if err != nil {
		return jobs.Permanent(err)
	}
	// A null envelope sender: an automatic reply must not be answered or
	// bounced back to us (RFC 3834 section 3.3).
	if err := smtp.SendMail(g.Config.Relay, nil, "", []string{r.To}, msg); err != nil {
		return fmt.Errorf("mailgate: send reply to %s via %s: %w", r.To, g.Config.Relay, err)
	}
	g.Log.Info("reply sent", "to", r.To, "notice_id", r.NoticeID, "refused", len(r.Problems) > 0)
	return nil
}

// compose writes the reply: text in Bahasa Indonesia then English, and for
// an accepted notice its signed receipt as receipt.json.
func (g *Gate) compose(r reply, n *notice.Notice, jobID string, now time.Time) ([]byte, error) {
	var text strings.Builder
	var subject string
	if n != nil {
		subject = "Diterima / Received: " + r.Subject
		due := n.DueAt
		for _, lang := range i18n.Langs {
			fmt.Fprintf(&text, "%s\n\n", i18n.T(lang, "mail.accepted", n.ID))
			fmt.Fprintf(&text, "  %s: %s\n", i18n.T(lang, "mail.reference"), n.Reference)
			fmt.Fprintf(&text, "  %s: %d\n", i18n.T(lang, "mail.subjects"), n.SubjectCount)
			fmt.Fprintf(&text, "  %s: %s WIB (%s UTC)\n", i18n.T(lang, "mail.due"),
				due.In(clock.WIB()).Format("2006-01-02 15:04"), due.UTC().Format("2006-01-02 15:04"))
			fmt.Fprintf(&text, "  %s: %s/notices/%s\n\n", i18n.T(lang, "mail.link"), strings.TrimRight(g.Config.PortalBase, "/"), n.ID)
			fmt.Fprintf(&text, "%s\n\n", i18n.T(lang, "mail.receipt"))
		}
	} else {
		subject = "Ditolak / Refused: " + r.Subject
		for _, lang := range i18n.Langs {
			fmt.Fprintf(&text, "%s\n\n", i18n.T(lang, "mail.refused"))
			for _, p := range r.Problems {
				line := p.EN
				if lang == i18n.ID {
					line = p.ID
				}
				fmt.Fprintf(&text, "  - %s\n", line)
			}
			fmt.Fprintf(&text, "\n%s\n\n", i18n.T(lang, "mail.refused_after"))
		}
	}
	var buf bytes.Buffer
	h := func(k, v string) { fmt.Fprintf(&buf, "%s: %s\r\n", k, v) }
	host := g.Config.Hostname
	if host == "" {
		host = "sigap.localhost"
	}
	h("From", mime.QEncoding.Encode("utf-8", "sigap")+" <"+oneLine(g.Config.From)+">")
	h("To", "<"+oneLine(r.To)+">")
	h("Subject", mime.QEncoding.Encode("utf-8", oneLine(subject)))
	h("Date", now.Format(time.RFC1123Z))
	h("Message-ID", "<"+id.New("mail", now)+"."+jobID+"@"+host+">")
	if r.InReplyTo != "" {
		h("In-Reply-To", oneLine(r.InReplyTo))
		h("References", oneLine(r.InReplyTo))
	}
	h("Auto-Submitted", "auto-replied")
	h(ReplyHeader, map[bool]string{true: "receipt", false: "refusal"}[n != nil])
	h("MIME-Version", "1.0")
	w := multipart.NewWriter(&buf)
	h("Content-Type", "multipart/mixed; boundary="+w.Boundary())
	buf.WriteString("\r\n")
	tp, err := w.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/plain; charset=utf-8"}, "Content-Transfer-Encoding": {"8bit"}})
	if err != nil {
		return nil, err
	}
	tp.Write([]byte(strings.ReplaceAll(text.String(), "\n", "\r\n")))
	if n != nil {
		rc, err := json.MarshalIndent(n, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("mailgate: receipt of %s: %w", n.ID, err)
		}
		ap, err := w.CreatePart(textproto.MIMEHeader{"Content-Type": {"application/json"}, "Content-Transfer-Encoding": {"base64"},
			"Content-Disposition": {`attachment; filename="receipt.json"`}})
		if err != nil {
			return nil, err
		}
		enc := base64.StdEncoding.EncodeToString(rc)
		for len(enc) > 76 {
			ap.Write([]byte(enc[:76] + "\r\n"))
			enc = enc[76:]
		}
		ap.Write([]byte(enc + "\r\n"))
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// oneLine keeps a value that came from outside from starting a header of its own.
func oneLine(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}
