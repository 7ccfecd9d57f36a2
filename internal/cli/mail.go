package cli

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/emersion/go-msgauth/dkim"
	gosmtp "github.com/emersion/go-smtp"
)

// runMail tries e-mail intake the way an official's mail server would use
// it: a DKIM-signed message with attachments, and a relay that keeps the
// replies (docs/email.md, "Try it").
func runMail(ctx context.Context, env *Env, args []string) error {
	subs := map[string]subcommand{"send": mailSend, "sink": mailSink}
	return runSubcommand(ctx, env, args, subs, `usage: sigap mail send|sink [flags]

  send  compose an e-mail from a text file and attachments, sign it with DKIM (Ed25519, the key
        sigap signing-key gen wrote) and send it to sigap's --smtp-addr:
          sigap mail send --smtp 127.0.0.1:2525 --from pejabat@komdigi.go.id --dkim-key dkim.key \
            --dkim-domain komdigi.go.id --subject "SP-2026-0042 Perintah" --attach surat.pdf body.txt
  sink  a relay for trying on one machine: an SMTP server that writes each message it takes to a file:
          sigap mail sink --addr 127.0.0.1:2526 --dir replies    (then sigap serve --smtp-relay 127.0.0.1:2526)`)
}

// mailMessage builds a multipart message: the text, then each attachment in base64.
func mailMessage(from, to, subject, msgID, date string, text []byte, attach map[string][]byte, names []string) ([]byte, error) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	tp, err := w.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/plain; charset=utf-8"}, "Content-Transfer-Encoding": {"8bit"}})
	if err != nil {
		return nil, err
	}
	tp.Write(bytes.ReplaceAll(bytes.ReplaceAll(text, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n")))
	for _, name := range names {
		ct := mime.TypeByExtension(strings.ToLower(filepath.Ext(name)))
		if ct == "" {
			ct = "application/octet-stream"
		}
		ap, err := w.CreatePart(textproto.MIMEHeader{"Content-Type": {ct},
			"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": name})},
			"Content-Transfer-Encoding": {"base64"}})
		if err != nil {
			return nil, err
		}
		enc := base64.StdEncoding.EncodeToString(attach[name])
		for len(enc) > 76 {
			io.WriteString(ap, enc[:76]+"\r\n")
			enc = enc[76:]
		}
		io.WriteString(ap, enc+"\r\n")
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	var m bytes.Buffer
	fmt.Fprintf(&m, "From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: %s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=%s\r\n\r\n",
		from, to, mime.QEncoding.Encode("utf-8", subject), date, msgID, w.Boundary())
	m.Write(body.Bytes())
	return m.Bytes(), nil
}

// signMail adds a DKIM-Signature by key for domain and selector.
func signMail(msg []byte, domain, selector string, key crypto.Signer) ([]byte, error) {
	var out bytes.Buffer
	err := dkim.Sign(&out, bytes.NewReader(msg), &dkim.SignOptions{Domain: domain, Selector: selector, Signer: key, Hash: crypto.SHA256,
		HeaderKeys: []string{"From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"}})
	if err != nil {
		return nil, fmt.Errorf("DKIM sign: %w", err)
	}
	return out.Bytes(), nil
}

func mailSend(_ context.Context, env *Env, args []string) error {
	fs := newFlags("mail send", env)
	addr := fs.String("smtp", "127.0.0.1:2525", "sigap's SMTP listener (--smtp-addr)")
	from := fs.String("from", "", "the official's registered address (required)")
	to := fs.String("to", "notices@platform.example", "the notice address")
	subject := fs.String("subject", "", "the subject line: the notice's reference unless the body has reference:")
	keyFile := fs.String("dkim-key", "", "the Ed25519 DKIM private key (sigap signing-key gen); without it the message is sent unsigned, to see a refusal")
	domain := fs.String("dkim-domain", "", "the DKIM domain (d=), as registered (default: the address's domain)")
	selector := fs.String("dkim-selector", "sigap", "the DKIM selector (s=), as registered")
	out := fs.String("out", "", "also write the signed message to this file")
	var attach fileList
	fs.Var(&attach, "attach", "a file to attach (PDF, PNG, JPEG); repeat for more")
	if err := fs.Parse(args); err != nil {
		return err
	}
	at := strings.LastIndexByte(*from, '@')
	if fs.NArg() != 1 || at < 1 {
		return errors.New("usage: sigap mail send --from ADDRESS [--dkim-key FILE] [--attach FILE]... BODY.txt / pemakaian: sigap mail send --from ALAMAT ... BADAN.txt")
	}
	text, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	files := map[string][]byte{}
	var names []string
	for _, p := range attach {
		b, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("read attachment: %w", err)
		}
		names = append(names, filepath.Base(p))
		files[filepath.Base(p)] = b
	}
	if *domain == "" {
		*domain = (*from)[at+1:]
	}
	var nonce [8]byte
	rand.Read(nonce[:])
	msgID := "<" + hex.EncodeToString(nonce[:]) + "@" + *domain + ">"
	msg, err := mailMessage(*from, *to, *subject, msgID, env.Now().Format("Mon, 02 Jan 2006 15:04:05 -0700"), text, files, names)
	if err != nil {
		return fmt.Errorf("compose: %w", err)
	}
	if *keyFile != "" {
		key, err := loadSigningKey(*keyFile)
		if err != nil {
			return err
		}
		if msg, err = signMail(msg, *domain, *selector, key); err != nil {
			return err
		}
	}
	if *out != "" {
		if err := os.WriteFile(*out, msg, 0o644); err != nil {
			return fmt.Errorf("write message: %w", err)
		}
	}
	if err := smtp.SendMail(*addr, nil, *from, []string{*to}, msg); err != nil {
		return fmt.Errorf("SMTP to %s: %w", *addr, err)
	}
	fmt.Fprintf(env.Stdout, "sent %s (%d bytes) / terkirim\n", msgID, len(msg))
	return nil
}

// sinkBackend keeps every message a sink takes, one file each.
type sinkBackend struct {
	dir string
	n   *atomic.Int64
	env *Env
}

type sinkSession struct{ b sinkBackend }

func (b sinkBackend) NewSession(*gosmtp.Conn) (gosmtp.Session, error) { return sinkSession{b}, nil }
func (sinkSession) Mail(string, *gosmtp.MailOptions) error            { return nil }
func (sinkSession) Rcpt(string, *gosmtp.RcptOptions) error            { return nil }
func (sinkSession) Reset()                                            {}
func (sinkSession) Logout() error                                     { return nil }

func (s sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return err
	}
	stem := filepath.Join(s.b.dir, fmt.Sprintf("%04d", s.b.n.Add(1)))
	if err := os.WriteFile(stem+".eml", b, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(s.b.env.Stdout, "%s.eml\n", stem)
	// Each attachment beside it, so a reply's receipt.json is a file to verify.
	m, err := mail.ReadMessage(bytes.NewReader(b))
	if err != nil {
		return nil
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		return nil
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return nil
		}
		name := filepath.Base(p.FileName())
		if name == "." || name == "/" || p.FileName() == "" {
			continue
		}
		var r io.Reader = p
		if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64") {
			r = base64.NewDecoder(base64.StdEncoding, p)
		}
		data, err := io.ReadAll(r)
		if err != nil {
			continue
		}
		if err := os.WriteFile(stem+"-"+name, data, 0o644); err == nil {
			fmt.Fprintf(s.b.env.Stdout, "%s-%s\n", stem, name)
		}
	}
}

func mailSink(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("mail sink", env)
	addr := fs.String("addr", "127.0.0.1:2526", "where to listen (loopback: it takes anything)")
	dir := fs.String("dir", "replies", "the folder each message is written to")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return fmt.Errorf("sink folder: %w", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("sink: %w", err)
	}
	srv := gosmtp.NewServer(sinkBackend{dir: *dir, n: new(atomic.Int64), env: env})
	srv.Domain = "sink.localhost"
	fmt.Fprintf(env.Stderr, "taking mail on %s into %s/ (one file a message) / menerima surel\n", ln.Addr(), *dir)
	go func() { <-ctx.Done(); srv.Close() }()
	if err := srv.Serve(ln); err != nil && ctx.Err() == nil && !errors.Is(err, gosmtp.ErrServerClosed) {
		return fmt.Errorf("sink: %w", err)
	}
	return nil
}
