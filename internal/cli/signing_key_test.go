package cli

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/httpsig"
	"github.com/sigap/sigap/internal/receipt"
)

// signingServer stands in for a sigap server that checks request signatures
// as the contract says, with the keys registered in keys (keyid → key).
type signingServer struct {
	mu   sync.Mutex
	keys map[string]ed25519.PublicKey
	last httpsig.Result
}

func (s *signingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	res, err := httpsig.VerifyRequest(r, body, "", func(keyid string) (ed25519.PublicKey, error) {
		if k, ok := s.keys[keyid]; ok {
			return k, nil
		}
		return nil, httpsig.ErrUnknownKey
	}, httpsig.Options{})
	code := ""
	switch {
	case errors.Is(err, httpsig.ErrUnsigned):
		code = "signature_required"
	case errors.Is(err, httpsig.ErrExpired):
		code = "signature_expired"
	case err != nil:
		code = "signature_invalid"
	}
	w.Header().Set("Content-Type", "application/json")
	if code != "" {
		w.WriteHeader(http.StatusUnauthorized)
		json.NewEncoder(w).Encode(map[string]any{"status": 401, "title": "Unauthorized", "detail": err.Error(), "code": code})
		return
	}
	s.last = res
	if r.Method == "GET" {
		io.WriteString(w, `{"items": []}`)
		return
	}
	w.WriteHeader(http.StatusCreated)
	io.WriteString(w, `{"id": "ntc_1", "status": "received", "subjects": [{"new_case": true}]}`)
}

func TestSignedRequests(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "komdigi.key")
	stdout, stderr, code := run(t, "signing-key", "gen", "--out", keyFile, "--keyid", "komdigi-2026")
	if code != 0 {
		t.Fatalf("gen: exit %d: %s", code, stderr)
	}
	var body signingKeyBody
	if err := json.Unmarshal([]byte(stdout), &body); err != nil || body.KeyID != "komdigi-2026" || body.Algorithm != "ed25519" {
		t.Fatalf("gen printed %q (%v)", stdout, err)
	}
	pub, err := base64.StdEncoding.DecodeString(body.PublicKey)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		t.Fatalf("public key %q", body.PublicKey)
	}
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v %v", fi, err)
	}
	if again, _, code := run(t, "signing-key", "public", "--keyid", "komdigi-2026", keyFile); code != 0 || again != stdout {
		t.Errorf("public printed %q, gen %q", again, stdout)
	}
	if _, stderr, code := run(t, "signing-key", "gen", "--out", keyFile); code == 0 || !strings.Contains(stderr, "exists") {
		t.Errorf("gen over an existing key: exit %d: %s", code, stderr)
	}
	badID := filepath.Join(dir, "bad.key")
	if _, stderr, code := run(t, "signing-key", "gen", "--out", badID, "--keyid", "kunci\tbaru"); code == 0 || !strings.Contains(stderr, "printable ASCII") {
		t.Errorf("gen with a keyid no signature can carry: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(badID); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("gen refused the keyid but wrote a key: %v", err)
	}

	// A second key, stored as a base64 seed, registered under the keyid derived from it.
	seed := make([]byte, ed25519.SeedSize)
	seed[0] = 7
	seedFile := filepath.Join(dir, "seed.key")
	os.WriteFile(seedFile, []byte(base64.StdEncoding.EncodeToString(seed)+"\n"), 0o600)
	seedPub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)

	srv := &signingServer{keys: map[string]ed25519.PublicKey{"komdigi-2026": pub, defaultKeyID(seedPub): seedPub}}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	submit := []string{"notice", "submit", "--server", ts.URL, "--key", "sgp_test", "--category", "terrorism",
		"--explanation", "Propaganda ISIS", "--legal-basis", "UU ITE Pasal 40"}
	tests := []struct {
		name    string
		args    []string
		want    string // in the output when it fails; "" when it succeeds
		wantKey string
	}{
		{"signed", append(append([]string{}, submit...), "--sign-key", keyFile, "--sign-keyid", "komdigi-2026", "https://t.me/c/1"), "", "komdigi-2026"},
		{"signed with a seed and the derived keyid", append(append([]string{}, submit...), "--sign-key", seedFile, "https://t.me/c/2"), "", defaultKeyID(seedPub)},
		{"signed list", []string{"notice", "list", "--server", ts.URL, "--key", "sgp_test", "--sign-key", keyFile, "--sign-keyid", "komdigi-2026"}, "", "komdigi-2026"},
		{"unsigned", append(append([]string{}, submit...), "https://t.me/c/3"), "request not signed", ""},
		{"unregistered keyid", append(append([]string{}, submit...), "--sign-key", keyFile, "--sign-keyid", "komdigi-2027", "https://t.me/c/4"), `unknown key "komdigi-2027"`, ""},
		{"keyid without key", append(append([]string{}, submit...), "--sign-keyid", "komdigi-2026", "https://t.me/c/5"), "without --sign-key", ""},
		{"no such key file", append(append([]string{}, submit...), "--sign-key", filepath.Join(dir, "nope"), "https://t.me/c/6"), "read signing key", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := run(t, tt.args...)
			if tt.want != "" {
				if code == 0 || !strings.Contains(stdout+stderr, tt.want) {
					t.Errorf("exit %d, output %q %q; want failure mentioning %q", code, stdout, stderr, tt.want)
				}
				return
			}
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			srv.mu.Lock()
			defer srv.mu.Unlock()
			if srv.last.KeyID != tt.wantKey || !strings.HasPrefix(srv.last.TargetURI, ts.URL+"/v1/notices") {
				t.Errorf("the server verified %+v", srv.last)
			}
		})
	}
}

func TestLoadSigningKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		return p
	}
	// The RFC 9421 B.1.4 test key, as openssl writes such keys.
	rfc := write("rfc.pem", "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF\n-----END PRIVATE KEY-----\n")
	priv, err := loadSigningKey(rfc)
	if err != nil || base64.StdEncoding.EncodeToString(priv.Public().(ed25519.PublicKey)) != "JrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=" {
		t.Fatalf("RFC key: %v", err)
	}
	full := write("full.b64", base64.StdEncoding.EncodeToString(priv))
	if got, err := loadSigningKey(full); err != nil || !got.Equal(priv) {
		t.Errorf("64-byte base64 key: %v", err)
	}
	tests := []struct{ name, content, want string }{
		{"other PEM", string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: []byte{1}})), "not a PKCS #8"},
		{"bad PKCS 8", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2}})), "signing key"},
		{"not base64", "hello world", "neither PEM"},
		{"wrong length", base64.StdEncoding.EncodeToString([]byte("short")), "5 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := loadSigningKey(write(tt.name, tt.content)); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("loadSigningKey: %v, want an error saying %q", err, tt.want)
			}
		})
	}
}

// signedReceipt writes a notice answer whose receipt records the request
// signature of body by priv under keyid, as the server files a signed notice.
func signedReceipt(t *testing.T, dir string, signer *receipt.Signer, priv ed25519.PrivateKey, keyid, body, bodyHashOf string, sign bool) string {
	t.Helper()
	now := time.Now()
	sum := sha256.Sum256([]byte(bodyHashOf))
	payload := map[string]any{"notice_id": "ntc_1", "org_id": "org_k", "kind": "order", "body_sha256": hex.EncodeToString(sum[:]),
		"subjects": []string{"telegram:message/c/1"}, "issuer": "sigap"}
	if sign {
		m := httpsig.Message{Method: "POST", TargetURI: "https://sigap.example/v1/notices", Header: http.Header{}}
		if err := httpsig.Sign(m, []byte(body), httpsig.Key{KeyID: keyid, Private: priv}, now); err != nil {
			t.Fatal(err)
		}
		res, err := httpsig.Verify(m, []byte(body), func(string) (ed25519.PublicKey, error) { return priv.Public().(ed25519.PublicKey), nil }, httpsig.Options{})
		if err != nil {
			t.Fatal(err)
		}
		payload["request_signature"] = res
	}
	r, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]any{"id": "ntc_1", "receipt": r})
	f, _ := os.CreateTemp(dir, "answer-*.json")
	f.Write(b)
	f.Close()
	return f.Name()
}

func TestReceiptVerifySigningKeys(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, platform, _ := ed25519.GenerateKey(nil)
	signer := receipt.NewSigner(platform)
	keys, _ := json.Marshal(map[string]any{"keys": []receipt.PublicKey{signer.Public()}})
	keysFile := filepath.Join(dir, "keys.json")
	os.WriteFile(keysFile, keys, 0o600)
	_, authority, _ := ed25519.GenerateKey(nil)
	_, other, _ := ed25519.GenerateKey(nil)
	pubOf := func(k ed25519.PrivateKey) string {
		return base64.StdEncoding.EncodeToString(k.Public().(ed25519.PublicKey))
	}
	signingKeys := func(entries string) string {
		f, _ := os.CreateTemp(dir, "signing-*.json")
		f.WriteString(entries)
		f.Close()
		return f.Name()
	}
	good := signingKeys(`[{"org_id": "org_k", "keyid": "komdigi-2026", "alg": "ed25519", "public_key": "` + pubOf(authority) + `"},
		{"org_id": "org_k", "keyid": "old", "public_key": "` + pubOf(other) + `"}]`)
	noOrg := signingKeys(`{"items": [{"keyid": "komdigi-2026", "public_key": "` + pubOf(authority) + `"}]}`)
	otherOrg := signingKeys(`[{"org_id": "org_x", "keyid": "komdigi-2026", "public_key": "` + pubOf(authority) + `"}]`)
	otherKey := signingKeys(`[{"org_id": "org_k", "keyid": "komdigi-2026", "public_key": "` + pubOf(other) + `"}]`)
	notKeys := signingKeys(`{"hello": "world"}`)

	signed := signedReceipt(t, dir, signer, authority, "komdigi-2026", noticeJSON, noticeJSON, true)
	otherBody := signedReceipt(t, dir, signer, authority, "komdigi-2026", noticeJSON, noticeJSON+" ", true)
	unsigned := signedReceipt(t, dir, signer, authority, "", noticeJSON, noticeJSON, false)
	tests := []struct {
		name    string
		args    []string
		ok      bool
		want    []string
		notWant string
	}{
		{"signed, checked", []string{"--signing-keys", good, signed}, true,
			[]string{"OK: the receipt verifies", "OK: the request was signed by key komdigi-2026 of org org_k at ", "POST https://sigap.example/v1/notices"}, "does not say whose"},
		{"key without its org", []string{"--signing-keys", noOrg, signed}, true, []string{"of org org_k (the keys file does not say whose key it is)"}, ""},
		{"signed, not checked", []string{signed}, true, []string{"signed by    key komdigi-2026 (check it with --signing-keys FILE)"}, "OK: the request"},
		{"unsigned, not asked", []string{unsigned}, true, []string{"OK: the receipt verifies"}, "signed by"},
		{"unsigned, asked", []string{"--signing-keys", good, unsigned}, false, []string{"filed unsigned"}, ""},
		{"key of another org", []string{"--signing-keys", otherOrg, signed}, false, []string{"INVALID: request signature", `no key "komdigi-2026" of org org_k`}, "OK: the request"},
		{"another key under the keyid", []string{"--signing-keys", otherKey, signed}, false, []string{"INVALID: request signature", "does not verify"}, "OK: the request"},
		{"digest of another body", []string{"--signing-keys", good, otherBody}, false, []string{"INVALID: request signature", "body_sha256"}, "OK: the request"},
		{"not a keys file", []string{"--signing-keys", notKeys, signed}, false, []string{"lists no key"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := run(t, append([]string{"receipt", "verify", "--keys", keysFile}, tt.args...)...)
			if (code == 0) != tt.ok {
				t.Fatalf("exit %d, want ok %v: %s %s", code, tt.ok, stdout, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout+stderr, w) {
					t.Errorf("output lacks %q:\n%s%s", w, stdout, stderr)
				}
			}
			if tt.notWant != "" && strings.Contains(stdout+stderr, tt.notWant) {
				t.Errorf("output has %q:\n%s%s", tt.notWant, stdout, stderr)
			}
		})
	}
}

const noticeJSON = `{"kind":"order","category":"terrorism","explanation":"Propaganda ISIS","legal_basis":"UU ITE Pasal 40","subjects":[{"url":"https://t.me/c/1"}]}`
