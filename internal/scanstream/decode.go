package scanstream

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/sigap/sigap/internal/scan"
)

// errMalformed marks a message that is not a post at all.
// Its text is what a dead letter's Sigap-Error header says.
var errMalformed = errors.New("not a post (one JSON object, as POST /v1/scan takes)")

// decode reads one post. The common shape of a post (the fields of
// scan.Post as strings and string arrays, any other field skipped) is parsed
// by hand in one pass; anything else (media, numbers where strings are
// expected, escapes in keys, keys in another case, invalid JSON) is left to
// encoding/json, so what a message means, and which error a bad one gets, is
// what encoding/json says. encoding/json spent about as long on a 1 KB post
// as the scan itself.
//
// One difference, on purpose: invalid UTF-8 is refused, as POST /v1/scan
// refuses it, where encoding/json would quietly replace it with U+FFFD. The
// hand-written path keeps such bytes and Scanner.Scan refuses the field that
// holds them (it checks the UTF-8 of every field it uses, so checking here
// too would do it twice); the encoding/json path refuses the message.
//
// The post's strings share data's memory (no copy of a 1 KB text per post):
// data must not change while the post is in use. A NATS message's data is
// its own, never reused by the client.
func decode(data []byte, max int, p *scan.Post) error {
	if len(data) > max {
		return fmt.Errorf("%w: %d bytes, the limit is %d", errMalformed, len(data), max)
	}
	if fastPost(data, p) {
		return nil
	}
	*p = scan.Post{}
	if !utf8.Valid(data) {
		return fmt.Errorf("%w: the message is not valid UTF-8", errMalformed)
	}
	// Into a post of its own, so that only this rare path puts one on the heap.
	var q scan.Post
	if err := json.Unmarshal(data, &q); err != nil {
		return fmt.Errorf("%w: %v", errMalformed, strings.TrimPrefix(err.Error(), "json: "))
	}
	*p = q
	return nil
}

// alias is b as a string without a copy; b must not change afterwards.
func alias(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// fastPost parses data into p if it has the common shape, and reports
// whether it did; false says nothing about validity.
func fastPost(data []byte, p *scan.Post) bool {
	d := lexer{b: data}
	var out scan.Post
	d.ws()
	if !d.eat('{') {
		return false
	}
	d.ws()
	if !d.eat('}') {
		for {
			d.ws()
			key, ok := d.key()
			if !ok {
				return false
			}
			d.ws()
			if !d.eat(':') {
				return false
			}
			d.ws()
			// null means what encoding/json makes of it: no change for a
			// string, "" for the message ID (its UnmarshalJSON sees null), nil
			// for a list.
			null := d.null()
			switch key {
			case "channel":
				if !null {
					if out.Channel, ok = d.str(); !ok {
						return false
					}
				}
			case "text":
				if !null {
					if out.Text, ok = d.str(); !ok {
						return false
					}
				}
			case "message_id":
				var s string
				switch {
				case null:
				case d.peek() == '"':
					s, ok = d.str()
				default:
					s, ok = d.number()
				}
				if !ok {
					return false
				}
				out.MessageID = scan.FlexString(s)
			case "links":
				out.Links = nil
				if !null {
					if out.Links, ok = d.strings(); !ok {
						return false
					}
				}
			case "media":
				// Only null and the empty list; media items are left to encoding/json.
				switch {
				case null:
					out.Media = nil
				case d.eat('['):
					d.ws()
					if !d.eat(']') {
						return false
					}
					out.Media = []scan.Media{}
				default:
					return false
				}
			default:
				// encoding/json matches field names without regard to case.
				if known(key) || !d.skip(0) {
					return false
				}
			}
			d.ws()
			if d.eat(',') {
				continue
			}
			if d.eat('}') {
				break
			}
			return false
		}
	}
	d.ws()
	if d.i != len(d.b) {
		return false
	}
	*p = out
	return true
}

// known reports whether encoding/json could take key for one of the fields
// the fast path handles.
func known(key string) bool {
	for _, f := range [...]string{"channel", "message_id", "text", "links", "media"} {
		if strings.EqualFold(key, f) {
			return true
		}
	}
	for i := range len(key) {
		if key[i] >= utf8.RuneSelf {
			return true // non-ASCII letters may fold to ASCII ones (the Kelvin sign to k)
		}
	}
	return false
}

// lexer reads JSON tokens strictly; every method reports false on anything
// it does not accept, and the caller then gives up.
type lexer struct {
	b []byte
	i int
}

func (d *lexer) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *lexer) peek() byte {
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

// null reads the literal null if it comes next.
func (d *lexer) null() bool {
	if len(d.b)-d.i >= 4 && string(d.b[d.i:d.i+4]) == "null" {
		d.i += 4
		return true
	}
	return false
}

func (d *lexer) eat(c byte) bool {
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		return true
	}
	return false
}

// key reads an object key without escapes.
func (d *lexer) key() (string, bool) {
	if !d.eat('"') {
		return "", false
	}
	start := d.i
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			k := alias(d.b[start:d.i])
			d.i++
			return k, true // a non-ASCII key goes to encoding/json (see known)
		case c == '\\' || c < 0x20:
			return "", false
		}
		d.i++
	}
	return "", false
}

// special marks the bytes a string scan must stop at: the quote, the
// backslash and control characters (invalid in JSON strings).
var special = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// plain advances over string bytes that need no attention: it stops at a
// quote, a backslash, a control character or the end. Eight bytes are
// checked at a time.
func (d *lexer) plain() {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	b, i := d.b, d.i
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		q, bs := x^'"'*ones, x^'\\'*ones // a zero byte where x has a quote, a backslash
		// The high bit of a byte is set in one of these where the byte is
		// below 0x20, a quote or a backslash (and perhaps in bytes after it).
		if ((x-0x20*ones)&^x|(q-ones)&^q|(bs-ones)&^bs)&highs != 0 {
			break
		}
	}
	for i < len(b) && !special[b[i]] {
		i++
	}
	d.i = i
}

// str reads a string value, decoding escapes.
func (d *lexer) str() (string, bool) {
	if !d.eat('"') {
		return "", false
	}
	start := d.i
	d.plain()
	switch d.peek() {
	case '"':
		raw := d.b[start:d.i]
		d.i++
		return alias(raw), true // its UTF-8 is checked by the scan (see decode)
	case '\\':
		return d.escaped(start)
	}
	return "", false // a control character or the end of the message
}

// escaped finishes a string that has escapes; d.i is at the first backslash.
func (d *lexer) escaped(start int) (string, bool) {
	buf := make([]byte, 0, d.i-start+128)
	buf = append(buf, d.b[start:d.i]...)
	for {
		from := d.i
		d.plain()
		buf = append(buf, d.b[from:d.i]...)
		if d.i+1 >= len(d.b) {
			return "", false
		}
		switch d.b[d.i] {
		case '"':
			d.i++
			return alias(buf), true // buf is this string's alone
		case '\\':
		default:
			return "", false
		}
		e := d.b[d.i+1]
		d.i += 2
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", false
			}
			if utf16.IsSurrogate(r) {
				// Only a well-formed pair; encoding/json decides the rest.
				if r >= 0xdc00 || d.i+1 >= len(d.b) || d.b[d.i] != '\\' || d.b[d.i+1] != 'u' {
					return "", false
				}
				d.i += 2
				r2, ok := d.hex4()
				if !ok || r2 < 0xdc00 || r2 > 0xdfff {
					return "", false
				}
				r = utf16.DecodeRune(r, r2)
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return "", false
		}
	}
}

func (d *lexer) hex4() (rune, bool) {
	if d.i+4 > len(d.b) {
		return 0, false
	}
	var r rune
	for _, c := range d.b[d.i : d.i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	d.i += 4
	return r, true
}

// number reads a JSON number and returns it as written.
func (d *lexer) number() (string, bool) {
	start := d.i
	d.eat('-')
	switch {
	case d.eat('0'):
	case d.digits() == 0:
		return "", false
	}
	if d.eat('.') && d.digits() == 0 {
		return "", false
	}
	if d.eat('e') || d.eat('E') {
		if !d.eat('+') {
			d.eat('-')
		}
		if d.digits() == 0 {
			return "", false
		}
	}
	return alias(d.b[start:d.i]), true
}

func (d *lexer) digits() int {
	n := 0
	for d.i < len(d.b) && '0' <= d.b[d.i] && d.b[d.i] <= '9' {
		d.i++
		n++
	}
	return n
}

// strings reads an array of strings.
func (d *lexer) strings() ([]string, bool) {
	if !d.eat('[') {
		return nil, false
	}
	out := make([]string, 0, 4)
	d.ws()
	if d.eat(']') {
		return out, true
	}
	for {
		d.ws()
		var s string
		if !d.null() { // a null element stays ""
			var ok bool
			if s, ok = d.str(); !ok {
				return nil, false
			}
		}
		out = append(out, s)
		d.ws()
		if d.eat(',') {
			continue
		}
		if d.eat(']') {
			return out, true
		}
		return nil, false
	}
}

// skip passes over any valid JSON value.
func (d *lexer) skip(depth int) bool {
	if depth > 64 {
		return false
	}
	switch c := d.peek(); {
	case c == '"':
		_, ok := d.str()
		return ok
	case c == '{' || c == '[':
		end := byte('}')
		if c == '[' {
			end = ']'
		}
		d.i++
		d.ws()
		if d.eat(end) {
			return true
		}
		for {
			d.ws()
			if c == '{' {
				if _, ok := d.str(); !ok {
					return false
				}
				d.ws()
				if !d.eat(':') {
					return false
				}
				d.ws()
			}
			if !d.skip(depth + 1) {
				return false
			}
			d.ws()
			if d.eat(',') {
				continue
			}
			return d.eat(end)
		}
	case c == '-' || ('0' <= c && c <= '9'):
		_, ok := d.number()
		return ok
	default:
		for _, lit := range [...]string{"true", "false", "null"} {
			if strings.HasPrefix(string(d.b[d.i:min(d.i+5, len(d.b))]), lit) {
				d.i += len(lit)
				return true
			}
		}
		return false
	}
}
