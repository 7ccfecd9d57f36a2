package mailin

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// ErrMalformed wraps every reason a message cannot be read as e-mail at all.
var ErrMalformed = errors.New("mailin: malformed message")

// Limits bound what Read takes apart of one message; zero fields take the defaults.
type Limits struct {
	// MaxParts is the most MIME parts, nested ones too (default 100).
	MaxParts int
	// MaxDepth is how deep multiparts may nest (default 8).
	MaxDepth int
	// MaxAttachments is the most attachments kept (default 20).
	MaxAttachments int
}

func (l Limits) withDefaults() Limits {
	if l.MaxParts <= 0 {
		l.MaxParts = 100
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = 8
	}
	if l.MaxAttachments <= 0 {
		l.MaxAttachments = 20
	}
	return l
}

// Attachment is one attached file as the message carried it, decoded.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
	// Inline tells a part shown in the body (Content-Disposition: inline,
	// or a Content-ID without a disposition), such as a signature's logo.
	Inline bool
}

// Message is what a notice is read from: the headers that matter, the body
// as text and the attachments.
type Message struct {
	// From is the address of the From header, lower case.
	From string
	// Subject is the decoded Subject header.
	Subject string
	// MessageID is the Message-ID header with its angle brackets, "" when absent.
	MessageID string
	// Text is the body as text: the plain part, or the HTML part reduced to
	// its visible text when there is no plain one.
	Text string
	// FromHTML tells that Text came from an HTML part.
	FromHTML    bool
	Attachments []Attachment
	// Header is every header, for the caller's own checks (loops).
	Header mail.Header
}

// Read takes a raw RFC 5322 message apart. A message it cannot read at all
// is ErrMalformed; what it can read but a notice cannot be made of is for
// Notice to say.
func Read(raw []byte, lim Limits) (*Message, error) {
	lim = lim.withDefaults()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	out := &Message{Header: m.Header}
	if len(m.Header["From"]) != 1 {
		return nil, fmt.Errorf("%w: it must have exactly one From header (has %d)", ErrMalformed, len(m.Header["From"]))
	}
	from, err := mail.ParseAddress(m.Header.Get("From"))
	if err != nil {
		return nil, fmt.Errorf("%w: From header: %v", ErrMalformed, err)
	}
	out.From = strings.ToLower(from.Address)
	if len(m.Header["Subject"]) > 1 {
		return nil, fmt.Errorf("%w: it has %d Subject headers", ErrMalformed, len(m.Header["Subject"]))
	}
	dec := mime.WordDecoder{}
	if out.Subject, err = dec.DecodeHeader(m.Header.Get("Subject")); err != nil {
		out.Subject = m.Header.Get("Subject")
	}
	out.Subject = strings.ToValidUTF8(out.Subject, "\uFFFD")
	out.MessageID = strings.TrimSpace(m.Header.Get("Message-Id"))
	w := &walker{lim: lim, msg: out}
	if err := w.part(m.Header, m.Body, 0); err != nil {
		return nil, err
	}
	switch {
	case w.plain != nil:
		out.Text = *w.plain
	case w.html != nil:
		out.Text, out.FromHTML = *w.html, true
	}
	return out, nil
}

type walker struct {
	lim         Limits
	msg         *Message
	parts       int
	plain, html *string
}

func header(h map[string][]string, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// part reads one MIME entity: a multipart is walked, the first text/plain
// and text/html bodies are kept, anything else with a file name (or of
// another type) is an attachment.
func (w *walker) part(h map[string][]string, body io.Reader, depth int) error {
	w.parts++
	if w.parts > w.lim.MaxParts {
		return fmt.Errorf("%w: more than %d MIME parts", ErrMalformed, w.lim.MaxParts)
	}
	ctype := header(h, "Content-Type")
	mt, params, err := mime.ParseMediaType(ctype)
	if ctype == "" || err != nil {
		mt, params = "text/plain", map[string]string{"charset": "us-ascii"}
	}
	mt = strings.ToLower(mt)
	if strings.HasPrefix(mt, "multipart/") {
		if depth >= w.lim.MaxDepth {
			return fmt.Errorf("%w: multiparts nested deeper than %d", ErrMalformed, w.lim.MaxDepth)
		}
		if params["boundary"] == "" {
			return fmt.Errorf("%w: %s without a boundary", ErrMalformed, mt)
		}
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("%w: %s: %v", ErrMalformed, mt, err)
			}
			err = w.part(p.Header, p, depth+1)
			p.Close()
			if err != nil {
				return err
			}
		}
	}
	data, err := decodeBody(header(h, "Content-Transfer-Encoding"), body)
	if err != nil {
		return err
	}
	disp, dparams, _ := mime.ParseMediaType(header(h, "Content-Disposition"))
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	isText := mt == "text/plain" || mt == "text/html"
	if isText && !strings.EqualFold(disp, "attachment") && name == "" {
		s, err := toUTF8(data, params["charset"])
		if err != nil {
			return err
		}
		if mt == "text/plain" && w.plain == nil {
			w.plain = &s
		} else if mt == "text/html" && w.html == nil {
			t := htmlText(s)
			w.html = &t
		}
		return nil
	}
	if len(w.msg.Attachments) >= w.lim.MaxAttachments {
		return fmt.Errorf("%w: more than %d attachments", ErrMalformed, w.lim.MaxAttachments)
	}
	dec := mime.WordDecoder{}
	if d, err := dec.DecodeHeader(name); err == nil {
		name = d
	}
	inline := strings.EqualFold(disp, "inline") || (disp == "" && header(h, "Content-Id") != "")
	w.msg.Attachments = append(w.msg.Attachments, Attachment{Name: strings.ToValidUTF8(name, "\uFFFD"), ContentType: mt, Data: data, Inline: inline})
	return nil
}

// decodeBody undoes a part's transfer encoding. multipart.Reader already
// undoes quoted-printable; a message's own body is read here too.
func decodeBody(cte string, r io.Reader) ([]byte, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		clean := bytes.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
				return -1
			}
			return r
		}, raw)
		out := make([]byte, base64.StdEncoding.DecodedLen(len(clean)))
		n, err := base64.StdEncoding.Decode(out, clean)
		if err != nil {
			return nil, fmt.Errorf("%w: a base64 part does not decode: %v", ErrMalformed, err)
		}
		return out[:n], nil
	case "quoted-printable":
		out, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw)))
		if err != nil {
			return nil, fmt.Errorf("%w: a quoted-printable part does not decode: %v", ErrMalformed, err)
		}
		return out, nil
	}
	return raw, nil
}

// toUTF8 reads text in the charsets mail clients send it in.
func toUTF8(b []byte, charset string) (string, error) {
	switch strings.ToLower(strings.Trim(charset, `" `)) {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		return strings.ToValidUTF8(string(b), "\uFFFD"), nil
	case "iso-8859-1", "latin1", "windows-1252", "cp1252":
		var sb strings.Builder
		for _, c := range b {
			sb.WriteRune(rune(c))
		}
		return sb.String(), nil
	}
	if utf8.Valid(b) {
		return string(b), nil
	}
	return "", fmt.Errorf("%w: text in charset %q; send it as UTF-8", ErrMalformed, charset)
}
