package mailgate

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/audit"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/document"
	"github.com/sigap/sigap/internal/intake"
	"github.com/sigap/sigap/internal/jobs"
	"github.com/sigap/sigap/internal/mailin"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// Config is how the gate answers.
type Config struct {
	// Relay is HOST:PORT of the SMTP server replies go through ("": replies
	// wait in the queue and are dead-lettered, logged, as undeliverable).
	Relay string
	// From is the address replies come from.
	From string
	// PortalBase (scheme://host[:port]) starts the notice's portal link in a reply.
	PortalBase string
	// Hostname names this service in replies' Message-IDs and the SMTP greeting.
	Hostname string
	// Limits bound what one message is taken apart into.
	Limits mailin.Limits
}

// Gate turns received mail into notices and answers it.
type Gate struct {
	DB     *store.DB
	Intake *intake.Service
	Jobs   *jobs.Queue
	Clock  clock.Clock
	Log    *slog.Logger
	Config Config
}

// Outcome is what became of one message.
type Outcome int

// The outcomes of Receive.
const (
	// Accepted: a notice was stored and its receipt is on the way back.
	Accepted Outcome = iota + 1
	// Replayed: the message was received before; its notice stands.
	Replayed
	// Refused: nothing was stored; the reasons are on the way back.
	Refused
	// Dropped: an automatic message (a bounce, an auto-reply, our own
	// reply come back); nothing was stored or answered.
	Dropped
)

func (o Outcome) String() string {
	return [...]string{"", "accepted", "replayed", "refused", "dropped"}[o]
}

// ReplyKind is the job kind of replies.
const ReplyKind = "mail.reply"

// ReplyHeader marks sigap's own replies, so one that comes back is known.
const ReplyHeader = "X-Sigap-Reply"

// Receive takes one message as it came over SMTP (envelope sender, raw
// bytes). An error means nothing was decided and the sender should try again
// later (the SMTP answer is a temporary failure); every other message is
// accepted, refused with a reply, or dropped.
func (g *Gate) Receive(ctx context.Context, envelopeFrom string, raw []byte) (Outcome, error) {
	if why := loop(envelopeFrom, raw); why != "" {
		g.Log.Warn("mail dropped: an automatic message, not answered", "why", why, "envelope_from", envelopeFrom)
		return Dropped, nil
	}
	m, err := mailin.Read(raw, g.Config.Limits)
	if err != nil {
		to := envelopeFrom
		if m2, err2 := mail.ReadMessage(bytes.NewReader(raw)); err2 == nil {
			if a, err3 := mail.ParseAddress(m2.Header.Get("From")); err3 == nil {
				to = a.Address
			}
		}
		return g.refuseStranger(ctx, reply{To: to, InReplyTo: headerOf(raw, "Message-Id"), Subject: headerOf(raw, "Subject")},
			problem("", "malformed", "surel tidak dapat dibaca: "+detail(err), "the e-mail could not be read: "+detail(err)))
	}
	r := reply{To: m.From, InReplyTo: m.MessageID, Subject: m.Subject}
	sender, err := g.DB.MailSenderByAddress(ctx, m.From)
	if errors.Is(err, store.ErrNotFound) {
		return g.refuseStranger(ctx, r, problem("", "unregistered_sender",
			fmt.Sprintf("%s bukan pengirim terdaftar; admin otoritas Anda mendaftarkan alamat dan kunci DKIM-nya di sigap", m.From),
			fmt.Sprintf("%s is not a registered sender; your authority's admin registers the address and its DKIM key in sigap", m.From)))
	}
	if err != nil {
		return 0, fmt.Errorf("mailgate: sender %s: %w", m.From, err)
	}
	if err := verifyDKIM(raw, sender); err != nil {
		g.Log.Warn("mail refused: DKIM", "from", m.From, "org_id", sender.OrgID, "err", err)
		return g.refuse(ctx, r, problem("", "dkim_failed",
			"tanda tangan DKIM surel tidak sah untuk kunci terdaftar pengirim ("+detail(err)+"); surel ini mungkin dipalsukan",
			"the e-mail's DKIM signature is not valid for the sender's registered key ("+detail(err)+"); it may be forged"))
	}
	body, probs := mailin.Notice(m)
	docs, docProbs := documents(m.Attachments)
	if probs = append(probs, docProbs...); len(probs) > 0 {
		return g.refuse(ctx, r, probs...)
	}
	o, err := g.DB.Org(ctx, sender.OrgID)
	if err != nil {
		return 0, fmt.Errorf("mailgate: org of sender %s: %w", sender.ID, err)
	}
	caller := org.Caller{OrgID: o.ID, OrgKind: o.Kind, Role: org.RoleAuthority, DefaultRegime: o.DefaultRegime}
	// The reply is queued in the notice's own transaction: a stored notice
	// always gets its receipt back, and a failed one never does.
	svc := *g.Intake
	orig := svc.Gate
	svc.Gate = func(ctx context.Context, tx *store.Tx, c org.Caller, n *notice.Notice) error {
		if orig != nil {
			if err := orig(ctx, tx, c, n); err != nil {
				return err
			}
		}
		r.NoticeID, r.OrgID = n.ID, n.OrgID
		return g.Jobs.Enqueue(ctx, tx, jobs.Spec{Kind: ReplyKind, Key: ReplyKind + ":" + n.ID, Payload: r})
	}
	res, err := svc.File(audit.WithActor(ctx, "mail:"+sender.ID), intake.Submission{Caller: caller, DefaultRegime: o.DefaultRegime,
		Body: body, IdempotencyKey: idempotencyKey(m, raw), Documents: docs})
	var ve *notice.ValidationError
	var de *document.Error
	switch {
	case errors.As(err, &de):
		return g.refuse(ctx, r, problem("documents", de.Code, de.ID, de.EN))
	case errors.As(err, &ve):
		return g.refuse(ctx, r, fieldProblems(ve)...)
	case errors.Is(err, intake.ErrIdempotencyMismatch):
		return g.refuse(ctx, r, problem("", "idempotency_mismatch",
			"Message-ID surel ini sudah dipakai untuk surel lain; kirim ulang sebagai surel baru",
			"this e-mail's Message-ID was used before for a different e-mail; send it again as a new e-mail"))
	case err != nil && !isTemporary(err):
		return g.refuse(ctx, r, problem("", "refused", "pemberitahuan ditolak: "+detail(err), "the notice was refused: "+detail(err)))
	case err != nil:
		return 0, fmt.Errorf("mailgate: file the notice: %w", err)
	}
	if !res.Stored {
		g.Log.Info("mail received again: its notice stands", "from", m.From, "notice_id", res.Notice.ID, "message_id", m.MessageID)
		return Replayed, nil
	}
	g.Jobs.Wake()
	g.Log.Info("notice received by e-mail", "from", m.From, "org_id", o.ID, "notice_id", res.Notice.ID, "subjects", res.Notice.SubjectCount,
		"documents", len(docs))
	return Accepted, nil
}

// documents checks a message's attachments as the notice's documents: each
// must be what it claims to be (a PDF, PNG or JPEG that parses; a zip or a
// program named .pdf is refused), and the problems name every one that is
// not. A picture shown inside the text (a signature's logo) is not a document.
func documents(atts []mailin.Attachment) ([]document.Upload, []mailin.Problem) {
	var docs []document.Upload
	var probs []mailin.Problem
	for _, a := range atts {
		if a.Inline && a.ContentType != document.TypePDF {
			continue
		}
		name := a.Name
		if name == "" {
			name = "lampiran"
		}
		u, err := document.Check(name, a.ContentType, a.Data)
		var de *document.Error
		switch {
		case errors.As(err, &de):
			probs = append(probs, problem("documents", de.Code, "lampiran: "+de.ID, "attachment: "+de.EN))
		case err != nil:
			probs = append(probs, problem("documents", "invalid", "lampiran "+name+" tidak dapat dibaca", "attachment "+name+" could not be read"))
		default:
			docs = append(docs, u)
		}
	}
	if err := document.CheckSet(docs); err != nil {
		var de *document.Error
		if errors.As(err, &de) {
			probs = append(probs, problem("documents", de.Code, de.ID, de.EN))
		}
	}
	return docs, probs
}

// isTemporary tells an error the sender should retry (the database is away
// or shutting down) from one a retry would meet again.
func isTemporary(err error) bool {
	return !errors.Is(err, store.ErrConflict) && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, notice.ErrInvalid)
}

// refuse queues a reply listing every problem; nothing else is stored. A
// refusal of the same message to the same address is queued once.
func (g *Gate) refuse(ctx context.Context, r reply, probs ...mailin.Problem) (Outcome, error) {
	sum := sha256.Sum256([]byte(strings.ToLower(r.To) + "\x00" + r.InReplyTo + "\x00" + r.Subject))
	return g.queueRefusal(ctx, r, ReplyKind+":refused:"+hex.EncodeToString(sum[:16]), probs)
}

// refuseStranger is refuse for an address that is not a registered sender:
// it is told at most once an hour, so that mail forged in its name cannot
// make sigap flood it (backscatter).
func (g *Gate) refuseStranger(ctx context.Context, r reply, probs ...mailin.Problem) (Outcome, error) {
	sum := sha256.Sum256([]byte(strings.ToLower(r.To)))
	hour := g.Clock.Now().UTC().Format("2006010215")
	return g.queueRefusal(ctx, r, ReplyKind+":stranger:"+hex.EncodeToString(sum[:16])+":"+hour, probs)
}

func (g *Gate) queueRefusal(ctx context.Context, r reply, key string, probs []mailin.Problem) (Outcome, error) {
	const maxListed = 50
	if len(probs) > maxListed {
		more := len(probs) - maxListed
		probs = append(probs[:maxListed], problem("", "more", fmt.Sprintf("dan %d masalah lain", more), fmt.Sprintf("and %d more problems", more)))
	}
	r.Problems = probs
	if r.To == "" {
		g.Log.Warn("mail refused, and no address to tell", "problems", len(probs))
		return Refused, nil
	}
	err := g.DB.Write(ctx, func(tx *store.Tx) error {
		return g.Jobs.Enqueue(ctx, tx, jobs.Spec{Kind: ReplyKind, Key: key, Payload: r})
	})
	if err != nil {
		return 0, fmt.Errorf("mailgate: queue the refusal: %w", err)
	}
	g.Jobs.Wake()
	g.Log.Info("mail refused; the reasons are sent back", "to", r.To, "first", probs[0].Code, "problems", len(probs))
	return Refused, nil
}

// RefuseOversized answers a message that was too large to read, to its
// envelope sender (the only address known of it).
func (g *Gate) RefuseOversized(ctx context.Context, envelopeFrom string, limit int64) error {
	if envelopeFrom == "" {
		return nil
	}
	size := fmt.Sprintf("%d KiB", limit>>10)
	if limit >= 1<<20 {
		size = fmt.Sprintf("%d MiB", limit>>20)
	}
	_, err := g.refuseStranger(ctx, reply{To: envelopeFrom, Subject: "(terlalu besar / too large)"}, problem("", "too_large",
		"surel lebih besar dari "+size+" dan tidak dibaca; bagi tautannya ke beberapa surel",
		"the e-mail is larger than "+size+" and was not read; split its links over several e-mails"))
	return err
}

// loop says why a message is an automatic one that must not be answered
// ("" when it is not): a null envelope sender (bounces, RFC 5321 4.5.5),
// Auto-Submitted (RFC 3834), a delivery report, or sigap's own reply.
func loop(envelopeFrom string, raw []byte) string {
	if strings.Trim(envelopeFrom, "<> ") == "" {
		return "null envelope sender (a bounce or an automatic reply)"
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return ""
	}
	if m.Header.Get(ReplyHeader) != "" {
		return "sigap's own reply came back"
	}
	if as := strings.ToLower(strings.TrimSpace(m.Header.Get("Auto-Submitted"))); as != "" && as != "no" {
		return "Auto-Submitted: " + as
	}
	if rp := strings.TrimSpace(m.Header.Get("Return-Path")); rp == "<>" {
		return "empty Return-Path"
	}
	if mt, _, _ := mime.ParseMediaType(m.Header.Get("Content-Type")); strings.EqualFold(mt, "multipart/report") {
		return "a delivery or disposition report"
	}
	return ""
}

// idempotencyKey is the message's Message-ID, as the API's Idempotency-Key;
// a message without one (or with an unusable one) is keyed by its hash.
func idempotencyKey(m *mailin.Message, raw []byte) string {
	id := m.MessageID
	if id != "" && utf8.RuneCountInString(id) <= 255 && !strings.ContainsFunc(id, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return id
	}
	sum := sha256.Sum256(raw)
	return "mail-sha256:" + hex.EncodeToString(sum[:])
}

func headerOf(raw []byte, key string) string {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return ""
	}
	return strings.ToValidUTF8(m.Header.Get(key), "")
}

func problem(field, code, id, en string) mailin.Problem {
	return mailin.Problem{Field: field, Code: code, ID: id, EN: en}
}

// detail is an error's text without the package prefixes a person need not read.
func detail(err error) string {
	s := err.Error()
	for _, p := range []string{"mailgate: ", "mailin: ", "store: "} {
		s = strings.ReplaceAll(s, p, "")
	}
	return s
}

// fieldProblems turns the API's field errors into a reply's problems; the
// API says them in English, and the Indonesian line names the field and what
// is wrong by its code.
func fieldProblems(ve *notice.ValidationError) []mailin.Problem {
	out := make([]mailin.Problem, 0, len(ve.Fields))
	for _, f := range ve.Fields {
		out = append(out, problem(f.Field, f.Code, fieldID(f.Field)+": "+codeID(f.Code), f.Field+": "+f.Message))
	}
	return out
}

// fieldNamesID are the API's fields by the Indonesian names a message may use (docs/email.md).
var fieldNamesID = map[string]string{"kind": "jenis", "category": "kategori", "legal_basis": "dasar hukum", "reference": "nomor surat",
	"urgent": "mendesak", "regime": "rezim", "requested_action": "tindakan", "language": "bahasa", "territorial_scope": "wilayah",
	"explanation": "penjelasan", "inform_uploader_after": "beri tahu pengunggah setelah", "subjects": "tautan", "documents": "lampiran"}

// fieldID names a field error's field in Bahasa Indonesia: subjects[4].url
// is the fifth link.
func fieldID(field string) string {
	if field == "" {
		return "surel"
	}
	var i int
	if _, err := fmt.Sscanf(field, "subjects[%d]", &i); err == nil {
		return fmt.Sprintf("tautan ke-%d", i+1)
	}
	if n, ok := fieldNamesID[field]; ok {
		return n
	}
	return field
}

// codeID says a field error's code in Bahasa Indonesia.
func codeID(code string) string {
	switch code {
	case "required":
		return "wajib diisi"
	case "unknown_value":
		return "nilai tidak dikenal"
	case "invalid", "wrong_type":
		return "nilai tidak sah"
	case "too_long":
		return "terlalu panjang"
	case "too_many", "too_many_errors":
		return "terlalu banyak"
	case "unknown_field":
		return "kolom tidak dikenal"
	case "not_allowed", "kind_not_allowed":
		return "tidak diizinkan untuk organisasi ini"
	case "private_subject":
		return "tautan privat tidak dapat diproses"
	case "invalid_link":
		return "bukan tautan yang sah"
	}
	return "ditolak (" + code + ")"
}
