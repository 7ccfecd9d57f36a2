package httpsig_test

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/httpsig"
)

// The RFC 9421 Appendix B.1.4 test key.
const (
	rfcPrivatePEM = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF\n-----END PRIVATE KEY-----\n"
	rfcPublicPEM  = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=\n-----END PUBLIC KEY-----\n"
)

// rfcBody is the body of the RFC 9421 Appendix B.2 test request, as in RFC 9530 without the final newline.
const rfcBody = `{"hello": "world"}`

func rfcKeys(t *testing.T) (ed25519.PrivateKey, ed25519.PublicKey) {
	t.Helper()
	b, _ := pem.Decode([]byte(rfcPrivatePEM))
	priv, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = pem.Decode([]byte(rfcPublicPEM))
	pub, err := x509.ParsePKIXPublicKey(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return priv.(ed25519.PrivateKey), pub.(ed25519.PublicKey)
}

// rfcRequest is the RFC 9421 Appendix B.2 test request signed as B.2.6 shows.
func rfcRequest() httpsig.Message {
	h := http.Header{}
	h.Set("Date", "Tue, 20 Apr 2021 02:07:55 GMT")
	h.Set("Content-Type", "application/json")
	h.Set("Content-Digest", "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:")
	h.Set("Content-Length", "18")
	h.Set("Signature-Input", `sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"`)
	h.Set("Signature", "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:")
	return httpsig.Message{Method: "POST", TargetURI: "https://example.com/foo?param=Value&Pet=dog", Header: h}
}

const rfcB26Base = `"date": Tue, 20 Apr 2021 02:07:55 GMT
"@method": POST
"@path": /foo
"@authority": example.com
"content-type": application/json
"content-length": 18
"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"`

func TestRFC9421B26(t *testing.T) {
	t.Parallel()
	priv, pub := rfcKeys(t)
	m := rfcRequest()
	ins, err := httpsig.ParseSignatureInput(m.Header.Get("Signature-Input"))
	if err != nil || len(ins) != 1 {
		t.Fatalf("ParseSignatureInput: %v %v", ins, err)
	}
	list := ins[0].List()
	base, err := httpsig.Base(m, ins[0].Components, list.String())
	if err != nil || string(base) != rfcB26Base {
		t.Fatalf("signature base (%v):\n%s\nwant:\n%s", err, base, rfcB26Base)
	}
	// Ed25519 is deterministic: signing the base with the test key gives the RFC's signature.
	if got := base64.StdEncoding.EncodeToString(ed25519.Sign(priv, base)); got != "wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==" {
		t.Errorf("signature %s", got)
	}
	lookup := func(keyid string) (ed25519.PublicKey, error) {
		if keyid == "test-key-ed25519" {
			return pub, nil
		}
		return nil, httpsig.ErrUnknownKey
	}
	opts := httpsig.Options{Now: func() time.Time { return time.Unix(1618884473+5, 0) }, Require: []string{}}
	res, err := httpsig.Verify(m, []byte(rfcBody), lookup, opts)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if res.KeyID != "test-key-ed25519" || res.Created != 1618884473 || res.Fields["content-type"] != "application/json" ||
		res.SignatureInput != m.Header.Get("Signature-Input") || res.Signature != m.Header.Get("Signature") {
		t.Errorf("result %+v", res)
	}
	// The same request checked later than 300 s after it was signed is too old.
	late := opts
	late.Now = func() time.Time { return time.Unix(1618884473+301, 0) }
	if _, err := httpsig.Verify(m, []byte(rfcBody), lookup, late); !errors.Is(err, httpsig.ErrExpired) {
		t.Errorf("late: %v, want ErrExpired", err)
	}
	// The B.2.6 signature does not cover the target URI or the digest, so sigap's default requirements refuse it.
	def := httpsig.Options{Now: opts.Now}
	if _, err := httpsig.Verify(m, []byte(rfcBody), lookup, def); !errors.Is(err, httpsig.ErrInvalid) {
		t.Errorf("default requirements: %v, want ErrInvalid", err)
	}
	// A changed Date breaks it.
	m.Header.Set("Date", "Tue, 20 Apr 2021 02:07:56 GMT")
	if _, err := httpsig.Verify(m, []byte(rfcBody), lookup, opts); !errors.Is(err, httpsig.ErrInvalid) {
		t.Errorf("altered date: %v, want ErrInvalid", err)
	}
}

func TestRFC9530ContentDigest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, field string
		wantErr           bool
	}{
		{"sha-256", rfcBody, "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", false},
		{"sha-512", rfcBody, "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:", false},
		{"sha-256 with newline", rfcBody + "\n", "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:", false},
		{"sha-512 with newline", rfcBody + "\n", "sha-512=:YMAam51Jz/jOATT6/zvHrLVgOYTGFy1d6GJiOHTohq4yP+pgk4vf2aCsyRZOtw8MjkM7iw7yZ/WkppmM44T3qg==:", false},
		{"both, and an unknown one", rfcBody, "md5=:AAAA:, sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:", false},
		{"other body", rfcBody + " ", "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", true},
		{"one of two wrong", rfcBody, "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, sha-512=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", true},
		{"only unknown algorithms", rfcBody, "md5=:AAAA:", true},
		{"not a byte sequence", rfcBody, `sha-256="X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="`, true},
		{"malformed", rfcBody, "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=", true},
		{"absent", rfcBody, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := httpsig.CheckContentDigest(tt.field, []byte(tt.body))
			if tt.wantErr != (err != nil) || (err != nil && !errors.Is(err, httpsig.ErrInvalid)) {
				t.Errorf("CheckContentDigest(%q) = %v, want error %v", tt.field, err, tt.wantErr)
			}
		})
	}
	if got := httpsig.ContentDigest([]byte(rfcBody)); got != tests[0].field {
		t.Errorf("ContentDigest = %s", got)
	}
}
