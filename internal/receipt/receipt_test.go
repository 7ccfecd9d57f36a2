package receipt

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestCanonicalize(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`{"b": 2, "a": 1}`, `{"a":1,"b":2}`},
		// RFC 8785 §3.2.2.3 number examples and §3.2.3 UTF-16 key order.
		{`[1E30, 4.50, 2e-3, 0.000001, 1e-7, -0, 333333333.33333329, 1e21]`, `[1e+30,4.5,0.002,0.000001,1e-7,0,333333333.3333333,1e+21]`},
		{`{"\u20ac": 1, "\r": 2, "1": 3, "\ud83d\ude00": 4, "\u00f6": 5}`, "{\"\\r\":2,\"1\":3,\"\u00f6\":5,\"\u20ac\":1,\"\U0001F600\":4}"},
		{`"\u000f\u001f<>&\u2028"`, "\"\\u000f\\u001f<>&\u2028\""},
		{`{"a":[true,false,null,{"z":"y"}]}`, `{"a":[true,false,null,{"z":"y"}]}`},
	}
	for _, tt := range tests {
		got, err := Canonicalize([]byte(tt.in))
		if err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if string(got) != tt.want {
			t.Errorf("Canonicalize(%s)\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{`{`, `{"a":1} x`, "\xff", `1e400`} {
		if _, err := Canonicalize([]byte(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestSignVerifyAndTamper(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, created, err := LoadOrCreate(dir)
	if err != nil || !created {
		t.Fatalf("create: %v %v", created, err)
	}
	again, created, err := LoadOrCreate(dir)
	if err != nil || created || again.KeyID() != s.KeyID() {
		t.Fatalf("reload gave another key: %v %v", created, err)
	}
	info, _ := os.Stat(filepath.Join(dir, keyFile))
	if info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", info.Mode().Perm())
	}
	r, err := s.Sign(map[string]any{"notice_id": "ntc_1", "subjects": []string{"telegram:channel/x"}})
	if err != nil {
		t.Fatal(err)
	}
	keys := []PublicKey{s.Public()}
	p, err := Verify(r, keys)
	if err != nil || p["notice_id"] != "ntc_1" {
		t.Fatalf("verify: %v %v", p, err)
	}
	payload, _ := base64.StdEncoding.DecodeString(r.Payload)
	payload[5] ^= 1
	forged := r
	forged.Payload = base64.StdEncoding.EncodeToString(payload)
	if _, err := Verify(forged, keys); !errors.Is(err, ErrBadSignature) {
		t.Errorf("tampered payload: %v, want ErrBadSignature", err)
	}
	_, other, _ := ed25519.GenerateKey(nil)
	if _, err := Verify(r, []PublicKey{NewSigner(other).Public()}); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("other key: %v, want ErrUnknownKey", err)
	}
	wrongKey := []PublicKey{{KeyID: r.KeyID, Algorithm: Algorithm, PublicKey: NewSigner(other).Public().PublicKey}}
	if _, err := Verify(r, wrongKey); !errors.Is(err, ErrBadSignature) {
		t.Errorf("same key id, other key: %v, want ErrBadSignature", err)
	}
	if err := os.WriteFile(filepath.Join(dir, keyFile), []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadOrCreate(dir); err == nil {
		t.Error("corrupt key file accepted")
	}
}

func FuzzCanonicalize(f *testing.F) {
	for _, s := range []string{`{"b":2,"a":[1,2.5,"x"]}`, `"\u00e9"`, `[1e30,-0]`, `{"\ud83d\ude00":null}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := Canonicalize(in)
		if err != nil {
			return
		}
		again, err := Canonicalize(out)
		if err != nil || string(again) != string(out) {
			t.Fatalf("not idempotent: %q -> %q -> %q (%v)", in, out, again, err)
		}
	})
}
