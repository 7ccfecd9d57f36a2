package subject

import (
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

const upperhex = "0123456789ABCDEF"

// webLink is an http(s) link split into its raw (still escaped) parts.
type webLink struct {
	scheme   string // "http" or "https"
	host     string // normalised: lower case, ASCII, no trailing dot
	port     string // "" for the scheme's default port
	path     string // raw
	query    string // raw, without "?"
	fragment string // raw, without "#"
}

// parseWeb handles http and https links; rest is what follows "scheme:".
func parseWeb(scheme, rest string) (Subject, error) {
	if !strings.HasPrefix(rest, "//") {
		return Subject{}, fmt.Errorf("subject: %w: %q is missing \"//\" after the scheme", ErrNotALink, clip(scheme+":"+rest))
	}
	rest = rest[2:]
	w := webLink{scheme: scheme}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	authority := rest[:end]
	rest = rest[end:]
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		w.fragment = rest[i+1:]
		rest = rest[:i]
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		w.query = rest[i+1:]
		rest = rest[:i]
	}
	w.path = rest
	// Userinfo is dropped: it is not part of what the link names, and
	// "https://t.me@evil.example/" must name evil.example.
	if i := strings.LastIndexByte(authority, '@'); i >= 0 {
		authority = authority[i+1:]
	}
	hostPart, port, err := splitHostPort(authority)
	if err != nil {
		return Subject{}, err
	}
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	w.port = port
	if w.host, err = normHost(hostPart); err != nil {
		return Subject{}, err
	}
	if port == "" {
		if sub, ok, err := parseTelegramWeb(w); ok || err != nil {
			return sub, err
		}
	}
	return w.subject(), nil
}

// splitHostPort splits an authority without userinfo; the port loses leading zeros.
func splitHostPort(a string) (host, port string, err error) {
	if strings.HasPrefix(a, "[") {
		i := strings.IndexByte(a, ']')
		if i < 0 {
			return "", "", fmt.Errorf("subject: %w: unclosed \"[\" in the host", ErrNotALink)
		}
		host, a = a[:i+1], a[i+1:]
		if a != "" && a[0] != ':' {
			return "", "", fmt.Errorf("subject: %w: unexpected text after the IPv6 address", ErrNotALink)
		}
	} else if i := strings.LastIndexByte(a, ':'); i >= 0 {
		host, a = a[:i], a[i:]
	} else {
		return a, "", nil
	}
	if a == "" || a == ":" {
		return host, "", nil
	}
	p, err := strconv.ParseUint(a[1:], 10, 16)
	if err != nil || p == 0 || a[1] == '+' {
		return "", "", fmt.Errorf("subject: %w: %q is not a port number", ErrNotALink, clip(a[1:]))
	}
	return host, strconv.FormatUint(p, 10), nil
}

// normHost lower-cases a host, maps international names to Punycode, and checks
// that it is an IP address or a dotted DNS name with an alphabetic top level.
func normHost(h string) (string, error) {
	if h == "" {
		return "", fmt.Errorf("subject: %w: the link has no host", ErrNotALink)
	}
	if h[0] == '[' {
		addr, err := netip.ParseAddr(h[1 : len(h)-1])
		if err != nil || !addr.Is6() || addr.Zone() != "" {
			return "", fmt.Errorf("subject: %w: %q is not an IPv6 address", ErrNotALink, clip(h))
		}
		return "[" + addr.String() + "]", nil
	}
	if strings.IndexByte(h, '%') >= 0 {
		u, err := url.PathUnescape(h)
		if err != nil || !utf8.ValidString(u) {
			return "", fmt.Errorf("subject: %w: bad percent-encoding in the host %q", ErrNotALink, clip(h))
		}
		h = u
	}
	if !isASCII(h) {
		// The IDNA mapping step, approximated: compatibility forms and full-width
		// dots fold (so "ｔ．ｍｅ" is t.me), then lower case.
		h = norm.NFKC.String(h)
		h = strings.NewReplacer("。", ".", "．", ".", "｡", ".").Replace(h)
	}
	h = strings.ToLower(h)
	h = strings.TrimSuffix(h, ".")
	if addr, err := netip.ParseAddr(h); err == nil && addr.Is4() {
		return addr.String(), nil
	}
	labels := strings.Split(h, ".")
	if len(labels) < 2 {
		return "", fmt.Errorf("subject: %w: the host %q has no dot", ErrNotALink, clip(h))
	}
	for i, l := range labels {
		if l == "" {
			return "", fmt.Errorf("subject: %w: the host %q has an empty label", ErrNotALink, clip(h))
		}
		if !isASCII(l) {
			for _, r := range l {
				if !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '-') {
					return "", fmt.Errorf("subject: %w: the host %q has the character %q", ErrNotALink, clip(h), r)
				}
			}
			p, err := punycode(l)
			if err != nil {
				return "", fmt.Errorf("subject: %w: the host label %q is too long", ErrNotALink, clip(l))
			}
			labels[i] = p
			l = p
		}
		if len(l) > 63 {
			return "", fmt.Errorf("subject: %w: the host label %q is over 63 bytes", ErrNotALink, clip(l))
		}
		for j := 0; j < len(l); j++ {
			c := l[j]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return "", fmt.Errorf("subject: %w: the host %q has the character %q", ErrNotALink, clip(h), c)
			}
		}
	}
	tld := labels[len(labels)-1]
	if len(tld) < 2 {
		return "", fmt.Errorf("subject: %w: %q is not a top-level domain", ErrNotALink, clip(tld))
	}
	if !strings.HasPrefix(tld, "xn--") {
		for j := 0; j < len(tld); j++ {
			if tld[j] < 'a' || tld[j] > 'z' {
				return "", fmt.Errorf("subject: %w: %q is not a top-level domain", ErrNotALink, clip(tld))
			}
		}
	}
	h = strings.Join(labels, ".")
	if len(h) > 253 {
		return "", fmt.Errorf("subject: %w: the host is over 253 bytes", ErrNotALink)
	}
	return h, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// subject builds the KindURL subject of a generic link.
func (w webLink) subject() Subject {
	var b strings.Builder
	b.WriteString(w.host)
	if w.port != "" {
		b.WriteString(":" + w.port)
	}
	p := removeDotSegments(normEscapes(w.path, pathByte, "/"))
	p = strings.TrimRight(p, "/")
	if p == "" {
		p = "/"
	}
	b.WriteString(p)
	if q := normQuery(w.query); q != "" {
		b.WriteString("?" + q)
	}
	// Client-side routes (#/page, #!/page) name different pages; other fragments
	// are positions within one.
	if f := w.fragment; f != "" && (f[0] == '/' || f[0] == '!') {
		b.WriteString("#" + normEscapes(f, fragmentByte, ""))
	}
	rest := protectEnd("https://" + b.String())[len("https://"):]
	canon := "https://" + rest
	if w.port != "" {
		canon = w.scheme + "://" + rest
	}
	return Subject{Canonical: "url:" + canon, Kind: KindURL, URL: w.scheme + "://" + rest}
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

func isSubDelim(c byte) bool { return strings.IndexByte("!$&'()*+,;=", c) >= 0 }

func pathByte(c byte) bool {
	return isUnreserved(c) || isSubDelim(c) || c == ':' || c == '@' || c == '/'
}

// queryKeyByte and queryValueByte keep "&" (and "=" in keys) encoded so that the
// parameter boundaries survive; "+" stays as written.
func queryKeyByte(c byte) bool {
	return c != '&' && c != '=' && (pathByte(c) || c == '?')
}

func queryValueByte(c byte) bool { return c != '&' && (pathByte(c) || c == '?') }

func fragmentByte(c byte) bool { return pathByte(c) || c == '?' }

// normEscapes writes every byte in its one canonical form: a byte that allowed
// accepts and that is not in keep is written raw (its escape decoded); any other
// byte is escaped with upper-case hex (a stray "%" becomes "%25"). keep lists the
// delimiters whose escaped and raw forms mean different things in that part of
// the URL ("/" in a path, "&", "=" and "+" in a query). Decoding the other
// reserved characters, which RFC 3986 leaves to the server, is what makes
// protectEnd's escaping of the last character undo itself on a second parse.
func normEscapes(s string, allowed func(byte) bool, keep string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			v := unhex(s[i+1])<<4 | unhex(s[i+2])
			if isUnreserved(v) || allowed(v) && strings.IndexByte(keep, v) < 0 {
				b.WriteByte(v)
			} else {
				b.WriteByte('%')
				b.WriteByte(upperhex[v>>4])
				b.WriteByte(upperhex[v&15])
			}
			i += 2
			continue
		}
		if c != '%' && allowed(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(upperhex[c>>4])
		b.WriteByte(upperhex[c&15])
	}
	return b.String()
}

// unescape decodes the (well-formed) escapes normEscapes leaves.
func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	default:
		return c - 'a' + 10
	}
}

// removeDotSegments resolves "." and ".." (RFC 3986 section 5.2.4) in an
// absolute path; trailing slashes are the caller's business.
func removeDotSegments(p string) string {
	if !strings.Contains(p, ".") {
		return p
	}
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	out := segs[:0]
	for _, s := range segs {
		switch s {
		case ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, s)
		}
	}
	return "/" + strings.Join(out, "/")
}

// trackingParams are query parameters that identify the sharer or the ad
// campaign, not the content.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gbraid": true, "wbraid": true, "msclkid": true,
	"yclid": true, "twclid": true, "ttclid": true, "igshid": true, "mc_cid": true, "mc_eid": true,
	"_ga": true, "_gl": true,
}

// queryParam is one parameter, escaped (key, value) and unescaped (ukey,
// uvalue). Sorting on the unescaped form keeps the order the same when
// protectEnd escapes the last character of the query.
type queryParam struct {
	key, value   string
	ukey, uvalue string
	hasEq        bool
}

// normQuery normalises the escapes of each parameter, drops empty and tracking
// parameters, and sorts the rest by key then value.
func normQuery(q string) string {
	if q == "" {
		return ""
	}
	var params []queryParam
	for piece := range strings.SplitSeq(q, "&") {
		if piece == "" {
			continue
		}
		k, v, eq := strings.Cut(piece, "=")
		p := queryParam{key: normEscapes(k, queryKeyByte, "+"), value: normEscapes(v, queryValueByte, "=+"), hasEq: eq}
		p.ukey, p.uvalue = unescape(p.key), unescape(p.value)
		lk := strings.ToLower(p.key)
		if strings.HasPrefix(lk, "utm_") || trackingParams[lk] {
			continue
		}
		params = append(params, p)
	}
	slices.SortFunc(params, func(a, b queryParam) int {
		for _, c := range [...]int{
			strings.Compare(a.ukey, b.ukey), strings.Compare(a.uvalue, b.uvalue),
			strings.Compare(a.key, b.key), strings.Compare(a.value, b.value),
		} {
			if c != 0 {
				return c
			}
		}
		switch {
		case a.hasEq == b.hasEq:
			return 0
		case b.hasEq:
			return -1
		default:
			return 1
		}
	})
	var b strings.Builder
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.key)
		if p.hasEq {
			b.WriteByte('=')
			b.WriteString(p.value)
		}
	}
	return b.String()
}
