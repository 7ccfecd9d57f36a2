package account_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"testing"

	"github.com/go-webauthn/webauthn/protocol/webauthncbor"

	"github.com/sigap/sigap/internal/account"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

var testRP = account.RelyingParty{ID: "localhost", Origin: "http://localhost:8080"}

// softKey is a software authenticator: one ES256 credential whose counter
// the test sets, so it can replay one.
type softKey struct {
	t       *testing.T
	rp      account.RelyingParty
	id      []byte
	key     *ecdsa.PrivateKey
	counter uint32
}

func newSoftKey(t *testing.T, rp account.RelyingParty) *softKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	return &softKey{t: t, rp: rp, id: id, key: k}
}

var b64 = base64.RawURLEncoding

func challengeOf(t *testing.T, opts json.RawMessage) string {
	t.Helper()
	var o struct {
		PublicKey struct {
			Challenge string `json:"challenge"`
		} `json:"publicKey"`
	}
	if err := json.Unmarshal(opts, &o); err != nil || o.PublicKey.Challenge == "" {
		t.Fatalf("options without a challenge: %s (%v)", opts, err)
	}
	return o.PublicKey.Challenge
}

func (k *softKey) clientData(typ, challenge string) []byte {
	b, _ := json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": k.rp.Origin, "crossOrigin": false})
	return b
}

func (k *softKey) authData(flags byte, extra []byte) []byte {
	h := sha256.Sum256([]byte(k.rp.ID))
	out := append(h[:], flags)
	out = binary.BigEndian.AppendUint32(out, k.counter)
	return append(out, extra...)
}

// create answers navigator.credentials.create with a "none" attestation.
func (k *softKey) create(opts json.RawMessage) []byte {
	k.t.Helper()
	x, y := k.key.PublicKey.X.FillBytes(make([]byte, 32)), k.key.PublicKey.Y.FillBytes(make([]byte, 32))
	cose, err := webauthncbor.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: x, -3: y})
	if err != nil {
		k.t.Fatal(err)
	}
	att := make([]byte, 16) // AAGUID: none
	att = binary.BigEndian.AppendUint16(att, uint16(len(k.id)))
	att = append(append(att, k.id...), cose...)
	obj, err := webauthncbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": k.authData(0x45, att)})
	if err != nil {
		k.t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"id": b64.EncodeToString(k.id), "rawId": b64.EncodeToString(k.id), "type": "public-key",
		"response": map[string]any{"clientDataJSON": b64.EncodeToString(k.clientData("webauthn.create", challengeOf(k.t, opts))),
			"attestationObject": b64.EncodeToString(obj)}})
	return body
}

// get answers navigator.credentials.get, signing with the counter as set.
func (k *softKey) get(opts json.RawMessage) []byte {
	k.t.Helper()
	cd := k.clientData("webauthn.get", challengeOf(k.t, opts))
	ad := k.authData(0x05, nil)
	sum := sha256.Sum256(append(append([]byte{}, ad...), func() []byte { h := sha256.Sum256(cd); return h[:] }()...))
	sig, err := ecdsa.SignASN1(rand.Reader, k.key, sum[:])
	if err != nil {
		k.t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"id": b64.EncodeToString(k.id), "rawId": b64.EncodeToString(k.id), "type": "public-key",
		"response": map[string]any{"clientDataJSON": b64.EncodeToString(cd), "authenticatorData": b64.EncodeToString(ad),
			"signature": b64.EncodeToString(sig)}})
	return body
}

// register adds k as a passkey of u through the service, as the portal does.
func register(t *testing.T, f *fixture, u org.User, token string, k *softKey) {
	t.Helper()
	ctx := t.Context()
	opts, err := f.acc.BeginPasskeyRegistration(ctx, testRP, u.ID, token)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.acc.FinishPasskeyRegistration(ctx, testRP, u.ID, token, "Laptop", k.create(opts)); err != nil {
		t.Fatal(err)
	}
}

func auditActions(t *testing.T, f *fixture) map[string]int {
	t.Helper()
	items, err := f.db.AuditItems(t.Context(), store.AuditQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, it := range items {
		n[it.Action]++
	}
	return n
}

func TestPasskeyLogin(t *testing.T) {
	t.Parallel()
	eachFixture(t, func(ctx context.Context, t *testing.T, f *fixture) {
		ana, _ := f.user(t, "ana@example.go.id", org.RoleAuthority, false)
		budi, _ := f.user(t, "budi@example.go.id", org.RoleAuthority, false)
		ka, kb := newSoftKey(t, testRP), newSoftKey(t, testRP)
		register(t, f, ana, "tok-ana", ka)
		register(t, f, budi, "tok-budi", kb)
		if n := auditActions(t, f)[account.AuditPasskeyAdded]; n != 2 {
			t.Fatalf("%d %s entries, want 2", n, account.AuditPasskeyAdded)
		}

		ka.counter = 1
		opts, err := f.acc.BeginPasskeyLogin(ctx, testRP, ana.ID, "tok-ana")
		if err != nil {
			t.Fatal(err)
		}
		good := ka.get(opts)
		if err := f.acc.FinishPasskeyLogin(ctx, testRP, ana.ID, "tok-ana", good, "10.0.0.1"); err != nil {
			t.Fatalf("valid assertion refused: %v", err)
		}
		keys, _ := f.acc.Passkeys(ctx, ana.ID)
		if len(keys) != 1 || keys[0].SignCount != 1 || !keys[0].LastUsedAt.Equal(f.clk.Now()) {
			t.Fatalf("after sign-in: %+v", keys)
		}

		before := auditActions(t, f)
		// The exact same answer again: its challenge is spent.
		if err := f.acc.FinishPasskeyLogin(ctx, testRP, ana.ID, "tok-ana", good, "10.0.0.1"); !errors.Is(err, account.ErrBadPasskey) {
			t.Errorf("replayed answer: %v, want %v", err, account.ErrBadPasskey)
		}
		evil := *ka
		evil.rp = account.RelyingParty{ID: "localhost", Origin: "http://evil.localhost:8080"}
		// A session signing a user in: the ceremony is begun and finished as one.
		type session struct {
			user  org.User
			token string
			ip    string
		}
		asAna, asBudi := session{ana, "tok-ana", "10.0.0.1"}, session{budi, "tok-budi", "10.0.0.2"}
		for _, tc := range []struct {
			name          string
			begin, finish session // who begins the ceremony, and who sends the answer
			key           *softKey
			counter       uint32 // the authenticator's counter in the answer
			want          error
		}{
			// A fresh challenge answered with the counter already seen.
			{"same counter", asAna, asAna, ka, 1, account.ErrPasskeyReplayed},
			// A counter below the stored one: a cloned authenticator.
			{"lower counter", asAna, asAna, ka, 0, account.ErrPasskeyReplayed},
			// Budi's ceremony answered by Ana's passkey.
			{"another user's passkey", asBudi, asBudi, ka, 5, account.ErrBadPasskey},
			// Ana's ceremony finished from Budi's session.
			{"ceremony of another session", asAna, asBudi, ka, 6, account.ErrBadPasskey},
			{"another origin", asAna, asAna, &evil, 7, account.ErrBadPasskey},
		} {
			opts, err := f.acc.BeginPasskeyLogin(ctx, testRP, tc.begin.user.ID, tc.begin.token)
			if err != nil {
				t.Fatal(err)
			}
			tc.key.counter = tc.counter
			err = f.acc.FinishPasskeyLogin(ctx, testRP, tc.finish.user.ID, tc.finish.token, tc.key.get(opts), tc.finish.ip)
			if !errors.Is(err, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
			}
		}
		// Nothing changed: the counters and last uses are as they were.
		if keys, _ := f.acc.Passkeys(ctx, ana.ID); keys[0].SignCount != 1 {
			t.Errorf("Ana's counter moved to %d on refused assertions", keys[0].SignCount)
		}
		if keys, _ := f.acc.Passkeys(ctx, budi.ID); keys[0].SignCount != 0 || !keys[0].LastUsedAt.IsZero() {
			t.Errorf("Budi's passkey changed: %+v", keys[0])
		}
		after := auditActions(t, f)
		if n := after[account.AuditPasskeyCounterRefused] - before[account.AuditPasskeyCounterRefused]; n != 2 {
			t.Errorf("counter refusals audited %d times, want 2 (same and lower)", n)
		}
		// And a good one still works afterwards.
		ka.counter = 10
		opts, _ = f.acc.BeginPasskeyLogin(ctx, testRP, ana.ID, "tok-ana")
		if err := f.acc.FinishPasskeyLogin(ctx, testRP, ana.ID, "tok-ana", ka.get(opts), "10.0.0.1"); err != nil {
			t.Fatalf("valid assertion after refusals: %v", err)
		}
		// An admin's second-factor reset (a lost device) takes the passkeys too.
		if _, err := f.acc.ResetTOTP(ctx, "", ana.ID); err != nil {
			t.Fatal(err)
		}
		if keys, err := f.acc.Passkeys(ctx, ana.ID); err != nil || len(keys) != 0 {
			t.Errorf("after a second-factor reset: %d passkeys, %v", len(keys), err)
		}
		if keys, _ := f.acc.Passkeys(ctx, budi.ID); len(keys) != 1 {
			t.Errorf("another user's reset took Budi's passkey")
		}
	})
}

func TestSecondFactorPolicy(t *testing.T) {
	t.Parallel()
	eachFixture(t, func(ctx context.Context, t *testing.T, f *fixture) {
		admin, _ := f.user(t, "admin@example.go.id", org.RoleAdmin, true)
		auth, _ := f.user(t, "ana@example.go.id", org.RoleAuthority, true)
		auditor, _ := f.user(t, "audit@example.go.id", org.RoleAuditor, false)
		withKey, _ := f.user(t, "budi@example.go.id", org.RoleAuditor, false)
		register(t, f, withKey, "tok", newSoftKey(t, testRP))
		admin, _ = f.db.User(ctx, admin.ID)
		auth, _ = f.db.User(ctx, auth.ID)

		if err := f.acc.SetSecondFactorPolicy(ctx, f.org.ID, "sometimes"); err == nil {
			t.Error("unknown policy accepted")
		}
		if err := f.acc.SetSecondFactorPolicy(ctx, "org_nope", account.PolicyPasskeyForAdmins); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown org: %v", err)
		}
		for _, tc := range []struct {
			policy string
			want   map[string]string
		}{
			{account.PolicyTOTPOrPasskey, map[string]string{admin.ID: account.StageTOTP, auth.ID: account.StageTOTP,
				auditor.ID: account.StageFull, withKey.ID: account.StageTOTP}},
			// Whoever has TOTP and no passkey shows the code before enrolling one.
			{account.PolicyPasskeyForAdmins, map[string]string{admin.ID: account.StageTOTP, auth.ID: account.StageTOTP,
				auditor.ID: account.StageFull, withKey.ID: account.StageTOTP}},
			{account.PolicyPasskeyForEveryone, map[string]string{admin.ID: account.StageTOTP, auth.ID: account.StageTOTP,
				auditor.ID: account.StagePasskeyEnrol, withKey.ID: account.StagePasskey}},
		} {
			if err := f.acc.SetSecondFactorPolicy(ctx, f.org.ID, tc.policy); err != nil {
				t.Fatal(err)
			}
			if got, _ := f.acc.SecondFactorPolicy(ctx, f.org.ID); got != tc.policy {
				t.Fatalf("policy = %q, want %q", got, tc.policy)
			}
			for _, u := range []org.User{admin, auth, auditor, withKey} {
				if got, err := f.acc.SecondFactorStage(ctx, u); err != nil || got != tc.want[u.ID] {
					t.Errorf("%s, %s: stage %q, %v; want %q", tc.policy, u.Email, got, err, tc.want[u.ID])
				}
			}
			// After the code: enrolment where the policy wants a passkey.
			wantAfter := map[string]string{account.PolicyTOTPOrPasskey: account.StageFull,
				account.PolicyPasskeyForAdmins: account.StagePasskeyEnrol, account.PolicyPasskeyForEveryone: account.StagePasskeyEnrol}
			if got, err := f.acc.StageAfterTOTP(ctx, admin); err != nil || got != wantAfter[tc.policy] {
				t.Errorf("%s: admin after TOTP %q, %v; want %q", tc.policy, got, err, wantAfter[tc.policy])
			}
			if got, _ := f.acc.StageAfterTOTP(ctx, auth); tc.policy != account.PolicyPasskeyForEveryone && got != account.StageFull {
				t.Errorf("%s: authority after TOTP %q", tc.policy, got)
			}
		}
		// Setting the policy in force again writes no entry; each change wrote one.
		if err := f.acc.SetSecondFactorPolicy(ctx, f.org.ID, account.PolicyPasskeyForEveryone); err != nil {
			t.Fatal(err)
		}
		if n := auditActions(t, f)[account.AuditAuthPolicyChanged]; n != 2 {
			t.Errorf("%d policy entries, want 2 (the default needs no change)", n)
		}
		// Under passkey_for_everyone the last passkey cannot go.
		keys, _ := f.acc.Passkeys(ctx, withKey.ID)
		if err := f.acc.RemovePasskey(ctx, withKey.ID, keys[0].ID); !errors.Is(err, account.ErrLastPasskey) {
			t.Errorf("removing the last required passkey: %v", err)
		}
		if err := f.acc.RemovePasskey(ctx, auditor.ID, keys[0].ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("removing another's passkey: %v", err)
		}
		if err := f.acc.SetSecondFactorPolicy(ctx, f.org.ID, account.PolicyTOTPOrPasskey); err != nil {
			t.Fatal(err)
		}
		if err := f.acc.RemovePasskey(ctx, withKey.ID, keys[0].ID); err != nil {
			t.Errorf("remove: %v", err)
		}
	})
}

func TestRelyingPartyFor(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		public, host string
		tls          bool
		want         account.RelyingParty
		err          bool
	}{
		{"https://sigap.example.go.id", "anything:1", false, account.RelyingParty{ID: "sigap.example.go.id", Origin: "https://sigap.example.go.id"}, false},
		{"https://Sigap.Example.go.id:8443/portal", "", false, account.RelyingParty{ID: "sigap.example.go.id", Origin: "https://sigap.example.go.id:8443"}, false},
		{"", "localhost:8080", false, account.RelyingParty{ID: "localhost", Origin: "http://localhost:8080"}, false},
		{"", "portal.localhost", true, account.RelyingParty{ID: "portal.localhost", Origin: "https://portal.localhost"}, false},
		{"", "127.0.0.1:8080", false, account.RelyingParty{}, true},
		{"", "sigap.example.go.id", true, account.RelyingParty{}, true},
		{"ftp://x", "localhost", false, account.RelyingParty{}, true},
	} {
		got, err := account.RelyingPartyFor(tc.public, tc.host, tc.tls)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("RelyingPartyFor(%q, %q) = %+v, %v", tc.public, tc.host, got, err)
		}
	}
}
