package httpsig

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// Token is an RFC 8941 token: a bare word such as sha-256 or application/json.
type Token string

// Param is one parameter of an item or inner list; Value is a bare item.
type Param struct {
	Key   string
	Value any
}

// Params are an item's or inner list's parameters, in order.
type Params []Param

// Get returns the value of the parameter named key.
func (ps Params) Get(key string) (any, bool) {
	for _, p := range ps {
		if p.Key == key {
			return p.Value, true
		}
	}
	return nil, false
}

// Item is an RFC 8941 item. Value is one of int64 (Integer), float64
// (Decimal), string (String), Token, []byte (Byte Sequence) or bool.
type Item struct {
	Value  any
	Params Params
}

// InnerList is a parenthesised list of items with parameters of its own.
type InnerList struct {
	Items  []Item
	Params Params
}

// Member is one key of a Dictionary: exactly one of Item and List is set.
type Member struct {
	Key  string
	Item *Item
	List *InnerList
}

// Dictionary is an RFC 8941 Dictionary in its order; keys are unique.
type Dictionary []Member

// Get returns the member named key.
func (d Dictionary) Get(key string) (Member, bool) {
	for _, m := range d {
		if m.Key == key {
			return m, true
		}
	}
	return Member{}, false
}

// SyntaxError says where and why a structured field does not parse.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("at character %d: %s", e.Offset+1, e.Msg)
}

// maxFieldLen bounds what the parser reads: signature headers are a few
// hundred bytes, and nothing legitimate comes near this.
const maxFieldLen = 16 << 10

type parser struct {
	s   string
	pos int
}

func (p *parser) fail(format string, args ...any) error {
	return &SyntaxError{Offset: p.pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) eof() bool { return p.pos >= len(p.s) }

func (p *parser) peek() byte {
	if p.eof() {
		return 0
	}
	return p.s[p.pos]
}

func (p *parser) skipSP() {
	for !p.eof() && p.s[p.pos] == ' ' {
		p.pos++
	}
}

func (p *parser) skipOWS() {
	for !p.eof() && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t') {
		p.pos++
	}
}

// ParseDictionary parses an RFC 8941 Dictionary field value (several field
// lines joined with ", " are one value).
func ParseDictionary(s string) (Dictionary, error) {
	if len(s) > maxFieldLen {
		return nil, &SyntaxError{Msg: fmt.Sprintf("longer than %d bytes", maxFieldLen)}
	}
	p := &parser{s: s}
	p.skipSP()
	var d Dictionary
	if p.eof() {
		return nil, p.fail("empty")
	}
	for !p.eof() {
		key, err := p.key()
		if err != nil {
			return nil, err
		}
		m := Member{Key: key}
		if p.peek() == '=' {
			p.pos++
			if p.peek() == '(' {
				l, err := p.innerList()
				if err != nil {
					return nil, err
				}
				m.List = &l
			} else {
				it, err := p.item()
				if err != nil {
					return nil, err
				}
				m.Item = &it
			}
		} else {
			ps, err := p.params()
			if err != nil {
				return nil, err
			}
			m.Item = &Item{Value: true, Params: ps}
		}
		d = d.set(m)
		p.skipOWS()
		if p.eof() {
			return d, nil
		}
		if p.peek() != ',' {
			return nil, p.fail("expected a comma between members, found %q", p.peek())
		}
		p.pos++
		p.skipOWS()
		if p.eof() {
			return nil, p.fail("trailing comma")
		}
	}
	return d, nil
}

// set adds m, or replaces the member of the same key in its place, as
// RFC 8941 says a repeated key does.
func (d Dictionary) set(m Member) Dictionary {
	for i := range d {
		if d[i].Key == m.Key {
			d[i] = m
			return d
		}
	}
	return append(d, m)
}

func isLCAlpha(c byte) bool { return c >= 'a' && c <= 'z' }
func isAlpha(c byte) bool   { return isLCAlpha(c) || (c >= 'A' && c <= 'Z') }
func isDigit(c byte) bool   { return c >= '0' && c <= '9' }

// isTChar is RFC 9110's tchar.
func isTChar(c byte) bool {
	if isAlpha(c) || isDigit(c) {
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func (p *parser) key() (string, error) {
	if c := p.peek(); !isLCAlpha(c) && c != '*' {
		if p.eof() {
			return "", p.fail("expected a key, found the end")
		}
		return "", p.fail("a key must start with a lower-case letter or '*', found %q", c)
	}
	start := p.pos
	for !p.eof() {
		c := p.s[p.pos]
		if !isLCAlpha(c) && !isDigit(c) && c != '_' && c != '-' && c != '.' && c != '*' {
			break
		}
		p.pos++
	}
	return p.s[start:p.pos], nil
}

func (p *parser) innerList() (InnerList, error) {
	if p.peek() != '(' {
		return InnerList{}, p.fail("expected '('")
	}
	p.pos++
	var l InnerList
	l.Items = make([]Item, 0, 4) // a signature covers three or four components
	for !p.eof() {
		p.skipSP()
		if p.peek() == ')' {
			p.pos++
			ps, err := p.params()
			if err != nil {
				return InnerList{}, err
			}
			l.Params = ps
			return l, nil
		}
		it, err := p.item()
		if err != nil {
			return InnerList{}, err
		}
		l.Items = append(l.Items, it)
		if c := p.peek(); c != ' ' && c != ')' {
			if p.eof() {
				break
			}
			return InnerList{}, p.fail("expected a space or ')' after an inner-list item, found %q", c)
		}
	}
	return InnerList{}, p.fail("inner list not closed with ')'")
}

func (p *parser) item() (Item, error) {
	v, err := p.bareItem()
	if err != nil {
		return Item{}, err
	}
	ps, err := p.params()
	if err != nil {
		return Item{}, err
	}
	return Item{Value: v, Params: ps}, nil
}

func (p *parser) params() (Params, error) {
	var ps Params
	for p.peek() == ';' {
		p.pos++
		p.skipSP()
		key, err := p.key()
		if err != nil {
			return nil, err
		}
		var v any = true
		if p.peek() == '=' {
			p.pos++
			if v, err = p.bareItem(); err != nil {
				return nil, err
			}
		}
		replaced := false
		for i := range ps {
			if ps[i].Key == key {
				ps[i].Value, replaced = v, true
			}
		}
		if !replaced {
			ps = append(ps, Param{Key: key, Value: v})
		}
	}
	return ps, nil
}

func (p *parser) bareItem() (any, error) {
	c := p.peek()
	switch {
	case p.eof():
		return nil, p.fail("expected a value, found the end")
	case c == '-' || isDigit(c):
		return p.number()
	case c == '"':
		return p.str()
	case c == '*' || isAlpha(c):
		return p.token(), nil
	case c == ':':
		return p.bytes()
	case c == '?':
		return p.boolean()
	}
	return nil, p.fail("unexpected %q where a value belongs", c)
}

func (p *parser) number() (any, error) {
	start := p.pos
	neg := false
	if p.peek() == '-' {
		neg = true
		p.pos++
	}
	if !isDigit(p.peek()) {
		return nil, p.fail("expected a digit")
	}
	digits := p.pos
	decimal := false
	for !p.eof() {
		c := p.s[p.pos]
		if isDigit(c) {
			p.pos++
		} else if c == '.' && !decimal {
			if p.pos-digits > 12 {
				return nil, p.fail("a decimal has at most 12 integer digits")
			}
			decimal = true
			p.pos++
		} else {
			break
		}
		if !decimal && p.pos-digits > 15 {
			return nil, p.fail("an integer has at most 15 digits")
		}
		if decimal && p.pos-digits > 16 {
			return nil, p.fail("a decimal has at most 16 characters")
		}
	}
	num := p.s[digits:p.pos]
	if !decimal {
		n, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			return nil, &SyntaxError{Offset: start, Msg: "bad integer"}
		}
		if neg {
			n = -n
		}
		return n, nil
	}
	if strings.HasSuffix(num, ".") {
		return nil, p.fail("a decimal needs a digit after the point")
	}
	if _, frac, _ := strings.Cut(num, "."); len(frac) > 3 {
		return nil, p.fail("a decimal has at most 3 fractional digits")
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return nil, &SyntaxError{Offset: start, Msg: "bad decimal"}
	}
	if neg {
		f = -f
	}
	return f, nil
}

func (p *parser) str() (any, error) {
	p.pos++ // the opening quote
	// Most strings hold no escape: they are a slice of the field, not a copy.
	for i := p.pos; i < len(p.s); i++ {
		if c := p.s[i]; c == '"' {
			v := p.s[p.pos:i]
			p.pos = i + 1
			return internString(v), nil
		} else if c == '\\' || c < 0x20 || c > 0x7e {
			break
		}
	}
	var b strings.Builder
	for !p.eof() {
		c := p.s[p.pos]
		p.pos++
		switch {
		case c == '\\':
			if p.eof() {
				return nil, p.fail("string ends inside an escape")
			}
			next := p.s[p.pos]
			if next != '"' && next != '\\' {
				return nil, p.fail("only \\\" and \\\\ may be escaped in a string")
			}
			b.WriteByte(next)
			p.pos++
		case c == '"':
			return b.String(), nil
		case c < 0x20 || c > 0x7e:
			p.pos--
			return nil, p.fail("a string holds printable ASCII only, found byte 0x%02x", c)
		default:
			b.WriteByte(c)
		}
	}
	return nil, p.fail("string not closed with '\"'")
}

// internString returns the strings every sigap signature carries as
// constants, which an interface holds without allocating.
func internString(v string) any {
	switch v {
	case "@method":
		return "@method"
	case "@target-uri":
		return "@target-uri"
	case "content-digest":
		return "content-digest"
	case Algorithm:
		return Algorithm
	}
	return v
}

func (p *parser) token() Token {
	start := p.pos
	p.pos++
	for !p.eof() {
		c := p.s[p.pos]
		if !isTChar(c) && c != ':' && c != '/' {
			break
		}
		p.pos++
	}
	return Token(p.s[start:p.pos])
}

func (p *parser) bytes() (any, error) {
	p.pos++ // the opening colon
	end := strings.IndexByte(p.s[p.pos:], ':')
	if end < 0 {
		return nil, p.fail("byte sequence not closed with ':'")
	}
	enc := p.s[p.pos : p.pos+end]
	for i := 0; i < len(enc); i++ {
		c := enc[i]
		if !isAlpha(c) && !isDigit(c) && c != '+' && c != '/' && c != '=' {
			p.pos += i
			return nil, p.fail("%q is not a base64 character", c)
		}
	}
	// RFC 8941 asks parsers to take base64 without its padding too.
	b, err := base64.RawStdEncoding.Strict().DecodeString(strings.TrimRight(enc, "="))
	if err != nil || (strings.Contains(enc, "=") && len(enc)%4 != 0) {
		return nil, p.fail("byte sequence is not valid base64")
	}
	p.pos += end + 1
	return b, nil
}

func (p *parser) boolean() (any, error) {
	p.pos++
	switch p.peek() {
	case '1':
		p.pos++
		return true, nil
	case '0':
		p.pos++
		return false, nil
	}
	return nil, p.fail("a boolean is ?0 or ?1")
}

// String serialises the dictionary as RFC 8941 says.
func (d Dictionary) String() string {
	var b []byte
	for i, m := range d {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = m.append(b)
	}
	return string(b)
}

// String serialises one member, key included.
func (m Member) String() string { return string(m.append(make([]byte, 0, 128))) }

func (m Member) append(b []byte) []byte {
	b = append(b, m.Key...)
	switch {
	case m.List != nil:
		b = append(b, '=')
		b = m.List.append(b)
	case m.Item != nil && m.Item.Value == true:
		b = m.Item.Params.append(b)
	case m.Item != nil:
		b = append(b, '=')
		b = m.Item.append(b)
	}
	return b
}

// String serialises the inner list with its parameters.
func (l InnerList) String() string { return string(l.append(make([]byte, 0, 128))) }

func (l InnerList) append(b []byte) []byte {
	b = append(b, '(')
	for i, it := range l.Items {
		if i > 0 {
			b = append(b, ' ')
		}
		b = it.append(b)
	}
	b = append(b, ')')
	return l.Params.append(b)
}

// String serialises the item with its parameters.
func (it Item) String() string { return string(it.append(make([]byte, 0, 64))) }

func (it Item) append(b []byte) []byte {
	return it.Params.append(appendBare(b, it.Value))
}

func (ps Params) append(b []byte) []byte {
	for _, p := range ps {
		b = append(b, ';')
		b = append(b, p.Key...)
		if p.Value != true {
			b = append(b, '=')
			b = appendBare(b, p.Value)
		}
	}
	return b
}

func appendBare(b []byte, v any) []byte {
	switch x := v.(type) {
	case int64:
		b = strconv.AppendInt(b, x, 10)
	case float64:
		s := strconv.FormatFloat(x, 'f', 3, 64)
		s = strings.TrimRight(s, "0")
		if strings.HasSuffix(s, ".") {
			s += "0"
		}
		b = append(b, s...)
	case string:
		b = append(b, '"')
		for i := 0; i < len(x); i++ {
			if x[i] == '"' || x[i] == '\\' {
				b = append(b, '\\')
			}
			b = append(b, x[i])
		}
		b = append(b, '"')
	case Token:
		b = append(b, x...)
	case []byte:
		b = append(b, ':')
		b = base64.StdEncoding.AppendEncode(b, x)
		b = append(b, ':')
	case bool:
		if x {
			b = append(b, "?1"...)
		} else {
			b = append(b, "?0"...)
		}
	}
	return b
}
