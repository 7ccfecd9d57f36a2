package httpapi

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/sigap/sigap/internal/notice"
)

// nulCode is the field error of a NUL: "invalid", as the notice validator
// already answered a NUL in a short field (reference, legal_basis), so that
// every NUL gets the same answer; the message says what is wrong.
const nulCode = "invalid"

// nulEscape is how a NUL character can appear in valid JSON: a raw one is a
// control character JSON refuses anyway.
var nulEscape = []byte(`\u0000`)

// checkJSON refuses what encoding/json would otherwise let through quietly:
//
//   - a member name twice in one object (400 malformed_json, the member
//     named): the last one wins, so an issuer's parser and the signed record
//     could read different notices. Names are compared as encoding/json
//     matches them to struct fields, without regard to case, so "url" and
//     "URL" are the same member too;
//   - a NUL character in a string (422 on the field, code nulCode), which
//     PostgreSQL cannot store in text and SQLite would.
//
// body may hold several values (an NDJSON stream). Any other syntax error is
// left to the decoder that follows, so its answers stay as they were. Value
// strings are only unquoted when the bytes hold a NUL escape at all.
func checkJSON(body []byte) error {
	hasNUL := bytes.Contains(body, nulEscape)
	dec := jsontext.NewDecoder(bytes.NewReader(body), jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))
	// levels are the open objects and arrays, innermost last; spare keeps
	// closed ones for reuse, so a long array of objects allocates nothing.
	var levels, spare []*memberNames
	var unquoted []byte
	for {
		if kind, length := dec.StackIndex(dec.StackDepth()); kind == '{' && length%2 == 0 && dec.PeekKind() == '"' {
			raw, err := dec.ReadValue()
			if err != nil {
				return nil
			}
			name := []byte(raw[1 : len(raw)-1])
			if bytes.IndexByte(raw, '\\') >= 0 {
				unquoted, _ = jsontext.AppendUnquote(unquoted[:0], raw) // invalid UTF-8 becomes U+FFFD, as encoding/json reads it
				name = unquoted
			}
			if hasNUL && bytes.IndexByte(name, 0) >= 0 {
				return nulError(dec)
			}
			if prev, dup := levels[len(levels)-1].add(name); dup {
				msg := fmt.Sprintf("the member %q appears twice in one object (at %s); send each member once", name, fieldOf(dec))
				if prev != string(name) {
					msg = fmt.Sprintf("the members %q and %q differ only in case, and sigap reads them as one member (at %s); send it once", prev, name, fieldOf(dec))
				}
				return &notice.ValidationError{Fields: []notice.FieldError{{Code: "malformed_json", Message: msg}}}
			}
			continue
		}
		tok, err := dec.ReadToken()
		if err != nil {
			return nil // io.EOF, or a syntax error the decoder that follows reports
		}
		switch tok.Kind() {
		case '{', '[':
			var m *memberNames
			if n := len(spare); n > 0 {
				m, spare = spare[n-1], spare[:n-1]
				m.reset()
			} else {
				m = &memberNames{}
			}
			levels = append(levels, m)
		case '}', ']':
			spare = append(spare, levels[len(levels)-1])
			levels = levels[:len(levels)-1]
		case '"':
			if hasNUL && strings.ContainsRune(tok.String(), 0) {
				return nulError(dec)
			}
		}
	}
}

// nulError is the refusal of a NUL at the decoder's position.
func nulError(dec *jsontext.Decoder) error {
	field := strings.ReplaceAll(fieldOf(dec), "\x00", `\u0000`)
	return &notice.ValidationError{Fields: []notice.FieldError{{Field: field, Code: nulCode,
		Message: field + " holds a NUL character (U+0000), which no text field may hold; remove it"}}}
}

// memberNames is the names seen in one object: pairs of the folded name and
// the name as sent in buf while the object is small, a map once it grows, so
// an object of many members costs a lookup each.
type memberNames struct {
	buf  []byte
	ends []int             // where each folded name and each name as sent ends in buf
	set  map[string]string // folded name → name as sent
}

func (m *memberNames) reset() {
	m.buf, m.ends, m.set = m.buf[:0], m.ends[:0], nil
}

// add records name and, when a name that folds the same was seen, says so
// and returns that one as it was sent.
func (m *memberNames) add(name []byte) (prev string, dup bool) {
	start := len(m.buf)
	m.buf = appendFolded(m.buf, name)
	folded := m.buf[start:]
	if m.set != nil {
		prev, dup = m.set[string(folded)]
		if !dup {
			m.set[string(folded)] = string(name)
		}
		m.buf = m.buf[:start]
		return prev, dup
	}
	for i := 0; i+1 < len(m.ends); i += 2 {
		from := 0
		if i > 0 {
			from = m.ends[i-1]
		}
		if bytes.Equal(m.buf[from:m.ends[i]], folded) {
			m.buf = m.buf[:start]
			return string(m.buf[m.ends[i]:m.ends[i+1]]), true
		}
	}
	m.ends = append(m.ends, len(m.buf))
	m.buf = append(m.buf, name...)
	m.ends = append(m.ends, len(m.buf))
	if len(m.ends) > 32 {
		m.set = make(map[string]string, len(m.ends))
		for i := 0; i+1 < len(m.ends); i += 2 {
			from := 0
			if i > 0 {
				from = m.ends[i-1]
			}
			m.set[string(m.buf[from:m.ends[i]])] = string(m.buf[m.ends[i]:m.ends[i+1]])
		}
		m.buf, m.ends = m.buf[:0], m.ends[:0]
	}
	return "", false
}

// appendFolded appends name folded the way encoding/json matches names to
// struct fields (its foldName): each letter becomes the smallest rune of its
// simple case folding set, so "K", "k" and the Kelvin sign are one.
func appendFolded(dst, name []byte) []byte {
	for i := 0; i < len(name); {
		if c := name[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(name[i:])
		for {
			r2 := unicode.SimpleFold(r)
			if r2 <= r {
				r = r2
				break
			}
			r = r2
		}
		dst = utf8.AppendRune(dst, r)
		i += n
	}
	return dst
}

// fieldOf names the decoder's position the way the API names fields
// ("subjects[3].url"; "body" for the top level).
func fieldOf(dec *jsontext.Decoder) string {
	var b strings.Builder
	i := 1
	for tok := range dec.StackPointer().Tokens() {
		kind, _ := dec.StackIndex(i)
		switch {
		case kind == '[':
			b.WriteString("[" + tok + "]")
		case b.Len() == 0:
			b.WriteString(tok)
		default:
			b.WriteString("." + tok)
		}
		i++
	}
	if b.Len() == 0 {
		return "body"
	}
	return b.String()
}
