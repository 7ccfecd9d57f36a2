package httpsig

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Message is what a signature covers: a request's method, its target URI
// (absolute, as the client addressed it) and its header fields.
type Message struct {
	Method    string
	TargetURI string
	Header    http.Header
}

// RequestMessage returns the message of a request a server received. The
// target URI is origin (scheme://host[:port], the address clients use,
// e.g. behind a proxy) followed by the request target; with origin "" it is
// rebuilt from the connection (TLS or not) and the Host field.
func RequestMessage(r *http.Request, origin string) Message {
	if origin == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		origin = scheme + "://" + r.Host
	}
	// The request target as it came on the wire: re-encoding r.URL could
	// write an escaped path differently from the client that signed it.
	target := r.RequestURI
	if !strings.HasPrefix(target, "/") {
		target = r.URL.RequestURI()
	}
	return Message{Method: r.Method, TargetURI: strings.TrimRight(origin, "/") + target, Header: r.Header}
}

// clientMessage returns the message of a request a client is about to send,
// its target URI written as the server will rebuild it.
func clientMessage(r *http.Request) Message {
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	return Message{Method: r.Method, TargetURI: r.URL.Scheme + "://" + host + r.URL.RequestURI(), Header: r.Header}
}

// Component is one covered component of a signature: a derived component
// such as "@method", or a header field name in lower case.
type Component struct {
	Name   string
	Params Params
}

// derived are the RFC 9421 derived components sigap can compute from a request.
var derived = map[string]bool{
	"@method": true, "@target-uri": true, "@authority": true, "@scheme": true,
	"@request-target": true, "@path": true, "@query": true,
}

// value returns the component's value in m, as its line of the signature base holds it.
func (c Component) value(m Message, u *url.URL) (string, error) {
	if len(c.Params) > 0 {
		return "", fmt.Errorf("%w: component %q has parameters (;%s), which sigap does not support", ErrInvalid, c.Name, c.Params[0].Key)
	}
	if strings.HasPrefix(c.Name, "@") {
		if !derived[c.Name] {
			return "", fmt.Errorf("%w: derived component %q is not supported on requests", ErrInvalid, c.Name)
		}
		if c.Name == "@method" {
			return m.Method, nil
		}
		if u == nil {
			return "", fmt.Errorf("%w: target URI %q is not an absolute URI", ErrInvalid, m.TargetURI)
		}
		switch c.Name {
		case "@target-uri":
			return m.TargetURI, nil
		case "@authority":
			return authority(u), nil
		case "@scheme":
			return strings.ToLower(u.Scheme), nil
		case "@request-target":
			return requestTarget(u), nil
		case "@path":
			p := u.EscapedPath()
			if p == "" {
				p = "/"
			}
			return p, nil
		case "@query":
			return "?" + u.RawQuery, nil
		}
	}
	if c.Name != strings.ToLower(c.Name) || c.Name == "" {
		return "", fmt.Errorf("%w: component %q must be a lower-case field name", ErrInvalid, c.Name)
	}
	vals := m.Header[headerKey(c.Name)]
	switch len(vals) {
	case 0:
		return "", fmt.Errorf("%w: the signature covers the %s field, which the request lacks", ErrInvalid, c.Name)
	case 1:
		return strings.Trim(vals[0], " \t"), nil
	}
	trimmed := make([]string, len(vals))
	for i, v := range vals {
		trimmed[i] = strings.Trim(v, " \t")
	}
	return strings.Join(trimmed, ", "), nil
}

// headerKey is http.CanonicalHeaderKey of a lower-case field name, without
// its allocation for the fields a signature of sigap's clients covers.
func headerKey(name string) string {
	switch name {
	case "content-digest":
		return "Content-Digest"
	case "content-type":
		return "Content-Type"
	case "idempotency-key":
		return "Idempotency-Key"
	}
	return http.CanonicalHeaderKey(name)
}

// authority is the host in lower case, with the port only if it is not the scheme's default.
func authority(u *url.URL) string {
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	scheme := strings.ToLower(u.Scheme)
	if port == "" || (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		return host
	}
	return host + ":" + port
}

func requestTarget(u *url.URL) string {
	t := u.EscapedPath()
	if t == "" {
		t = "/"
	}
	if u.RawQuery != "" || u.ForceQuery {
		t += "?" + u.RawQuery
	}
	return t
}

// Base returns the RFC 9421 signature base of m for the covered components
// and the serialised signature parameters (the @signature-params value).
func Base(m Message, components []Component, params string) ([]byte, error) {
	var u *url.URL
	if parsed, err := url.Parse(m.TargetURI); err == nil && parsed.IsAbs() && parsed.Host != "" {
		u = parsed
	}
	b := make([]byte, 0, 128+len(m.TargetURI)+len(params)+64*len(components))
	for i, c := range components {
		// A signature covers a handful of components: a scan beats a map.
		for _, prev := range components[:i] {
			if prev.Name == c.Name {
				return nil, fmt.Errorf("%w: component %q is covered twice", ErrInvalid, c.Name)
			}
		}
		v, err := c.value(m, u)
		if err != nil {
			return nil, err
		}
		if strings.ContainsAny(v, "\r\n") {
			return nil, fmt.Errorf("%w: component %q holds a line break", ErrInvalid, c.Name)
		}
		b = c.Params.append(appendBare(b, c.Name))
		b = append(b, ": "...)
		b = append(b, v...)
		b = append(b, '\n')
	}
	b = append(b, `"@signature-params": `...)
	return append(b, params...), nil
}

// SignatureInput is one member of a Signature-Input field: the label, the
// covered components and the signature's parameters.
type SignatureInput struct {
	Label      string
	Components []Component
	Params     Params
}

// ParseSignatureInput parses a Signature-Input field value: a Dictionary each
// of whose members is an inner list of component names (strings).
func ParseSignatureInput(field string) ([]SignatureInput, error) {
	d, err := ParseDictionary(field)
	if err != nil {
		return nil, fmt.Errorf("%w: Signature-Input: %v", ErrInvalid, err)
	}
	out := make([]SignatureInput, 0, len(d))
	for _, m := range d {
		if m.List == nil {
			return nil, fmt.Errorf("%w: Signature-Input %s is not an inner list of components", ErrInvalid, m.Key)
		}
		in := SignatureInput{Label: m.Key, Params: m.List.Params, Components: make([]Component, 0, len(m.List.Items))}
		for _, it := range m.List.Items {
			name, ok := it.Value.(string)
			if !ok {
				return nil, fmt.Errorf("%w: Signature-Input %s: component %s is not a quoted string", ErrInvalid, m.Key, it)
			}
			in.Components = append(in.Components, Component{Name: name, Params: it.Params})
		}
		out = append(out, in)
	}
	return out, nil
}

// ParseSignature parses a Signature field value: a Dictionary of byte sequences.
func ParseSignature(field string) (map[string][]byte, error) {
	d, err := parseSignature(field)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte, len(d))
	for _, m := range d {
		out[m.Key], _ = itemBytes(m)
	}
	return out, nil
}

// parseSignature is ParseSignature leaving the members in their Dictionary.
func parseSignature(field string) (Dictionary, error) {
	d, err := ParseDictionary(field)
	if err != nil {
		return nil, fmt.Errorf("%w: Signature: %v", ErrInvalid, err)
	}
	for _, m := range d {
		if _, ok := itemBytes(m); !ok {
			return nil, fmt.Errorf("%w: Signature %s is not a byte sequence", ErrInvalid, m.Key)
		}
	}
	return d, nil
}

// List returns the inner list the signature parameters serialise as.
func (in SignatureInput) List() InnerList {
	l := InnerList{Params: in.Params}
	for _, c := range in.Components {
		l.Items = append(l.Items, Item{Value: c.Name, Params: c.Params})
	}
	return l
}

// params serialises the signature parameters (the inner list without the
// label), as the @signature-params line and the Signature-Input member hold them.
func (in SignatureInput) params() string {
	b := make([]byte, 0, 160)
	b = append(b, '(')
	for i, c := range in.Components {
		if i > 0 {
			b = append(b, ' ')
		}
		b = c.Params.append(appendBare(b, c.Name))
	}
	b = append(b, ')')
	return string(in.Params.append(b))
}

// String serialises the input as one Signature-Input member, label included.
func (in SignatureInput) String() string {
	return in.Label + "=" + in.params()
}

// Int returns an Integer parameter.
func (in SignatureInput) Int(key string) (int64, bool, error) {
	v, ok := in.Params.Get(key)
	if !ok {
		return 0, false, nil
	}
	n, isInt := v.(int64)
	if !isInt {
		return 0, true, fmt.Errorf("%w: parameter %s must be an integer", ErrInvalid, key)
	}
	return n, true, nil
}

// Str returns a String parameter.
func (in SignatureInput) Str(key string) (string, bool, error) {
	v, ok := in.Params.Get(key)
	if !ok {
		return "", false, nil
	}
	s, isStr := v.(string)
	if !isStr {
		return "", true, fmt.Errorf("%w: parameter %s must be a quoted string", ErrInvalid, key)
	}
	return s, true, nil
}

// Covers tells whether the input covers the named component.
func (in SignatureInput) Covers(name string) bool {
	for _, c := range in.Components {
		if c.Name == name {
			return true
		}
	}
	return false
}
