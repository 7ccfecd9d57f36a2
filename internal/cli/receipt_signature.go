package cli

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/sigap/sigap/internal/httpsig"
)

// signingKeyEntry is one authority key of a --signing-keys file.
type signingKeyEntry struct {
	OrgID     string `json:"org_id"`
	KeyID     string `json:"keyid"`
	Algorithm string `json:"alg"`
	PublicKey string `json:"public_key"`
}

// parseSigningKeys reads a --signing-keys file: a JSON list of keys, or an
// object holding one under "items" or "keys" (a saved list answer).
func parseSigningKeys(b []byte) ([]signingKeyEntry, error) {
	const want = `the signing keys file is not a JSON list of {"org_id", "keyid", "public_key"}`
	var list []signingKeyEntry
	if err := json.Unmarshal(b, &list); err != nil {
		var wrapped struct {
			Items []signingKeyEntry `json:"items"`
			Keys  []signingKeyEntry `json:"keys"`
		}
		if json.Unmarshal(b, &wrapped) != nil {
			return nil, errors.New(want)
		}
		list = append(wrapped.Items, wrapped.Keys...)
	}
	if len(list) == 0 {
		return nil, errors.New(want + ": it lists no key")
	}
	for _, k := range list {
		if k.KeyID == "" || k.PublicKey == "" {
			return nil, errors.New(want + `: an entry lacks "keyid" or "public_key"`)
		}
		if k.Algorithm != "" && k.Algorithm != httpsig.Algorithm {
			return nil, fmt.Errorf("signing key %s: algorithm %q is not %q", k.KeyID, k.Algorithm, httpsig.Algorithm)
		}
	}
	return list, nil
}

// checkRequestSignature reports the request signature a verified receipt
// payload records and, with a keys file, checks it: the signature over the
// recorded method, target URI and Content-Digest, by a key of the org the
// receipt names, and the digest against the body_sha256 the receipt signs.
func checkRequestSignature(env *Env, payload map[string]any, keysFile string) error {
	raw, signed := payload["request_signature"]
	if !signed {
		if keysFile != "" {
			fmt.Fprintln(env.Stdout, "INVALID: the receipt records no request signature: the notice was filed unsigned")
			return errors.New("--signing-keys given, but the notice was not filed with a signed request")
		}
		return nil
	}
	var rec httpsig.Result
	b, _ := json.Marshal(raw)
	if err := json.Unmarshal(b, &rec); err != nil || rec.KeyID == "" {
		return errors.New("the receipt's request_signature is not {keyid, signature_input, signature, content_digest, ...}")
	}
	if keysFile == "" {
		fmt.Fprintf(env.Stdout, "  %-12s key %s (check it with --signing-keys FILE)\n", "signed by", rec.KeyID)
		return nil
	}
	data, err := os.ReadFile(keysFile)
	if err != nil {
		return fmt.Errorf("read signing keys: %w", err)
	}
	keys, err := parseSigningKeys(data)
	if err != nil {
		return err
	}
	orgID, _ := payload["org_id"].(string)
	var matched signingKeyEntry
	lookup := func(keyid string) (ed25519.PublicKey, error) {
		for _, k := range keys {
			if k.KeyID != keyid || (k.OrgID != "" && k.OrgID != orgID) {
				continue
			}
			pub, err := base64.StdEncoding.DecodeString(k.PublicKey)
			if err != nil || len(pub) != ed25519.PublicKeySize {
				return nil, fmt.Errorf("public key %s is not base64 of 32 bytes", k.KeyID)
			}
			matched = k
			return pub, nil
		}
		return nil, fmt.Errorf("%w: no key %q of org %s in %s", httpsig.ErrUnknownKey, keyid, orgID, keysFile)
	}
	if err := verifySignedBody(rec, lookup, payload); err != nil {
		fmt.Fprintln(env.Stdout, "INVALID: request signature: "+err.Error())
		return errors.New("the request signature the receipt records does not verify with the given keys")
	}
	who := "org " + orgID
	if matched.OrgID == "" {
		who += " (the keys file does not say whose key it is)"
	}
	fmt.Fprintf(env.Stdout, "OK: the request was signed by key %s of %s at %s\n", rec.KeyID, who,
		time.Unix(rec.Created, 0).UTC().Format(time.RFC3339))
	fmt.Fprintf(env.Stdout, "  %-12s %s %s\n", "request", rec.Method, rec.TargetURI)
	return nil
}

// verifySignedBody checks the recorded signature and that the digest it
// covers is of the body whose SHA-256 the receipt signs.
func verifySignedBody(rec httpsig.Result, lookup httpsig.KeyLookup, payload map[string]any) error {
	if err := httpsig.VerifyRecord(rec, lookup); err != nil {
		return err
	}
	digest, err := httpsig.DigestSHA256(rec.ContentDigest)
	if err != nil {
		return err
	}
	bodyHash, _ := payload["body_sha256"].(string)
	want, err := hex.DecodeString(bodyHash)
	if err != nil || !bytes.Equal(digest, want) {
		return errors.New("the signed Content-Digest is not of the body the receipt signs (body_sha256)")
	}
	return nil
}
