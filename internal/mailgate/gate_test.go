package mailgate_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	gosmtp "github.com/emersion/go-smtp"

	"github.com/sigap/sigap/internal/app"
	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/document"
	"github.com/sigap/sigap/internal/mailgate"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/receipt"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

// relay is the SMTP server sigap's replies go through in the tests; it keeps every message.
type relay struct {
	mu   sync.Mutex
	msgs [][]byte
	srv  *gosmtp.Server
	addr string
	got  chan struct{}
}

type relaySession struct{ r *relay }

func (s relaySession) Mail(string, *gosmtp.MailOptions) error { return nil }
func (s relaySession) Rcpt(string, *gosmtp.RcptOptions) error { return nil }
func (s relaySession) Reset()                                 {}
func (s relaySession) Logout() error                          { return nil }
func (s relaySession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.r.mu.Lock()
	s.r.msgs = append(s.r.msgs, b)
	s.r.mu.Unlock()
	select {
	case s.r.got <- struct{}{}:
	default:
	}
	return nil
}

type relayBackend struct{ r *relay }

func (b relayBackend) NewSession(*gosmtp.Conn) (gosmtp.Session, error) { return relaySession{b.r}, nil }

func newRelay(t testing.TB) *relay {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &relay{addr: ln.Addr().String(), got: make(chan struct{}, 1)}
	r.srv = gosmtp.NewServer(relayBackend{r})
	r.srv.Domain = "relay.test"
	r.srv.ErrorLog = log{}
	done := make(chan struct{})
	go func() { defer close(done); r.srv.Serve(ln) }()
	t.Cleanup(func() { r.srv.Close(); <-done })
	return r
}

type log struct{}

func (log) Printf(string, ...any) {}
func (log) Println(...any)        {}

// reply waits for the message to rcpt that mentions marker.
func (r *relay) reply(t *testing.T, rcpt, marker string) *mail.Message {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		r.mu.Lock()
		for _, raw := range r.msgs {
			m, err := mail.ReadMessage(bytes.NewReader(raw))
			if err == nil && strings.Contains(m.Header.Get("To"), rcpt) && bytes.Contains(raw, []byte(marker)) {
				r.mu.Unlock()
				m, _ = mail.ReadMessage(bytes.NewReader(raw))
				return m
			}
		}
		r.mu.Unlock()
		select {
		case <-r.got:
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			t.Fatalf("no reply to %s mentioning %q", rcpt, marker)
		}
	}
}

// parts returns the text and the attachments (by file name) of a reply.
func parts(t *testing.T, m *mail.Message) (string, map[string][]byte) {
	t.Helper()
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	var text string
	files := map[string][]byte{}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return text, files
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		if p.FileName() != "" {
			d, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(b)), ""))
			if err != nil {
				t.Fatalf("attachment %s: %v", p.FileName(), err)
			}
			files[p.FileName()] = d
		} else {
			text += string(b)
		}
	}
}

// pdf is the signed letter attached to orders.
var pdf = string(document.SamplePDF("Surat perintah SP-2026-0042"))

// zipAsPDF is a zip archive sent as a PDF.
const zipAsPDF = "PK\x03\x04\x14\x00\x00\x00\x08\x00evil.exe"

// letter is an order e-mail: the body's text, and a PDF attached when withPDF.
func letter(from, ref, text string, withPDF bool, extra string) []byte {
	return letterWith(from, ref, text, map[bool]string{true: pdf}[withPDF], extra)
}

// letterWith is letter with the attached "surat.pdf" holding attached ("": none).
func letterWith(from, ref, text, attached, extra string) []byte {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	tp, _ := w.CreatePart(map[string][]string{"Content-Type": {"text/plain; charset=utf-8"}})
	tp.Write([]byte(text))
	if attached != "" {
		pp, _ := w.CreatePart(map[string][]string{"Content-Type": {"application/pdf"},
			"Content-Disposition": {`attachment; filename="surat.pdf"`}, "Content-Transfer-Encoding": {"base64"}})
		pp.Write([]byte(base64.StdEncoding.EncodeToString([]byte(attached))))
	}
	w.Close()
	return fmt.Appendf(nil, "From: Pejabat <%s>\r\nTo: <notices@platform.test>\r\nSubject: %s Perintah\r\nDate: %s\r\n"+
		"Message-ID: <%s@komdigi.go.id>\r\n%sMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=%s\r\n\r\n%s",
		from, ref, time.Now().Format(time.RFC1123Z), strings.ToLower(ref), extra, w.Boundary(), body.Bytes())
}

func order(ref string) string {
	return "Yth. Tim Platform,\r\n\r\nkind: order\r\ncategory: terrorism\r\nlegal_basis: UU ITE Pasal 40\r\nreference: " + ref +
		"\r\n\r\nhttps://t.me/s/MailChannel/7\r\nt.me/mailchannel/8\r\n\r\nPropaganda ISIS.\r\n"
}

func sign(t testing.TB, msg []byte, domain string, key crypto.Signer) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := dkim.Sign(&out, bytes.NewReader(msg), &dkim.SignOptions{Domain: domain, Selector: "sigap", Signer: key, Hash: crypto.SHA256}); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func pkix(t testing.TB, pub any) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(der)
}

type harness struct {
	a      *app.App
	relay  *relay
	smtp   string
	orgID  string
	from   string
	rsaKey *rsa.PrivateKey
}

func (h *harness) notices(t *testing.T) int {
	t.Helper()
	ns, err := h.a.DB.Notices(t.Context(), store.NoticeFilter{OrgID: h.orgID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return len(ns)
}

func newHarness(t *testing.T, e storetest.Engine, maxBytes int64) *harness {
	t.Helper()
	ctx := context.Background()
	r := newRelay(t)
	a, err := app.New(ctx, config.Config{DataDir: e.Dir, DB: e.URL, Addr: "127.0.0.1:8080", SMTPRelay: r.addr, SMTPFrom: "sigap@platform.test"},
		slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	qctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); a.Jobs.Run(qctx) }()
	ln, err := a.Mail.Listen(mailgate.ListenConfig{Addr: "127.0.0.1:0", MaxBytes: maxBytes})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ln.Shutdown(ctx)
		stop()
		<-done
	})
	o, err := a.Admin.CreateOrg(ctx, "Komdigi", org.KindAuthority, "")
	if err != nil {
		t.Fatal(err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{a: a, relay: r, smtp: ln.Addr(), orgID: o.ID, from: "pejabat@komdigi.go.id", rsaKey: key}
	if _, err := a.MailSenders.Add(ctx, o.ID, mailgate.SenderInput{Address: "Pejabat@Komdigi.go.id", DKIMDomain: "komdigi.go.id",
		DKIMSelector: "sigap", DKIMPublicKey: pkix(t, &key.PublicKey)}); err != nil {
		t.Fatal(err)
	}
	return h
}

// TestMailToReceipt sends a DKIM-signed order over SMTP and checks the
// notice, the reply through the relay and the receipt attached to it; the
// same message again is the same notice.
func TestMailToReceipt(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		h := newHarness(t, e, 0)
		msg := sign(t, letter(h.from, "SP-2026-0042", order("SP-2026-0042"), true, ""), "komdigi.go.id", h.rsaKey)
		if err := smtp.SendMail(h.smtp, nil, h.from, []string{"notices@platform.test"}, msg); err != nil {
			t.Fatalf("SMTP to sigap: %v", err)
		}
		m := h.relay.reply(t, h.from, "SP-2026-0042")
		if got := m.Header.Get("Auto-Submitted"); got != "auto-replied" {
			t.Errorf("Auto-Submitted %q", got)
		}
		if got := m.Header.Get("In-Reply-To"); got != "<sp-2026-0042@komdigi.go.id>" {
			t.Errorf("In-Reply-To %q", got)
		}
		text, files := parts(t, m)
		var n notice.Notice
		if err := json.Unmarshal(files["receipt.json"], &n); err != nil {
			t.Fatalf("receipt.json: %v (attachments %v)", err, len(files))
		}
		pl, err := receipt.Verify(n.Receipt, h.a.Signer.Keys())
		if err != nil {
			t.Fatalf("the mailed receipt does not verify: %v", err)
		}
		if pl["notice_id"] != n.ID || pl["reference"] != "SP-2026-0042" || len(pl["subjects"].([]any)) != 2 {
			t.Errorf("receipt payload %v", pl)
		}
		sum := sha256.Sum256([]byte(pdf))
		if docs, _ := pl["documents"].([]any); len(docs) != 1 || docs[0].(map[string]any)["sha256"] != hex.EncodeToString(sum[:]) {
			t.Errorf("the receipt does not name the attached PDF's SHA-256: %v", pl["documents"])
		}
		for _, want := range []string{"Surel Anda diterima", "Your e-mail was received", "WIB", "UTC", "http://127.0.0.1:8080/notices/" + n.ID} {
			if !strings.Contains(text, want) {
				t.Errorf("reply text lacks %q:\n%s", want, text)
			}
		}
		if strings.Index(text, "Surel Anda") > strings.Index(text, "Your e-mail") {
			t.Errorf("Bahasa Indonesia must come first:\n%s", text)
		}
		if c := h.notices(t); c != 1 {
			t.Fatalf("%d notices after one e-mail", c)
		}
		out, err := h.a.Mail.Receive(t.Context(), h.from, msg)
		if err != nil || out != mailgate.Replayed || h.notices(t) != 1 {
			t.Errorf("the same e-mail again: %v, %v, %d notices; want replayed, one notice", out, err, h.notices(t))
		}
	})
}

// TestMailRefused checks that every kind of bad mail stores nothing and,
// unless it is an automatic message, is answered with its reasons.
func TestMailRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		h := newHarness(t, e, 256<<10)
		ctx := t.Context()
		other, _ := rsa.GenerateKey(rand.Reader, 2048)
		_, edKey, _ := ed25519.GenerateKey(rand.Reader)
		// Another authority, with its own sender and key.
		o2, _ := h.a.Admin.CreateOrg(ctx, "Polri", org.KindAuthority, "")
		if _, err := h.a.MailSenders.Add(ctx, o2.ID, mailgate.SenderInput{Address: "siber@polri.go.id", DKIMDomain: "polri.go.id",
			DKIMSelector: "sigap", DKIMPublicKey: pkix(t, edKey.Public())}); err != nil {
			t.Fatal(err)
		}
		scripted := "<html><body><p>kind: order</p><p>category: terrorism</p><p>legal_basis: UU ITE</p><script>document.write('https://t.me/evil/1')</script>" +
			"<p>https://t.me/HtmlChannel/1</p><p>Teror</p></body></html>"
		tests := []struct {
			name, from string
			msg        []byte
			want       mailgate.Outcome
			reason     string // in the refusal
		}{
			{"forged: signed by another key", h.from, sign(t, letter(h.from, "REF-FORGED", order("REF-FORGED"), true, ""), "komdigi.go.id", other),
				mailgate.Refused, "DKIM"},
			{"unsigned", h.from, letter(h.from, "REF-UNSIGNED", order("REF-UNSIGNED"), false, ""), mailgate.Refused, "not signed"},
			{"signed with another org's key and domain", h.from, sign(t, letter(h.from, "REF-OTHER", order("REF-OTHER"), false, ""), "polri.go.id", edKey),
				mailgate.Refused, "DKIM"},
			{"unregistered sender", "orang@contoh.id", sign(t, letter("orang@contoh.id", "REF-UNREG", order("REF-UNREG"), false, ""), "contoh.id", other),
				mailgate.Refused, "not a registered sender"},
			{"no links", h.from, sign(t, letter(h.from, "REF-NOLINK", "kind: order\r\ncategory: terrorism\r\nteks saja\r\n", false, ""), "komdigi.go.id", h.rsaKey),
				mailgate.Refused, "holds no link"},
			{"bad fields", h.from, sign(t, letter(h.from, "REF-BAD", "kind: command\r\ncategory: terrorism\r\nhttps://t.me/a/1\r\nx\r\n", false, ""), "komdigi.go.id", h.rsaKey),
				mailgate.Refused, "kind"},
			{"a zip disguised as PDF", h.from, sign(t, letterWith(h.from, "REF-ZIP", order("REF-ZIP"), zipAsPDF, ""), "komdigi.go.id", h.rsaKey),
				mailgate.Refused, "claims to be application/pdf"},
			{"a malformed PDF", h.from, sign(t, letterWith(h.from, "REF-BADPDF", order("REF-BADPDF"), "%PDF-1.4\nnot a pdf at all", ""), "komdigi.go.id", h.rsaKey),
				mailgate.Refused, "surat.pdf"},
			{"a private link", h.from, sign(t, letter(h.from, "REF-PRIV", "kind: order\r\ncategory: terrorism\r\nhttps://t.me/+AbCdEf12345\r\nx\r\n", false, ""), "komdigi.go.id", h.rsaKey),
				mailgate.Refused, "tautan ke-1: tautan privat"},
			{"our own reply come back", h.from, sign(t, letter(h.from, "REF-LOOP", order("REF-LOOP"), false, "X-Sigap-Reply: receipt\r\n"), "komdigi.go.id", h.rsaKey),
				mailgate.Dropped, ""},
			{"an auto-reply", h.from, sign(t, letter(h.from, "REF-AUTO", order("REF-AUTO"), false, "Auto-Submitted: auto-replied\r\n"), "komdigi.go.id", h.rsaKey),
				mailgate.Dropped, ""},
			{"a bounce (null sender)", "", sign(t, letter(h.from, "REF-BOUNCE", order("REF-BOUNCE"), false, ""), "komdigi.go.id", h.rsaKey),
				mailgate.Dropped, ""},
		}
		for _, tc := range tests {
			before := h.notices(t)
			out, err := h.a.Mail.Receive(ctx, tc.from, tc.msg)
			if err != nil || out != tc.want {
				t.Errorf("%s: %v, %v; want %v", tc.name, out, err, tc.want)
				continue
			}
			if h.notices(t) != before {
				t.Errorf("%s: a notice was stored", tc.name)
			}
			if tc.reason == "" {
				continue
			}
			m := h.relay.reply(t, tc.from, strings.Split(strings.SplitAfter(string(tc.msg), "Subject: ")[1], " ")[0])
			text, files := parts(t, m)
			if _, ok := files["receipt.json"]; ok || !strings.Contains(text, tc.reason) || !strings.Contains(text, "TIDAK diterima") {
				t.Errorf("%s: refusal lacks %q or carries a receipt:\n%s", tc.name, tc.reason, text)
			}
		}

		// HTML with a script: the script's link is not taken, nor run.
		out, err := h.a.Mail.Receive(ctx, h.from, sign(t, []byte("From: <"+h.from+">\r\nSubject: REF-HTML\r\nMessage-ID: <html@komdigi.go.id>\r\n"+
			"Content-Type: text/html; charset=utf-8\r\n\r\n"+scripted), "komdigi.go.id", h.rsaKey))
		if err != nil || out != mailgate.Accepted {
			t.Fatalf("HTML order: %v, %v", out, err)
		}
		ns, _ := h.a.DB.Notices(ctx, store.NoticeFilter{OrgID: h.orgID, Limit: 10})
		full, _ := h.a.DB.Notice(ctx, ns[0].ID, h.orgID)
		if len(full.Subjects) != 1 || !strings.Contains(full.Subjects[0].Canonical, "/htmlchannel/1") || strings.Contains(full.Explanation, "document") {
			t.Errorf("HTML order: subjects %+v, explanation %q", full.Subjects, full.Explanation)
		}

		// Over the size limit: refused by SMTP, and told to the envelope sender.
		before := h.notices(t)
		big := sign(t, letter(h.from, "REF-BIG", order("REF-BIG")+strings.Repeat("padding line of the letter\r\n", 12000), false, ""), "komdigi.go.id", h.rsaKey)
		err = smtp.SendMail(h.smtp, nil, h.from, []string{"notices@platform.test"}, big)
		var se *textproto.Error
		if err == nil || !errors.As(err, &se) || se.Code != 552 {
			t.Errorf("a mail over the limit: %v, want a 552", err)
		}
		text, _ := parts(t, h.relay.reply(t, h.from, "too large"))
		if !strings.Contains(text, "larger than 256 KiB") || !strings.Contains(text, "lebih besar dari 256 KiB") {
			t.Errorf("oversized refusal: %s", text)
		}
		if h.notices(t) != before {
			t.Errorf("a mail over the limit stored a notice")
		}
	})
}

// TestMailHundredThousandLinks sends one order of 100,000 links over SMTP:
// it becomes one notice of 100,000 subjects, as the API takes them, and its
// receipt comes back by mail.
func TestMailHundredThousandLinks(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000 links: not in -short")
	}
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		h := newHarness(t, e, 0)
		var text strings.Builder
		text.WriteString("kind: order\r\ncategory: terrorism\r\nlegal_basis: UU ITE\r\nSeratus ribu tautan.\r\n")
		for i := range 100_000 {
			fmt.Fprintf(&text, "https://t.me/kanal%05d/%d\r\n", i%5000, i+1)
		}
		msg := sign(t, letter(h.from, "SP-BIG-1", text.String(), false, ""), "komdigi.go.id", h.rsaKey)
		if err := smtp.SendMail(h.smtp, nil, h.from, []string{"notices@platform.test"}, msg); err != nil {
			t.Fatalf("SMTP: %v", err)
		}
		_, files := parts(t, h.relay.reply(t, h.from, "SP-BIG-1"))
		var n notice.Notice
		if err := json.Unmarshal(files["receipt.json"], &n); err != nil {
			t.Fatal(err)
		}
		pl, err := receipt.Verify(n.Receipt, h.a.Signer.Keys())
		if err != nil || len(pl["subjects"].([]any)) != 100_000 || n.SubjectCount != 100_000 {
			t.Fatalf("receipt: %v, %d subjects", err, n.SubjectCount)
		}
	})
}

// TestMailStrangerToldOnce checks that an address that is not a registered
// sender gets one refusal an hour however many messages come in its name, so
// forged mail cannot make sigap flood it.
func TestMailStrangerToldOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		h := newHarness(t, e, 0)
		ctx := t.Context()
		jobsNow := func() int {
			c, err := h.a.DB.JobCounts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, v := range c {
				n += v
			}
			return n
		}
		before, firstHour := jobsNow(), time.Now().UTC().Truncate(time.Hour)
		for i := range 5 {
			ref := fmt.Sprintf("REF-STRANGER-%d", i)
			out, err := h.a.Mail.Receive(ctx, "korban@contoh.id", letter("korban@contoh.id", ref, order(ref), false, ""))
			if err != nil || out != mailgate.Refused {
				t.Fatalf("message %d: %v, %v", i, out, err)
			}
		}
		want := 1
		if !time.Now().UTC().Truncate(time.Hour).Equal(firstHour) {
			want = 2 // the messages straddled the turn of an hour
		}
		if got := jobsNow() - before; got != want {
			t.Errorf("%d replies queued to an unregistered address for 5 messages, want %d", got, want)
		}
	})
}
