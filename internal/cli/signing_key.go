package cli

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/sigap/sigap/internal/httpsig"
)

func runSigningKey(ctx context.Context, env *Env, args []string) error {
	subs := map[string]subcommand{"gen": signingKeyGen, "public": signingKeyPublic}
	return runSubcommand(ctx, env, args, subs, `usage: sigap signing-key gen|public [flags]

  gen     make an Ed25519 key for signing requests (RFC 9421):
            sigap signing-key gen --out komdigi.key [--keyid komdigi-2026]
          writes the private key (PEM, PKCS #8, mode 0600) and prints the body to register it with:
            POST /v1/orgs/{org_id}/signing-keys
  public  print that body again for an existing key:   sigap signing-key public [--keyid ID] komdigi.key

Sign with: sigap notice submit --sign-key komdigi.key --sign-keyid komdigi-2026 ...`)
}

// signingKeyBody is the body of POST /v1/orgs/{org_id}/signing-keys.
type signingKeyBody struct {
	KeyID     string `json:"keyid"`
	Algorithm string `json:"alg"`
	PublicKey string `json:"public_key"`
}

func signingKeyGen(_ context.Context, env *Env, args []string) error {
	fs := newFlags("signing-key gen", env)
	out := fs.String("out", "", "write the private key to this file (required; it must not exist)")
	keyid := fs.String("keyid", "", "the key's name within your organisation (default: derived from the public key)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		return errors.New("usage: sigap signing-key gen --out FILE [--keyid ID]")
	}
	if *keyid != "" {
		if err := httpsig.CheckKeyID(*keyid); err != nil {
			return err
		}
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return fmt.Errorf("generate key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return fmt.Errorf("encode key: %w", err)
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("write key: %w", err)
	}
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		f.Close()
		return fmt.Errorf("write key: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write key: %w", err)
	}
	id := *keyid
	if id == "" {
		id = defaultKeyID(pub)
	}
	fmt.Fprintf(env.Stderr, "private key written to %s: keep it secret.\nRegister the public key (an admin sends this body to POST /v1/orgs/{org_id}/signing-keys), then sign with\n  sigap notice submit --sign-key %s --sign-keyid %s ...\n", *out, *out, id)
	return printKeyBody(env, id, pub)
}

func signingKeyPublic(_ context.Context, env *Env, args []string) error {
	fs := newFlags("signing-key public", env)
	keyid := fs.String("keyid", "", "the key's name (default: derived from the public key)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: sigap signing-key public [--keyid ID] FILE")
	}
	priv, err := loadSigningKey(fs.Arg(0))
	if err != nil {
		return err
	}
	pub := priv.Public().(ed25519.PublicKey)
	id := *keyid
	if id == "" {
		id = defaultKeyID(pub)
	}
	if err := httpsig.CheckKeyID(id); err != nil {
		return err
	}
	return printKeyBody(env, id, pub)
}

func printKeyBody(env *Env, keyid string, pub ed25519.PublicKey) error {
	b, _ := json.Marshal(signingKeyBody{KeyID: keyid, Algorithm: httpsig.Algorithm, PublicKey: base64.StdEncoding.EncodeToString(pub)})
	_, err := fmt.Fprintf(env.Stdout, "%s\n", b)
	return err
}

// defaultKeyID names a key by its public key, as receipts name sigap's own.
func defaultKeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return "ed25519-" + hex.EncodeToString(sum[:8])
}

// loadSigningKey reads an Ed25519 private key: PEM of PKCS #8 (what
// `sigap signing-key gen` and `openssl genpkey -algorithm ed25519` write), or
// base64 of the 32-byte seed or of the 64-byte private key.
func loadSigningKey(path string) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read signing key: %w", err)
	}
	if block, _ := pem.Decode(data); block != nil {
		if block.Type != "PRIVATE KEY" {
			return nil, fmt.Errorf("signing key %s: a PEM %q block, not a PKCS #8 \"PRIVATE KEY\"", path, block.Type)
		}
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("signing key %s: %w", path, err)
		}
		priv, ok := k.(ed25519.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("signing key %s: a %T, not an Ed25519 key", path, k)
		}
		return priv, nil
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data)))
	switch {
	case err != nil:
		return nil, fmt.Errorf("signing key %s: neither PEM (PKCS #8) nor base64", path)
	case len(raw) == ed25519.SeedSize:
		return ed25519.NewKeyFromSeed(raw), nil
	case len(raw) == ed25519.PrivateKeySize:
		return ed25519.PrivateKey(raw), nil
	}
	return nil, fmt.Errorf("signing key %s: %d bytes of base64, not a 32-byte seed or a 64-byte key", path, len(raw))
}
