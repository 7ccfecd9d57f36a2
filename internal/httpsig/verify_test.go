package httpsig_test

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/httpsig"
)

var t0 = time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)

func testKey(seed byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

// lookupOf knows one key, under keyid "komdigi-2026".
func lookupOf(pub ed25519.PublicKey) httpsig.KeyLookup {
	return func(keyid string) (ed25519.PublicKey, error) {
		if keyid == "komdigi-2026" {
			return pub, nil
		}
		return nil, httpsig.ErrUnknownKey
	}
}

const noticeBody = `{"kind":"order","category":"terrorism","explanation":"Propaganda ISIS","legal_basis":"UU ITE Pasal 40","subjects":[{"url":"https://t.me/s/SomeChannel/123"}]}`

func signed(t *testing.T, priv ed25519.PrivateKey, keyid string, created time.Time, components []string) httpsig.Message {
	t.Helper()
	m := httpsig.Message{Method: "POST", TargetURI: "https://sigap.example:8443/v1/notices?dry=1", Header: http.Header{}}
	m.Header.Set("Content-Type", "application/json")
	if err := httpsig.Sign(m, []byte(noticeBody), httpsig.Key{KeyID: keyid, Private: priv, Components: components}, created); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestVerify(t *testing.T) {
	t.Parallel()
	priv := testKey(1)
	lookup := lookupOf(priv.Public().(ed25519.PublicKey))
	opts := httpsig.Options{Now: func() time.Time { return t0 }}
	tests := []struct {
		name   string
		msg    func() httpsig.Message
		body   string
		lookup httpsig.KeyLookup
		want   error // nil: verifies
	}{
		{"valid", func() httpsig.Message { return signed(t, priv, "komdigi-2026", t0.Add(-10*time.Second), nil) }, noticeBody, nil, nil},
		{"valid, 300 s old", func() httpsig.Message { return signed(t, priv, "komdigi-2026", t0.Add(-300*time.Second), nil) }, noticeBody, nil, nil},
		{"valid, covering more", func() httpsig.Message {
			return signed(t, priv, "komdigi-2026", t0, []string{"@method", "@target-uri", "@authority", "@scheme", "@path", "@query", "@request-target", "content-type", "content-digest"})
		}, noticeBody, nil, nil},
		{"altered body", func() httpsig.Message { return signed(t, priv, "komdigi-2026", t0, nil) }, noticeBody + " ", nil, httpsig.ErrInvalid},
		{"altered digest", func() httpsig.Message {
			m := signed(t, priv, "komdigi-2026", t0, nil)
			m.Header.Set("Content-Digest", httpsig.ContentDigest([]byte(noticeBody+" ")))
			return m
		}, noticeBody + " ", nil, httpsig.ErrInvalid},
		{"digest dropped", func() httpsig.Message {
			m := signed(t, priv, "komdigi-2026", t0, nil)
			m.Header.Del("Content-Digest")
			return m
		}, noticeBody, nil, httpsig.ErrInvalid},
		{"altered method", func() httpsig.Message {
			m := signed(t, priv, "komdigi-2026", t0, nil)
			m.Method = "PUT"
			return m
		}, noticeBody, nil, httpsig.ErrInvalid},
		{"altered target", func() httpsig.Message {
			m := signed(t, priv, "komdigi-2026", t0, nil)
			m.TargetURI = strings.Replace(m.TargetURI, "dry=1", "dry=0", 1)
			return m
		}, noticeBody, nil, httpsig.ErrInvalid},
		{"301 s old", func() httpsig.Message { return signed(t, priv, "komdigi-2026", t0.Add(-301*time.Second), nil) }, noticeBody, nil, httpsig.ErrExpired},
		{"in the future", func() httpsig.Message { return signed(t, priv, "komdigi-2026", t0.Add(time.Second), nil) }, noticeBody, nil, httpsig.ErrExpired},
		{"unknown key id", func() httpsig.Message { return signed(t, priv, "somebody-else", t0, nil) }, noticeBody, nil, httpsig.ErrUnknownKey},
		{"another key under the key id", func() httpsig.Message { return signed(t, testKey(2), "komdigi-2026", t0, nil) }, noticeBody, nil, httpsig.ErrInvalid},
		{"lookup fails", func() httpsig.Message { return signed(t, priv, "komdigi-2026", t0, nil) }, noticeBody,
			func(string) (ed25519.PublicKey, error) { return nil, errDatabase }, errDatabase},
		{"not covering the digest", func() httpsig.Message { return signed(t, priv, "komdigi-2026", t0, []string{"@method", "@target-uri"}) }, noticeBody, nil, httpsig.ErrInvalid},
		{"not covering the target", func() httpsig.Message {
			return signed(t, priv, "komdigi-2026", t0, []string{"@method", "@path", "content-digest"})
		}, noticeBody, nil, httpsig.ErrInvalid},
		{"truncated Signature-Input", func() httpsig.Message {
			m := signed(t, priv, "komdigi-2026", t0, nil)
			v := m.Header.Get("Signature-Input")
			m.Header.Set("Signature-Input", v[:len(v)/2])
			return m
		}, noticeBody, nil, httpsig.ErrInvalid},
		{"truncated Signature", func() httpsig.Message {
			m := signed(t, priv, "komdigi-2026", t0, nil)
			v := m.Header.Get("Signature")
			m.Header.Set("Signature", v[:len(v)-10]+":")
			return m
		}, noticeBody, nil, httpsig.ErrInvalid},
		{"Signature lost", func() httpsig.Message {
			m := signed(t, priv, "komdigi-2026", t0, nil)
			m.Header.Del("Signature")
			return m
		}, noticeBody, nil, httpsig.ErrInvalid},
		{"other label", func() httpsig.Message {
			m := signed(t, priv, "komdigi-2026", t0, nil)
			m.Header.Set("Signature", strings.Replace(m.Header.Get("Signature"), "sig1=", "sig2=", 1))
			return m
		}, noticeBody, nil, httpsig.ErrInvalid},
		{"another algorithm", func() httpsig.Message {
			m := signed(t, priv, "komdigi-2026", t0, nil)
			m.Header.Set("Signature-Input", strings.Replace(m.Header.Get("Signature-Input"), `alg="ed25519"`, `alg="rsa-pss-sha512"`, 1))
			return m
		}, noticeBody, nil, httpsig.ErrInvalid},
		{"created not an integer", func() httpsig.Message {
			m := signed(t, priv, "komdigi-2026", t0, nil)
			in := m.Header.Get("Signature-Input")
			m.Header.Set("Signature-Input", strings.Replace(in, fmt.Sprintf("created=%d", t0.Unix()), fmt.Sprintf(`created="%d"`, t0.Unix()), 1))
			return m
		}, noticeBody, nil, httpsig.ErrInvalid},
		{"unsigned", func() httpsig.Message {
			return httpsig.Message{Method: "POST", TargetURI: "https://sigap.example/v1/notices", Header: http.Header{}}
		}, noticeBody, nil, httpsig.ErrUnsigned},
	}
	sentinels := []error{httpsig.ErrInvalid, httpsig.ErrExpired, httpsig.ErrUnsigned}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := lookup
			if tt.lookup != nil {
				l = tt.lookup
			}
			res, err := httpsig.Verify(tt.msg(), []byte(tt.body), l, opts)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if res.KeyID != "komdigi-2026" || res.Method != "POST" || !strings.HasPrefix(res.SignatureInput, "sig1=(") ||
					!strings.HasPrefix(res.Signature, "sig1=:") || !strings.HasPrefix(res.ContentDigest, "sha-256=:") {
					t.Errorf("result %+v", res)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify: %v, want %v", err, tt.want)
			}
			for _, s := range sentinels {
				if s != tt.want && !(tt.want == httpsig.ErrUnknownKey && s == httpsig.ErrInvalid) && errors.Is(err, s) {
					t.Errorf("Verify: %v is %v too", err, s)
				}
			}
		})
	}
}

var errDatabase = errors.New("database down")

func TestVerifyRecord(t *testing.T) {
	t.Parallel()
	priv := testKey(3)
	lookup := lookupOf(priv.Public().(ed25519.PublicKey))
	m := signed(t, priv, "komdigi-2026", t0, []string{"@method", "@target-uri", "content-type", "content-digest"})
	res, err := httpsig.Verify(m, []byte(noticeBody), lookup, httpsig.Options{Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	if err := httpsig.VerifyRecord(res, lookup); err != nil {
		t.Fatalf("VerifyRecord: %v", err)
	}
	tests := []struct {
		name   string
		change func(r *httpsig.Result)
	}{
		{"target", func(r *httpsig.Result) { r.TargetURI = "https://sigap.example:8443/v1/notices" }},
		{"method", func(r *httpsig.Result) { r.Method = "GET" }},
		{"digest", func(r *httpsig.Result) { r.ContentDigest = httpsig.ContentDigest([]byte("{}")) }},
		{"field", func(r *httpsig.Result) { r.Fields["content-type"] = "text/plain" }},
		{"keyid", func(r *httpsig.Result) { r.KeyID = "other" }},
		{"signature", func(r *httpsig.Result) { r.Signature = strings.Replace(r.Signature, ":", ":AA", 1) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := res
			r.Fields = map[string]string{"content-type": res.Fields["content-type"]}
			tt.change(&r)
			if err := httpsig.VerifyRecord(r, lookup); !errors.Is(err, httpsig.ErrInvalid) {
				t.Errorf("VerifyRecord of an altered record: %v", err)
			}
		})
	}
}

// TestOverHTTP signs a request as a client sends it and verifies it as a
// server receives it: both must write the target URI alike.
func TestOverHTTP(t *testing.T) {
	t.Parallel()
	priv := testKey(4)
	lookup := lookupOf(priv.Public().(ed25519.PublicKey))
	results := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		_, err := httpsig.VerifyRequest(r, body, "", lookup, httpsig.Options{})
		results <- err
	}))
	defer srv.Close()
	for _, path := range []string{"/v1/notices", "/v1/notices?limit=5&status=received", "/v1/orgs/org_1/keys/a%20b", "/v1/banks/b%2Fc/entries?q=%7e&q=~"} {
		req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(noticeBody))
		if err := httpsig.SignRequest(req, []byte(noticeBody), httpsig.Key{KeyID: "komdigi-2026", Private: priv}, time.Now()); err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if err := <-results; err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
}

func TestSignRefuses(t *testing.T) {
	t.Parallel()
	m := httpsig.Message{Method: "POST", TargetURI: "https://sigap.example/v1/notices", Header: http.Header{}}
	if err := httpsig.Sign(m, nil, httpsig.Key{KeyID: "k", Private: ed25519.PrivateKey{1, 2}}, t0); err == nil {
		t.Error("signed with a short key")
	}
	if err := httpsig.Sign(m, nil, httpsig.Key{Private: testKey(1)}, t0); err == nil {
		t.Error("signed without a key id")
	}
	if err := httpsig.Sign(m, nil, httpsig.Key{KeyID: "k", Private: testKey(1), Components: []string{"x-absent"}}, t0); !errors.Is(err, httpsig.ErrInvalid) {
		t.Errorf("signed a field the request lacks: %v", err)
	}
}

// BenchmarkVerify verifies a signed notice of about 2 KB, what a server
// adds to each signed intake.
func BenchmarkVerify(b *testing.B) {
	priv := testKey(5)
	lookup := lookupOf(priv.Public().(ed25519.PublicKey))
	var body strings.Builder
	body.WriteString(`{"kind":"order","category":"terrorism","explanation":"Propaganda ISIS","legal_basis":"UU ITE Pasal 40","subjects":[`)
	for i := 0; body.Len() < 2000; i++ {
		if i > 0 {
			body.WriteByte(',')
		}
		fmt.Fprintf(&body, `{"url":"https://t.me/s/SomeChannel/%d"}`, i)
	}
	body.WriteString("]}")
	data := []byte(body.String())
	m := httpsig.Message{Method: "POST", TargetURI: "https://sigap.example/v1/notices", Header: http.Header{}}
	if err := httpsig.Sign(m, data, httpsig.Key{KeyID: "komdigi-2026", Private: priv}, time.Now()); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for _, bb := range []struct {
		name string
		keys *httpsig.Keys
	}{{"crypto-ed25519", nil}, {"prepared-keys", &httpsig.Keys{}}} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := httpsig.Verify(m, data, lookup, httpsig.Options{Keys: bb.keys}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestRequestMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, target, origin, want string
		tls                        bool
	}{
		{"plain", "http://127.0.0.1:8080/v1/notices?status=received", "", "http://127.0.0.1:8080/v1/notices?status=received", false},
		{"TLS", "https://sigap.example.go.id/v1/notices", "", "https://sigap.example.go.id/v1/notices", true},
		{"behind a proxy", "http://10.0.0.5:8080/v1/notices?limit=5", "https://sigap.example.go.id/", "https://sigap.example.go.id/v1/notices?limit=5", false},
		{"escaped path kept", "http://h/v1/banks/b%2Fc/entries", "", "http://h/v1/banks/b%2Fc/entries", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest("GET", tt.target, nil)
			if !tt.tls {
				r.TLS = nil
			}
			if got := httpsig.RequestMessage(r, tt.origin); got.TargetURI != tt.want || got.Method != "GET" {
				t.Errorf("RequestMessage = %+v, want target %s", got, tt.want)
			}
		})
	}
}
