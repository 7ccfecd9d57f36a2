package httpsig

import (
	"encoding/base64"
	"strings"
)

// soleBytes reads a Dictionary field that is exactly one member whose value
// is a byte sequence without parameters, key=:base64:, the form sigap's
// clients send Signature and Content-Digest in, decoding into dst without
// the parser's allocations. ok is false for any other field (or a value
// longer than dst), which ParseDictionary then reads, with its errors; for a
// field soleBytes reads, ParseDictionary gives the same key and bytes.
func soleBytes(field string, dst []byte) (key string, b []byte, ok bool) {
	eq := strings.IndexByte(field, '=')
	if eq <= 0 || len(field) > maxFieldLen {
		return "", nil, false
	}
	key = field[:eq]
	if c := key[0]; !isLCAlpha(c) && c != '*' {
		return "", nil, false
	}
	for i := 1; i < len(key); i++ {
		if c := key[i]; !isLCAlpha(c) && !isDigit(c) && c != '_' && c != '-' && c != '.' && c != '*' {
			return "", nil, false
		}
	}
	v := field[eq+1:]
	if len(v) < 2 || v[0] != ':' || v[len(v)-1] != ':' {
		return "", nil, false
	}
	enc := v[1 : len(v)-1]
	padded := false
	for i := 0; i < len(enc); i++ {
		c := enc[i]
		if !isAlpha(c) && !isDigit(c) && c != '+' && c != '/' && c != '=' {
			return "", nil, false // ':' too: a second item follows
		}
		padded = padded || c == '='
	}
	if padded && len(enc)%4 != 0 {
		return "", nil, false
	}
	raw := strings.TrimRight(enc, "=")
	if base64.RawStdEncoding.DecodedLen(len(raw)) > len(dst) {
		return "", nil, false
	}
	n, err := base64.RawStdEncoding.Strict().Decode(dst, []byte(raw))
	if err != nil {
		return "", nil, false
	}
	return key, dst[:n], true
}
