package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/sigap/sigap/internal/client"
	"github.com/sigap/sigap/internal/keyring"
	"github.com/sigap/sigap/internal/receipt"
)

func runReceipt(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(env.Stderr, "usage: sigap receipt verify [--keys keys.json | --public-key BASE64 | --server URL] [--signing-keys FILE] FILE\n\n"+
			"FILE is a saved notice answer (the JSON of POST or GET /v1/notices) or its receipt object; '-' reads standard input.\n"+
			"The public key comes from GET /v1/keys: save it once (curl URL/v1/keys > keys.json) to verify offline.\n"+
			"--signing-keys also checks the request signature the receipt records against authorities' registered keys:\n"+
			"a JSON list of {\"org_id\" (optional), \"keyid\", \"public_key\"} (see docs/signed-requests.md).")
		return errUsage
	}
	fs := newFlags("receipt verify", env)
	keysFile := fs.String("keys", "", "a saved GET /v1/keys answer")
	pubKey := fs.String("public-key", "", "the Ed25519 public key, base64 (32 bytes)")
	server := fs.String("server", "", "fetch the keys from this sigap server (online check)")
	signingKeys := fs.String("signing-keys", "", "check the recorded request signature against these authorities' keys (JSON list of {org_id, keyid, public_key})")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("name one receipt file (or - for standard input)")
	}
	data, err := readInput(env, fs.Arg(0))
	if err != nil {
		return err
	}
	r, err := extractReceipt(data)
	if err != nil {
		return err
	}
	var keys []receipt.PublicKey
	switch {
	case *pubKey != "":
		keys = []receipt.PublicKey{{KeyID: r.KeyID, Algorithm: receipt.Algorithm, PublicKey: *pubKey}}
	case *keysFile != "":
		b, err := os.ReadFile(*keysFile)
		if err != nil {
			return fmt.Errorf("read keys: %w", err)
		}
		if keys, err = parseKeys(b); err != nil {
			return err
		}
	case *server != "":
		var out struct {
			Keys []receipt.PublicKey `json:"keys"`
		}
		if _, err := client.New(*server, "").Do(ctx, "GET", "/v1/keys", nil, nil, &out); err != nil {
			return err
		}
		keys = out.Keys
	default:
		return errors.New("give the public key: --keys keys.json (saved from GET /v1/keys), --public-key BASE64, or --server URL")
	}
	payload, err := receipt.Verify(r, keys)
	if err != nil {
		fmt.Fprintln(env.Stdout, "INVALID: "+err.Error())
		return errors.New("the receipt does not verify: it was not signed by this key, or it was altered")
	}
	fmt.Fprintf(env.Stdout, "OK: the receipt verifies with key %s%s\n", r.KeyID, keyStanding(keys, r.KeyID))
	for _, k := range []string{"notice_id", "org_id", "kind", "reference", "regime", "category", "class", "received_at", "due_at", "body_sha256"} {
		if v, ok := payload[k]; ok && v != "" {
			fmt.Fprintf(env.Stdout, "  %-12s %v\n", k, v)
		}
	}
	if subs, ok := payload["subjects"].([]any); ok {
		printSubjects(env, subs)
	}
	if docs, ok := payload["documents"].([]any); ok {
		printDocuments(env, docs)
	}
	return checkRequestSignature(env, payload, *signingKeys)
}

// printSubjects lists the receipt's canonical subjects, one per link, as each
// distinct subject once with how many links led to it: three ways of writing
// one message's link are one subject, and one case.
func printSubjects(env *Env, subs []any) {
	var order []string
	links := make(map[string]int, len(subs))
	for _, s := range subs {
		k := fmt.Sprint(s)
		if links[k] == 0 {
			order = append(order, k)
		}
		links[k]++
	}
	if len(order) == len(subs) {
		fmt.Fprintf(env.Stdout, "  %-12s %d\n", "subjects", len(order))
	} else {
		fmt.Fprintf(env.Stdout, "  %-12s %d (from %s)\n", "subjects", len(order), count(len(subs), "link", "links"))
	}
	const shown = 5
	for i, k := range order {
		if i == shown {
			fmt.Fprintf(env.Stdout, "    ... and %d more\n", len(order)-shown)
			break
		}
		if n := links[k]; n > 1 {
			fmt.Fprintf(env.Stdout, "    %s (%s)\n", k, count(n, "link", "links"))
		} else {
			fmt.Fprintf(env.Stdout, "    %s\n", k)
		}
	}
}

func readInput(env *Env, name string) ([]byte, error) {
	rd, err := openInput(env, name)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	return io.ReadAll(io.LimitReader(rd, 512<<20))
}

// openInput opens the file name, or stdin for "-"; closing stdin's is a no-op.
func openInput(env *Env, name string) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(env.Stdin), nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// extractReceipt accepts a whole notice answer or a bare receipt object.
func extractReceipt(data []byte) (receipt.Receipt, error) {
	var wrapper struct {
		Receipt *receipt.Receipt `json:"receipt"`
	}
	if err := json.Unmarshal(data, &wrapper); err != nil {
		return receipt.Receipt{}, fmt.Errorf("the file is not JSON: %w", err)
	}
	if wrapper.Receipt != nil {
		return *wrapper.Receipt, nil
	}
	var r receipt.Receipt
	_ = json.Unmarshal(data, &r)
	if r.Payload == "" || r.Signature == "" {
		return r, errors.New("the file holds no receipt: expected a notice answer with a \"receipt\" member, or {\"key_id\", \"algorithm\", \"payload\", \"signature\"}")
	}
	return r, nil
}

// keyStanding says where the receipt's key stands in the listed ring: a
// receipt signed before a rotation verifies with its retired key.
func keyStanding(keys []receipt.PublicKey, id string) string {
	for _, k := range keys {
		switch {
		case k.KeyID != id:
		case k.Status == keyring.Retired:
			return fmt.Sprintf(" (retired %s: it signed receipts from %s)", stamp(k.NotAfter), stamp(k.NotBefore))
		case k.Status != "":
			return fmt.Sprintf(" (%s)", k.Status)
		}
	}
	return ""
}

func parseKeys(b []byte) ([]receipt.PublicKey, error) {
	var out struct {
		Keys []receipt.PublicKey `json:"keys"`
	}
	if err := json.Unmarshal(b, &out); err != nil || len(out.Keys) == 0 {
		return nil, errors.New("the keys file is not a GET /v1/keys answer ({\"keys\": [...]})")
	}
	return out.Keys, nil
}
