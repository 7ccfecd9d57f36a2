package httpapi_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/casetest"
	"github.com/sigap/sigap/internal/cli"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/httpsig"
	"github.com/sigap/sigap/internal/store/storetest"
)

// signEnv is a whole sigap on a manual clock with two authorities, each with
// an admin key, an authority key and a registered signing key.
type signEnv struct {
	*env
	clk            *clock.Fixed
	orgA, orgB     string
	adminA, adminB string
	authA, authB   string
	privA, privB   ed25519.PrivateKey
}

func newSignEnv(t *testing.T, e storetest.Engine) *signEnv { return newSignEnvAt(t, e, "") }

// newSignEnvAt is newSignEnv behind a proxy whose clients address it as origin ("": none).
func newSignEnvAt(t *testing.T, e storetest.Engine, origin string) *signEnv {
	t.Helper()
	clk := clock.NewFixed(time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC))
	en := startEnv(t, e, clk, func(c *config.Config) { c.PublicOrigin = origin }, nil)
	se := &signEnv{env: en, clk: clk, orgA: en.org(t, "Komdigi", "authority"), orgB: en.org(t, "Other ministry", "authority")}
	se.adminA, se.adminB = en.key(t, se.orgA, "admin"), en.key(t, se.orgB, "admin")
	se.authA, se.authB = en.key(t, se.orgA, "authority"), en.key(t, se.orgB, "authority")
	se.privA, se.privB = newPriv(t), newPriv(t)
	se.register(t, se.adminA, se.orgA, "komdigi-2026", se.privA)
	se.register(t, se.adminB, se.orgB, "other-2026", se.privB)
	return se
}

func newPriv(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return priv
}

func pubB64(priv ed25519.PrivateKey) string {
	return base64.StdEncoding.EncodeToString(priv.Public().(ed25519.PublicKey))
}

// register registers priv's public half for orgID under keyid, as the org's own admin.
func (e *signEnv) register(t *testing.T, adminKey, orgID, keyid string, priv ed25519.PrivateKey) {
	t.Helper()
	r := e.json(t, "POST", "/v1/orgs/"+orgID+"/signing-keys", adminKey, map[string]string{"keyid": keyid, "alg": "ed25519", "public_key": pubB64(priv)})
	if r.Status != 201 {
		t.Fatalf("register signing key %s: %d %s", keyid, r.Status, r.Body)
	}
}

// signed returns the header pairs that sign a request of method to path with body.
func (e *signEnv) signed(t *testing.T, method, path string, body []byte, priv ed25519.PrivateKey, keyid string, created time.Time) []string {
	t.Helper()
	req, err := http.NewRequest(method, e.base+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if err := httpsig.SignRequest(req, body, httpsig.Key{KeyID: keyid, Private: priv}, created); err != nil {
		t.Fatal(err)
	}
	return []string{"Content-Digest", req.Header.Get("Content-Digest"), "Signature-Input", req.Header.Get("Signature-Input"), "Signature", req.Header.Get("Signature")}
}

// noticeCount is how many notices the org with this key has.
func (e *signEnv) noticeCount(t *testing.T, key string, headers ...string) int {
	t.Helper()
	r := e.do(t, "GET", "/v1/notices", key, nil, headers...).want(t, 200, "list notices")
	var l struct{ Items []json.RawMessage }
	r.decode(t, &l)
	return len(l.Items)
}

func TestSigningKeysAdmin(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newSignEnv, func(ctx context.Context, t *testing.T, e *signEnv) {
		path := "/v1/orgs/" + e.orgA + "/signing-keys"
		e.clk.Advance(time.Second) // listed oldest first
		good := pubB64(newPriv(t))
		tests := []struct {
			name   string
			key    string
			body   map[string]string
			status int
			code   string
			field  string
		}{
			{"keyid taken", e.adminA, map[string]string{"keyid": "komdigi-2026", "alg": "ed25519", "public_key": good}, 409, "conflict", ""},
			{"bad alg", e.adminA, map[string]string{"keyid": "k2", "alg": "rsa", "public_key": good}, 422, "validation", "alg"},
			{"short key", e.adminA, map[string]string{"keyid": "k2", "alg": "ed25519", "public_key": "AAAA"}, 422, "validation", "public_key"},
			{"keyid not ASCII", e.adminA, map[string]string{"keyid": "k\u00e9", "alg": "ed25519", "public_key": good}, 422, "validation", "keyid"},
			{"empty keyid", e.adminA, map[string]string{"keyid": "", "alg": "ed25519", "public_key": good}, 422, "validation", "keyid"},
			{"another org's admin", e.adminB, map[string]string{"keyid": "k2", "alg": "ed25519", "public_key": good}, 404, "not_found", ""},
			{"an authority key", e.authA, map[string]string{"keyid": "k2", "alg": "ed25519", "public_key": good}, 403, "forbidden_role", ""},
			{"the platform's admin", e.admin, map[string]string{"keyid": "k3", "alg": "ed25519", "public_key": good}, 201, "", ""},
		}
		for _, tt := range tests {
			r := e.json(t, "POST", path, tt.key, tt.body)
			if r.Status != tt.status {
				t.Errorf("%s: %d %s, want %d", tt.name, r.Status, r.Body, tt.status)
				continue
			}
			if tt.status >= 400 {
				p := r.problem(t)
				if p.Code != tt.code || (tt.field != "" && !p.hasError(tt.field, "invalid") && !p.hasError(tt.field, "unknown_value")) {
					t.Errorf("%s: problem %s, want code %s on field %q", tt.name, r.Body, tt.code, tt.field)
				}
			}
		}
		// Another org may use the same name.
		e.register(t, e.adminB, e.orgB, "komdigi-2026", newPriv(t))

		var l struct {
			Items []struct {
				OrgID     string  `json:"org_id"`
				KeyID     string  `json:"keyid"`
				PublicKey string  `json:"public_key"`
				RevokedAt *string `json:"revoked_at"`
			}
		}
		e.do(t, "GET", path, e.adminA, nil).decode(t, &l)
		if len(l.Items) != 2 || l.Items[0].KeyID != "komdigi-2026" || l.Items[0].PublicKey != pubB64(e.privA) || l.Items[0].OrgID != e.orgA {
			t.Fatalf("list: %+v", l.Items)
		}
		if r := e.do(t, "GET", path, e.adminB, nil); r.Status != 404 {
			t.Errorf("another org's admin lists A's keys: %d", r.Status)
		}
		if r := e.do(t, "DELETE", path+"/k3", e.adminA, nil); r.Status != 200 {
			t.Fatalf("revoke: %d %s", r.Status, r.Body)
		}
		if r := e.do(t, "DELETE", path+"/k3", e.adminA, nil); r.Status != 404 {
			t.Errorf("revoke twice: %d %s", r.Status, r.Body)
		}
		if r := e.do(t, "DELETE", path+"/komdigi-2026", e.adminB, nil); r.Status != 404 {
			t.Errorf("another org's admin revokes A's key: %d", r.Status)
		}
		e.do(t, "GET", path, e.adminA, nil).decode(t, &l)
		if len(l.Items) != 2 || l.Items[1].RevokedAt == nil || l.Items[0].RevokedAt != nil {
			t.Errorf("after revoking k3: %+v", l.Items)
		}
		// A revoked keyid is never taken again.
		if r := e.json(t, "POST", path, e.adminA, map[string]string{"keyid": "k3", "alg": "ed25519", "public_key": good}); r.Status != 409 {
			t.Errorf("re-register a revoked keyid: %d %s", r.Status, r.Body)
		}

		// Only the platform's admins require signatures.
		if r := e.json(t, "PATCH", "/v1/orgs/"+e.orgA, e.adminA, map[string]bool{"require_signatures": true}); r.Status != 403 {
			t.Errorf("an org's own admin sets require_signatures: %d %s", r.Status, r.Body)
		}
		if r := e.json(t, "PATCH", "/v1/orgs/"+e.orgA, e.admin, map[string]any{}); r.Status != 422 {
			t.Errorf("an empty PATCH: %d %s", r.Status, r.Body)
		}
		if r := e.json(t, "PATCH", "/v1/orgs/org_missing", e.admin, map[string]bool{"require_signatures": true}); r.Status != 404 {
			t.Errorf("PATCH an unknown org: %d %s", r.Status, r.Body)
		}
		var o orgView
		var withFlag struct {
			RequireSignatures *bool `json:"require_signatures"`
		}
		r := e.json(t, "PATCH", "/v1/orgs/"+e.orgA, e.admin, map[string]bool{"require_signatures": true}).want(t, 200, "PATCH")
		r.decode(t, &o)
		r.decode(t, &withFlag)
		if o.ID != e.orgA || withFlag.RequireSignatures == nil || !*withFlag.RequireSignatures {
			t.Errorf("PATCH answered %s", r.Body)
		}
		e.do(t, "GET", "/v1/orgs/"+e.orgB, e.admin, nil).decode(t, &withFlag)
		if withFlag.RequireSignatures == nil || *withFlag.RequireSignatures {
			t.Errorf("org B shows require_signatures %v, want false", withFlag.RequireSignatures)
		}
	})
}

// wantSignatureProblem wants r to be a 401 with code, carrying the challenge.
func wantSignatureProblem(t *testing.T, name string, r reply, code string) {
	t.Helper()
	if r.Status != 401 {
		t.Errorf("%s: %d %s, want 401 %s", name, r.Status, r.Body, code)
		return
	}
	if p := r.problem(t); p.Code != code {
		t.Errorf("%s: code %s (%s), want %s", name, p.Code, p.Detail, code)
	}
	if r.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("%s: a 401 without WWW-Authenticate", name)
	}
}

func TestSignedRequests(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newSignEnv, func(ctx context.Context, t *testing.T, e *signEnv) {
		now := e.clk.Now()
		// A second key, revoked before use.
		revoked := newPriv(t)
		e.register(t, e.adminA, e.orgA, "old-key", revoked)
		if r := e.do(t, "DELETE", "/v1/orgs/"+e.orgA+"/signing-keys/old-key", e.adminA, nil); r.Status != 200 {
			t.Fatalf("revoke old-key: %d %s", r.Status, r.Body)
		}
		if r := e.json(t, "PATCH", "/v1/orgs/"+e.orgA, e.admin, map[string]bool{"require_signatures": true}); r.Status != 200 {
			t.Fatalf("PATCH: %d %s", r.Status, r.Body)
		}
		body := mustJSON(t, notice("order", "terrorism", []string{"https://t.me/s/SomeChannel/123"}, "reference", "SP-2026-0001"))
		sign := func(b []byte, priv ed25519.PrivateKey, keyid string, at time.Time) []string {
			return e.signed(t, "POST", "/v1/notices", b, priv, keyid, at)
		}
		listA := func() int {
			return e.noticeCount(t, e.authA, e.signed(t, "GET", "/v1/notices", nil, e.privA, "komdigi-2026", e.clk.Now())...)
		}

		// Unsigned: refused, nothing stored; reads too.
		wantSignatureProblem(t, "unsigned order", e.do(t, "POST", "/v1/notices", e.authA, body), "signature_required")
		wantSignatureProblem(t, "unsigned read", e.do(t, "GET", "/v1/notices", e.authA, nil), "signature_required")
		if n := listA(); n != 0 {
			t.Fatalf("after the refused order the org has %d notices", n)
		}

		good := sign(body, e.privA, "komdigi-2026", now)
		altered := bytes.Replace(body, []byte("SomeChannel"), []byte("OtherChannel"), 1)
		redigested := sign(body, e.privA, "komdigi-2026", now)
		redigested[1] = httpsig.ContentDigest(altered)
		tests := []struct {
			name    string
			body    []byte
			headers []string
			code    string
		}{
			{"replayed with an altered body", altered, good, "signature_invalid"},
			{"digest changed to the altered body", altered, redigested, "signature_invalid"},
			{"created 301 s ago", body, sign(body, e.privA, "komdigi-2026", now.Add(-301*time.Second)), "signature_expired"},
			{"created in the future", body, sign(body, e.privA, "komdigi-2026", now.Add(time.Minute)), "signature_expired"},
			{"wrong keyid", body, sign(body, e.privA, "komdigi-2027", now), "signature_invalid"},
			{"another key under the keyid", body, sign(body, newPriv(t), "komdigi-2026", now), "signature_invalid"},
			{"key of another org", body, sign(body, e.privB, "other-2026", now), "signature_invalid"},
			{"revoked key", body, sign(body, revoked, "old-key", now), "signature_invalid"},
			{"signature without digest", body, good[2:], "signature_invalid"},
		}
		for _, tt := range tests {
			wantSignatureProblem(t, tt.name, e.do(t, "POST", "/v1/notices", e.authA, tt.body, tt.headers...), tt.code)
		}
		if n := listA(); n != 0 {
			t.Fatalf("after the refused orders the org has %d notices", n)
		}
		// An org that does not require signatures still has a bad one refused.
		bBody := mustJSON(t, notice("order", "terrorism", []string{"https://t.me/s/BChannel/1"}))
		wantSignatureProblem(t, "B, bad signature", e.do(t, "POST", "/v1/notices", e.authB, bBody, e.signed(t, "POST", "/v1/notices", bBody, e.privA, "other-2026", now)...), "signature_invalid")
		if n := e.noticeCount(t, e.authB); n != 0 {
			t.Fatalf("org B has %d notices after its badly signed order", n)
		}

		// Signed: stored, and the signature is in the answer, the receipt, GET and the log.
		e.clk.Advance(299 * time.Second) // still within 300 s of created
		n, r := e.submit(t, e.authA, body, good...)
		var ans struct {
			RequestSignature *httpsig.Result `json:"request_signature"`
		}
		r.decode(t, &ans)
		if ans.RequestSignature == nil || ans.RequestSignature.KeyID != "komdigi-2026" || ans.RequestSignature.Signature != good[5] ||
			ans.RequestSignature.SignatureInput != good[3] || ans.RequestSignature.ContentDigest != good[1] ||
			ans.RequestSignature.TargetURI != e.base+"/v1/notices" || ans.RequestSignature.Method != "POST" {
			t.Fatalf("the answer's request_signature: %s", r.Body)
		}
		payload, err := base64.StdEncoding.DecodeString(n.Receipt.Payload)
		if err != nil {
			t.Fatal(err)
		}
		var p struct {
			RequestSignature *httpsig.Result `json:"request_signature"`
		}
		if err := json.Unmarshal(payload, &p); err != nil || p.RequestSignature == nil || !reflect.DeepEqual(p.RequestSignature, ans.RequestSignature) {
			t.Fatalf("the receipt payload's request_signature: %s (%v)", payload, err)
		}
		g := e.do(t, "GET", "/v1/notices/"+n.ID, e.authA, nil, e.signed(t, "GET", "/v1/notices/"+n.ID, nil, e.privA, "komdigi-2026", e.clk.Now())...)
		var gv struct {
			RequestSignature *httpsig.Result `json:"request_signature"`
			Timeline         []struct {
				Type string          `json:"type"`
				Data json.RawMessage `json:"data"`
			} `json:"timeline"`
		}
		g.decode(t, &gv)
		if !reflect.DeepEqual(gv.RequestSignature, ans.RequestSignature) {
			t.Errorf("GET's request_signature: %s", g.Body)
		}
		sum := sha256.Sum256(payload)
		logged := false
		for _, ev := range gv.Timeline {
			var d struct {
				ReceiptSHA256 string `json:"receipt_sha256"`
			}
			if ev.Type == "notice.received" && json.Unmarshal(ev.Data, &d) == nil && d.ReceiptSHA256 == hex.EncodeToString(sum[:]) {
				logged = true
			}
		}
		if !logged {
			t.Errorf("no notice.received event commits to the receipt payload that holds the signature: %s", g.Body)
		}
		if n := listA(); n != 1 {
			t.Errorf("after the signed order the org has %d notices, want 1", n)
		}

		// Messages from an org that requires signatures are signed too.
		msg := mustJSON(t, map[string]string{"body": "Mohon segera ditindaklanjuti."})
		mpath := "/v1/notices/" + n.ID + "/messages"
		wantSignatureProblem(t, "unsigned message", e.do(t, "POST", mpath, e.authA, msg), "signature_required")
		if r := e.do(t, "POST", mpath, e.authA, msg, e.signed(t, "POST", mpath, msg, e.privA, "komdigi-2026", e.clk.Now())...); r.Status != 201 {
			t.Errorf("signed message: %d %s", r.Status, r.Body)
		}
		// Its message.posted event, which the log commits to, names the key.
		g = e.do(t, "GET", "/v1/notices/"+n.ID, e.authA, nil, e.signed(t, "GET", "/v1/notices/"+n.ID, nil, e.privA, "komdigi-2026", e.clk.Now())...)
		g.decode(t, &gv)
		posted := 0
		for _, ev := range gv.Timeline {
			var d struct {
				RequestSignature *httpsig.Result `json:"request_signature"`
			}
			if ev.Type == "message.posted" && json.Unmarshal(ev.Data, &d) == nil {
				posted++
				if d.RequestSignature == nil || d.RequestSignature.KeyID != "komdigi-2026" || d.RequestSignature.TargetURI != e.base+mpath {
					t.Errorf("the message.posted event's request_signature: %s", ev.Data)
				}
			}
		}
		if posted != 1 {
			t.Errorf("%d message.posted events, want 1: %s", posted, g.Body)
		}

		// sigap receipt verify --signing-keys accepts the receipt, and refuses it with another key.
		dir := t.TempDir()
		write := func(name string, b []byte) string {
			f := filepath.Join(dir, name)
			if err := os.WriteFile(f, b, 0o600); err != nil {
				t.Fatal(err)
			}
			return f
		}
		receiptFile := write("notice.json", r.Body)
		keysFile := write("keys.json", e.do(t, "GET", "/v1/keys", "", nil).Body)
		goodKeys := write("good.json", mustJSON(t, []map[string]string{{"org_id": e.orgA, "keyid": "komdigi-2026", "public_key": pubB64(e.privA)}}))
		otherKeys := write("other.json", mustJSON(t, []map[string]string{{"org_id": e.orgB, "keyid": "komdigi-2026", "public_key": pubB64(e.privA)}}))
		verify := func(signingKeys string) (string, int) {
			var out, errb bytes.Buffer
			cenv := &cli.Env{Stdout: &out, Stderr: &errb, Stdin: strings.NewReader(""), Getenv: func(string) string { return "" }, Now: time.Now}
			code := cli.Main(t.Context(), cenv, []string{"receipt", "verify", "--keys", keysFile, "--signing-keys", signingKeys, receiptFile})
			return out.String() + errb.String(), code
		}
		if out, code := verify(goodKeys); code != 0 || !strings.Contains(out, "signed by key komdigi-2026 of org "+e.orgA) {
			t.Errorf("receipt verify --signing-keys: exit %d:\n%s", code, out)
		}
		if out, code := verify(otherKeys); code == 0 {
			t.Errorf("receipt verify with the key listed under another org passed:\n%s", out)
		}

		// Switching the requirement off takes unsigned requests again, at once.
		if r := e.json(t, "PATCH", "/v1/orgs/"+e.orgA, e.admin, map[string]bool{"require_signatures": false}); r.Status != 200 {
			t.Fatalf("PATCH false: %d %s", r.Status, r.Body)
		}
		if c := e.noticeCount(t, e.authA); c != 1 {
			t.Errorf("unsigned list after the requirement is off: %d notices", c)
		}
	})
}

func TestSignedReplayIsTheSameNotice(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newSignEnv, func(ctx context.Context, t *testing.T, e *signEnv) {
		body := mustJSON(t, notice("order", "terrorism", []string{"https://t.me/s/Replay/1"}))
		req, _ := http.NewRequest("POST", e.base+"/v1/notices", bytes.NewReader(body))
		req.Header.Set("Idempotency-Key", "SP-1")
		k := httpsig.Key{KeyID: "komdigi-2026", Private: e.privA, Components: append(append([]string{}, httpsig.DefaultComponents...), "idempotency-key")}
		if err := httpsig.SignRequest(req, body, k, e.clk.Now()); err != nil {
			t.Fatal(err)
		}
		h := []string{"Idempotency-Key", "SP-1", "Content-Digest", req.Header.Get("Content-Digest"), "Signature-Input", req.Header.Get("Signature-Input"), "Signature", req.Header.Get("Signature")}
		first, _ := e.submit(t, e.authA, body, h...)
		again, r := e.submit(t, e.authA, body, h...)
		var ans struct {
			RequestSignature *httpsig.Result `json:"request_signature"`
		}
		r.decode(t, &ans)
		if again.ID != first.ID || r.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("the replay filed %s, first %s", again.ID, first.ID)
		}
		if ans.RequestSignature == nil || ans.RequestSignature.Fields["idempotency-key"] != "SP-1" {
			t.Errorf("the replay's request_signature: %s", r.Body)
		}
		// Another Idempotency-Key under the same signature does not verify.
		h[1] = "SP-2"
		wantSignatureProblem(t, "replay with another key", e.do(t, "POST", "/v1/notices", e.authA, body, h...), "signature_invalid")
		if c := e.noticeCount(t, e.authA); c != 1 {
			t.Errorf("%d notices after a replay, want 1", c)
		}
	})
}

// TestSignedBehindProxy: behind a proxy that terminates TLS, clients sign the
// public https:// address, which --public-origin tells the server.
func TestSignedBehindProxy(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, eng storetest.Engine) {
		const origin = "https://sigap.example.go.id"
		e := newSignEnvAt(t, eng, origin)
		body := mustJSON(t, notice("order", "terrorism", []string{"https://t.me/s/Proxied/1"}))
		signAs := func(target string) []string {
			m := httpsig.Message{Method: "POST", TargetURI: target, Header: http.Header{}}
			if err := httpsig.Sign(m, body, httpsig.Key{KeyID: "komdigi-2026", Private: e.privA}, e.clk.Now()); err != nil {
				t.Fatal(err)
			}
			return []string{"Content-Digest", m.Header.Get("Content-Digest"), "Signature-Input", m.Header.Get("Signature-Input"), "Signature", m.Header.Get("Signature")}
		}
		wantSignatureProblem(t, "signed for the inside address", e.do(t, "POST", "/v1/notices", e.authA, body, signAs(e.base+"/v1/notices")...), "signature_invalid")
		_, r := e.submit(t, e.authA, body, signAs(origin+"/v1/notices")...)
		var ans struct {
			RequestSignature *httpsig.Result `json:"request_signature"`
		}
		r.decode(t, &ans)
		if ans.RequestSignature == nil || ans.RequestSignature.TargetURI != origin+"/v1/notices" {
			t.Errorf("request_signature: %s", r.Body)
		}
	})
}
