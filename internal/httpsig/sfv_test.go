package httpsig_test

import (
	"crypto/ed25519"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/httpsig"
)

func TestParseDictionary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string // want: the serialisation, or the error's words
		ok       bool
	}{
		{`sig1=("@method" "@target-uri");created=1;keyid="k"`, `sig1=("@method" "@target-uri");created=1;keyid="k"`, true},
		{`  a=1 ,	b=?0,c, d;x=tok/en:1 `, `a=1, b=?0, c, d;x=tok/en:1`, true},
		{`a=(  ), b=( 1  2 );p`, `a=(), b=(1 2);p`, true},
		{`a=-12.500, b=0.1, c=-999999999999999`, `a=-12.5, b=0.1, c=-999999999999999`, true},
		{`a="q\"uote\\", b=:aGk=:, c=:aGk:`, `a="q\"uote\\", b=:aGk=:, c=:aGk=:`, true},
		{`a=1, a=2, b=3`, `a=2, b=3`, true},
		{`*x=*y;*z`, `*x=*y;*z`, true},
		{``, `empty`, false},
		{`Sig1=1`, `lower-case letter`, false},
		{`a=1,`, `trailing comma`, false},
		{`a=1 b=2`, `expected a comma`, false},
		{`a=("x" "y"`, `not closed`, false},
		{`a=("x""y")`, `expected a space or ')'`, false},
		{`a="unterminated`, `not closed`, false},
		{`a="bad\n"`, `may be escaped`, false},
		{"a=\"tab\there\"", `printable ASCII`, false},
		{`a=:not base64!:`, `base64 character`, false},
		{`a=:aGk=`, `not closed`, false},
		{`a=:a:`, `not valid base64`, false},
		{`a=?2`, `?0 or ?1`, false},
		{`a=1234567890123456`, `at most 15 digits`, false},
		{`a=1.2345`, `at most 3 fractional`, false},
		{`a=1234567890123.1`, `at most 12 integer`, false},
		{`a=1.`, `digit after the point`, false},
		{`a=-`, `expected a digit`, false},
		{`a=@1`, `where a value belongs`, false},
		{`a=`, `found the end`, false},
		{`a;=1`, `a key must start`, false},
		{strings.Repeat("a", 17<<10), `longer than`, false},
	}
	for _, tt := range tests {
		t.Run(tt.in[:min(len(tt.in), 40)], func(t *testing.T) {
			t.Parallel()
			d, err := httpsig.ParseDictionary(tt.in)
			if tt.ok {
				if err != nil || d.String() != tt.want {
					t.Errorf("ParseDictionary(%q) = %q, %v; want %q", tt.in, d.String(), err, tt.want)
				}
				return
			}
			var se *httpsig.SyntaxError
			if err == nil || !errors.As(err, &se) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseDictionary(%q) = %v; want an error saying %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestParseSignatureFields(t *testing.T) {
	t.Parallel()
	ins, err := httpsig.ParseSignatureInput(`sig1=("@method" "content-digest");created=1700000000;keyid="k-1";alg="ed25519", sig2=();created=1`)
	if err != nil || len(ins) != 2 || ins[0].Label != "sig1" || len(ins[0].Components) != 2 || ins[0].Components[1].Name != "content-digest" {
		t.Fatalf("ParseSignatureInput = %+v, %v", ins, err)
	}
	if n, ok, err := ins[0].Int("created"); n != 1700000000 || !ok || err != nil {
		t.Errorf("created = %d %v %v", n, ok, err)
	}
	if _, _, err := ins[0].Int("keyid"); !errors.Is(err, httpsig.ErrInvalid) {
		t.Errorf("keyid as an integer: %v", err)
	}
	bad := []string{`sig1="@method"`, `sig1=(@method)`, `sig1=(1 2)`, `sig1`}
	for _, b := range bad {
		if _, err := httpsig.ParseSignatureInput(b); !errors.Is(err, httpsig.ErrInvalid) {
			t.Errorf("ParseSignatureInput(%q) = %v, want ErrInvalid", b, err)
		}
	}
	sigs, err := httpsig.ParseSignature(`sig1=:AQID:, sig2=:BAU=:`)
	if err != nil || len(sigs) != 2 || string(sigs["sig1"]) != "\x01\x02\x03" {
		t.Fatalf("ParseSignature = %v, %v", sigs, err)
	}
	for _, b := range []string{`sig1="AQID"`, `sig1=(:AQID:)`, `sig1=:AQID`} {
		if _, err := httpsig.ParseSignature(b); !errors.Is(err, httpsig.ErrInvalid) {
			t.Errorf("ParseSignature(%q) = %v, want ErrInvalid", b, err)
		}
	}
}

// roundTrip checks that whatever parses serialises to a value that parses
// to the same serialisation: the signature base depends on it.
func roundTrip(t *testing.T, in string, parse func(string) (string, error)) {
	s1, err := parse(in)
	if err != nil {
		return
	}
	s2, err := parse(s1)
	if err != nil {
		t.Fatalf("%q parsed, but its serialisation %q does not: %v", in, s1, err)
	}
	if s1 != s2 {
		t.Fatalf("%q serialises as %q, which serialises as %q", in, s1, s2)
	}
}

func FuzzParseSignatureInput(f *testing.F) {
	f.Add(`sig1=("@method" "@target-uri" "content-digest");created=1765069200;keyid="komdigi-2026";alg="ed25519"`)
	f.Add(`sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"`)
	f.Fuzz(func(t *testing.T, in string) {
		roundTrip(t, in, func(s string) (string, error) {
			ins, err := httpsig.ParseSignatureInput(s)
			if err != nil {
				if !errors.Is(err, httpsig.ErrInvalid) {
					t.Fatalf("error %v is not ErrInvalid", err)
				}
				return "", err
			}
			parts := make([]string, len(ins))
			for i, x := range ins {
				parts[i] = x.String()
			}
			return strings.Join(parts, ", "), nil
		})
	})
}

func FuzzParseSignature(f *testing.F) {
	f.Add(`sig1=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:`)
	f.Add(`sig1=:AQID:, sig2=:BAU=:;p=1`)
	f.Fuzz(func(t *testing.T, in string) {
		roundTrip(t, in, func(s string) (string, error) {
			d, err := httpsig.ParseDictionary(s)
			if err != nil {
				return "", err
			}
			if _, err := httpsig.ParseSignature(s); err != nil && !errors.Is(err, httpsig.ErrInvalid) {
				t.Fatalf("error %v is not ErrInvalid", err)
			}
			return d.String(), nil
		})
	})
}

// FuzzVerify feeds Verify arbitrary signature and digest fields: it must
// never panic, and must fail with one of its sentinels.
func FuzzVerify(f *testing.F) {
	priv := testKey(6)
	m := httpsig.Message{Method: "POST", TargetURI: "https://sigap.example:8443/v1/notices?dry=1", Header: http.Header{}}
	if err := httpsig.Sign(m, []byte(noticeBody), httpsig.Key{KeyID: "komdigi-2026", Private: priv}, t0); err != nil {
		f.Fatal(err)
	}
	f.Add(m.Header.Get("Signature-Input"), m.Header.Get("Signature"), m.Header.Get("Content-Digest"))
	f.Add(`sig1=("@method" "@query-param";name="a" "x-h");created=1;keyid="k"`, `sig1=:AQID:`, `sha-512=:AQID:`)
	lookup := lookupOf(priv.Public().(ed25519.PublicKey))
	f.Fuzz(func(t *testing.T, input, sig, digest string) {
		h := http.Header{}
		h.Set("Signature-Input", input)
		h.Set("Signature", sig)
		h.Set("Content-Digest", digest)
		msg := httpsig.Message{Method: "POST", TargetURI: "https://sigap.example:8443/v1/notices?dry=1", Header: h}
		res, err := httpsig.Verify(msg, []byte(noticeBody), lookup, httpsig.Options{Now: func() time.Time { return t0 }})
		if err == nil {
			if res.KeyID != "komdigi-2026" {
				t.Fatalf("verified with key %q", res.KeyID)
			}
			return
		}
		if httpsig.Code(err) == "" {
			t.Fatalf("error %v is none of the sentinels", err)
		}
	})
}
