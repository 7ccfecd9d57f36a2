package intake

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/httpsig"
)

// canonical returns the RFC 8785 canonical JSON of p, byte for byte what
// receipt.Marshal gives (TestCanonicalIsReceiptMarshal holds them equal),
// written directly: receipt.Marshal encodes with encoding/json, decodes the
// result into maps and encodes it again, which costs every notice tens of
// microseconds and a large order hundreds of milliseconds. The members are
// written in the order RFC 8785 sorts them (all names are ASCII).
func (p *Payload) canonical() []byte {
	n := 320 + len(p.Reference)
	for _, s := range p.Subjects {
		n += len(s) + 3
	}
	if s := p.RequestSignature; s != nil {
		// Members' names and punctuation, then the values (escapes aside).
		n += 160 + len(s.KeyID) + len(s.SignatureInput) + len(s.Signature) + len(s.ContentDigest) + len(s.Method) + len(s.TargetURI)
		for k, v := range s.Fields {
			n += len(k) + len(v) + 6
		}
	}
	for _, d := range p.Documents {
		n += 70 + len(d.ContentType) + len(d.Name) + len(d.SHA256)
	}
	b := make([]byte, 0, n)
	b = append(b, `{"body_sha256":`...)
	b = appendString(b, p.BodySHA256)
	b = append(b, `,"category":`...)
	b = appendString(b, p.Category)
	b = append(b, `,"class":`...)
	b = appendString(b, p.Class)
	if len(p.Documents) > 0 {
		b = append(b, `,"documents":[`...)
		for i, d := range p.Documents {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"content_type":`...)
			b = appendString(b, d.ContentType)
			b = append(b, `,"name":`...)
			b = appendString(b, d.Name)
			b = append(b, `,"sha256":`...)
			b = appendString(b, d.SHA256)
			b = append(b, `,"size":`...)
			b = appendNumber(b, d.Size)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"due_at":`...)
	b = appendTime(b, p.DueAt)
	b = append(b, `,"issuer":`...)
	b = appendString(b, p.Issuer)
	b = append(b, `,"kind":`...)
	b = appendString(b, p.Kind)
	b = append(b, `,"notice_id":`...)
	b = appendString(b, p.NoticeID)
	b = append(b, `,"org_id":`...)
	b = appendString(b, p.OrgID)
	b = append(b, `,"received_at":`...)
	b = appendTime(b, p.ReceivedAt)
	b = append(b, `,"reference":`...)
	b = appendString(b, p.Reference)
	b = append(b, `,"regime":`...)
	b = appendString(b, p.Regime)
	if s := p.RequestSignature; s != nil {
		b = append(b, `,"request_signature":`...)
		b = appendSignature(b, s)
	}
	b = append(b, `,"subjects":`...)
	if p.Subjects == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, s := range p.Subjects {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, s)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendSignature writes a request signature's members in canonical order.
func appendSignature(b []byte, s *httpsig.Result) []byte {
	b = append(b, `{"content_digest":`...)
	b = appendString(b, s.ContentDigest)
	b = append(b, `,"created":`...)
	b = appendNumber(b, s.Created)
	if len(s.Fields) > 0 {
		b = append(b, `,"fields":{`...)
		names := make([]string, 0, len(s.Fields))
		for k := range s.Fields {
			names = append(names, k)
		}
		// Field names are lower-case ASCII tokens (httpsig refuses any other), so
		// byte order is RFC 8785's UTF-16 order.
		slices.Sort(names)
		for i, k := range names {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			b = appendString(b, s.Fields[k])
		}
		b = append(b, '}')
	}
	b = append(b, `,"keyid":`...)
	b = appendString(b, s.KeyID)
	b = append(b, `,"method":`...)
	b = appendString(b, s.Method)
	b = append(b, `,"signature":`...)
	b = appendString(b, s.Signature)
	b = append(b, `,"signature_input":`...)
	b = appendString(b, s.SignatureInput)
	b = append(b, `,"target_uri":`...)
	b = appendString(b, s.TargetURI)
	return append(b, '}')
}

// appendTime writes t as encoding/json does (RFC 3339 with as many fraction
// digits as it needs).
func appendTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

// appendNumber writes an integer as ECMAScript's Number.prototype.toString
// does, through the double it is in JSON (receipt's formatNumber).
func appendNumber(b []byte, v int64) []byte {
	f := float64(v)
	if a := math.Abs(f); f == 0 || a < 1e21 {
		return strconv.AppendFloat(b, f, 'f', -1, 64)
	}
	mant, exp, _ := strings.Cut(strconv.FormatFloat(f, 'e', -1, 64), "e")
	return append(append(append(b, mant...), 'e', exp[0]), strings.TrimLeft(exp[1:], "0")...)
}

// appendString writes s as an RFC 8785 string: '"', '\' and the control
// characters escaped, everything else as it is, an invalid UTF-8 byte as
// U+FFFD (as encoding/json writes it).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	// Most strings (IDs, digests, URLs, a signature's fields) need no
	// escape: their plain ASCII prefix is copied at once.
	i := 0
	for i < len(s) && s[i] >= 0x20 && s[i] < utf8.RuneSelf && s[i] != '"' && s[i] != '\\' {
		i++
	}
	b = append(b, s[:i]...)
	for _, r := range s[i:] {
		switch r {
		case '"':
			b = append(b, `\"`...)
		case '\\':
			b = append(b, `\\`...)
		case '\b':
			b = append(b, `\b`...)
		case '\f':
			b = append(b, `\f`...)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		case '\t':
			b = append(b, `\t`...)
		default:
			if r < 0x20 {
				b = fmt.Appendf(b, `\u%04x`, r)
			} else {
				b = utf8.AppendRune(b, r)
			}
		}
	}
	return append(b, '"')
}
