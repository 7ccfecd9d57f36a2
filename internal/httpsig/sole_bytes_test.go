package httpsig

import (
	"bytes"
	"net/http"
	"testing"
)

// soleBytesAgrees fails t unless soleBytes, where it reads field, gives what
// ParseDictionary gives: one member, that key, those bytes, no parameters.
func soleBytesAgrees(t *testing.T, field string) bool {
	t.Helper()
	var buf [64]byte
	key, b, ok := soleBytes(field, buf[:])
	if !ok {
		return false
	}
	d, err := ParseDictionary(field)
	if err != nil {
		t.Fatalf("soleBytes(%q) read %s=%x, ParseDictionary refuses it: %v", field, key, b, err)
	}
	want, isBytes := itemBytes(d[0])
	if len(d) != 1 || d[0].Key != key || !isBytes || !bytes.Equal(want, b) || len(d[0].Item.Params) > 0 {
		t.Fatalf("soleBytes(%q) = %s=%x, ParseDictionary = %v", field, key, b, d)
	}
	return true
}

func TestSoleBytes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		field string
		read  bool // false: left to the parser
	}{
		{"sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", true},
		{"sig1=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:", true},
		{"*a.b_c-1=:AQID:", true},
		{"k=::", true},
		{"k=:AQI:", true},             // unpadded, as RFC 8941 lets a parser take
		{"k=:AQI=:", true},            // padded
		{"k=:AQ=I:", false},           // '=' inside
		{"k=:AQI==:", false},          // padding of the wrong length
		{"k=:AQJ=:", false},           // non-zero trailing bits (the parser is strict)
		{"k=:AQID:;p=1", false},       // a parameter
		{"k=:AQID:, j=:AQID:", false}, // two members
		{"k=:AQID:, k=:BAUG:", false}, // a repeated key, the last wins
		{" k=:AQID:", false},          // leading space
		{"k=:AQID: ", false},          // trailing space
		{"K=:AQID:", false},           // upper-case key
		{"1k=:AQID:", false},          // key starts with a digit
		{"k=\"AQID\"", false},         // a string
		{"k=:AQ\nID:", false},         // a line break, which base64 would skip
		{"k=:AQ ID:", false},          // a space inside
		{"=:AQID:", false},            // no key
		{"k", false},                  // a bare key
		{"k=:" + string(make([]byte, 100)) + ":", false},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			t.Parallel()
			if got := soleBytesAgrees(t, tt.field); got != tt.read {
				t.Errorf("soleBytes(%q) read it: %v, want %v", tt.field, got, tt.read)
			}
		})
	}
	long := "k=:" + string(bytes.Repeat([]byte("AAAA"), 22)) + ":" // 66 bytes: more than the buffer
	if soleBytesAgrees(t, long) {
		t.Errorf("soleBytes read a value longer than its buffer")
	}
}

// FuzzSoleBytes holds the fast path to the parser on any field.
func FuzzSoleBytes(f *testing.F) {
	f.Add("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:")
	f.Add("sig1=:AQID:, sig2=:BAU=:;p=1")
	f.Fuzz(func(t *testing.T, field string) {
		soleBytesAgrees(t, field)
	})
}

func TestHeaderKey(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"content-digest", "content-type", "idempotency-key", "x-custom-field", "www-authenticate", "a"} {
		if got, want := headerKey(name), http.CanonicalHeaderKey(name); got != want {
			t.Errorf("headerKey(%q) = %q, want %q", name, got, want)
		}
	}
}
