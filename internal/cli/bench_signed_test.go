package cli

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// TestSignedNoticeAgainstTheServer files a notice with sigap's own signing
// client against a real server whose authority requires signatures, and
// checks the receipt offline: the client's and the server's idea of the
// signature base must agree.
func TestSignedNoticeAgainstTheServer(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s, ts := startServer(t, config.Config{})
	o, _ := s.API.Admin.CreateOrg(ctx, "Komdigi", org.KindAuthority, "")
	k, _ := s.API.Admin.CreateKey(ctx, o.ID, org.RoleAuthority)
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		if err := tx.AddSigningKey(ctx, store.SigningKey{OrgID: o.ID, KeyID: "komdigi-2026", Algorithm: "ed25519",
			PublicKey: base64.StdEncoding.EncodeToString(pub), CreatedAt: time.Now()}); err != nil {
			return err
		}
		return tx.SetRequireSignatures(ctx, o.ID, true)
	})
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	keyFile := filepath.Join(dir, "komdigi.key")
	os.WriteFile(keyFile, []byte(base64.StdEncoding.EncodeToString(priv.Seed())), 0o600)
	out := filepath.Join(dir, "receipt.json")
	submit := []string{"notice", "submit", "--server", ts.URL, "--key", k.Secret, "--kind", "order", "--category", "terrorism",
		"--explanation", "Propaganda ISIS", "--legal-basis", "UU ITE Pasal 40", "--out", out}

	_, stderr, code := run(t, append(submit, "https://t.me/s/SomeChannel/1")...)
	if code == 0 || !strings.Contains(stderr, "401 Signature required") {
		t.Fatalf("unsigned submit: exit %d, stderr %s; want 401 Signature required", code, stderr)
	}
	_, stderr, code = run(t, append(submit, "--sign-key", keyFile, "--sign-keyid", "komdigi-2026", "--idempotency-key", "SP-1", "https://t.me/s/SomeChannel/1")...)
	if code != 0 {
		t.Fatalf("signed submit: exit %d: %s", code, stderr)
	}
	signingKeys := filepath.Join(dir, "authority-keys.json")
	os.WriteFile(signingKeys, []byte(`[{"org_id": "`+o.ID+`", "keyid": "komdigi-2026", "public_key": "`+base64.StdEncoding.EncodeToString(pub)+`"}]`), 0o600)
	args := []string{"receipt", "verify", "--server", ts.URL, "--signing-keys", signingKeys, out}
	stdout, stderr, code := run(t, args...)
	if code != 0 || !strings.Contains(stdout, "signed by key komdigi-2026 of org "+o.ID) {
		t.Fatalf("receipt verify: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestBenchSigned runs the signed intake bench briefly: every prepared
// request, signed or not, must be taken (0 failed), or the bench would
// measure refusals.
func TestBenchSigned(t *testing.T) {
	t.Parallel()
	benchReports(t, []string{"--signed"}, "round 1, unsigned", "round 1, signed", "CPU per notice", "signed/unsigned CPU per notice")
}

// benchReports runs one short round of `sigap bench intake` with flags:
// both of its runs must take every prepared request (0 failed), or the bench
// would measure refusals, and the report must hold each of wants.
func benchReports(t *testing.T, flags []string, wants ...string) {
	t.Helper()
	args := append(append([]string{"bench"}, flags...), "--rounds", "1", "--duration", "1s", "--clients", "4", "--pool", "200", "intake")
	stdout, stderr, code := run(t, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d\n%s%s", args, code, stdout, stderr)
	}
	runs := regexp.MustCompile(`notices stored \(201\), (\d+) failed`).FindAllStringSubmatch(stdout, -1)
	if len(runs) != 2 {
		t.Fatalf("want two runs:\n%s", stdout)
	}
	for _, r := range runs {
		if r[1] != "0" {
			t.Errorf("a run had %s failures:\n%s", r[1], stdout)
		}
	}
	for _, want := range wants {
		if !strings.Contains(stdout, want) {
			t.Errorf("the report lacks %q:\n%s", want, stdout)
		}
	}
}
