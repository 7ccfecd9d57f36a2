package httpsig

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// DefaultMaxAge is how old a signature's created time may be (the contract's 300 s).
const DefaultMaxAge = 300 * time.Second

// KeyLookup returns the public key registered under keyid, or an error that
// wraps ErrUnknownKey when there is none; any other error is passed on as it
// is (a server answers it as its own failure, not the client's).
type KeyLookup func(keyid string) (ed25519.PublicKey, error)

// Options steer Verify; the zero value is what the contract asks.
type Options struct {
	Now     func() time.Time // nil is time.Now
	MaxAge  time.Duration    // 0 is DefaultMaxAge
	Require []string         // components a signature must cover; nil is DefaultComponents
	Label   string           // the signature to check; "" is DefaultLabel, or the only one there is
	// Keys keeps the keys lookup returns prepared for verifying, across
	// calls; nil verifies with crypto/ed25519 (the same answers, slower).
	Keys *Keys
}

// Result is a verified signature as a receipt records it: the contract's
// four members, and what else re-verifying it offline needs (the covered
// request's method and target URI, and any other header fields it covers).
type Result struct {
	KeyID          string            `json:"keyid"`
	SignatureInput string            `json:"signature_input"`
	Signature      string            `json:"signature"`
	ContentDigest  string            `json:"content_digest"`
	Created        int64             `json:"created"`
	Method         string            `json:"method"`
	TargetURI      string            `json:"target_uri"`
	Fields         map[string]string `json:"fields,omitempty"`
}

// Verify checks the signature of m (with body) against the key lookup finds
// for its keyid. It fails with ErrUnsigned if m carries no signature, with
// ErrExpired if it was created too long ago or in the future, and otherwise
// with ErrInvalid (ErrUnknownKey for a key lookup does not know), each
// saying in plain words what is wrong.
func Verify(m Message, body []byte, lookup KeyLookup, opts Options) (Result, error) {
	return verify(m, body, lookup, opts, false)
}

// VerifyRequest verifies a request a server received; see RequestMessage for origin.
func VerifyRequest(r *http.Request, body []byte, origin string, lookup KeyLookup, opts Options) (Result, error) {
	return Verify(RequestMessage(r, origin), body, lookup, opts)
}

// VerifyRecord checks a recorded Result again, offline: the signature over
// what the record holds, with the key lookup finds, covering at least
// DefaultComponents. Neither the age of the signature nor the body is
// checked: a receipt holds the body's SHA-256, which the caller compares with
// the recorded Content-Digest (see DigestSHA256).
func VerifyRecord(rec Result, lookup KeyLookup) error {
	h := http.Header{}
	for k, v := range rec.Fields {
		h.Set(k, v)
	}
	h.Set("Content-Digest", rec.ContentDigest)
	h.Set("Signature-Input", rec.SignatureInput)
	h.Set("Signature", rec.Signature)
	m := Message{Method: rec.Method, TargetURI: rec.TargetURI, Header: h}
	got, err := verify(m, nil, lookup, Options{Now: func() time.Time { return time.Unix(rec.Created, 0) }}, true)
	if err != nil {
		return err
	}
	if got.KeyID != rec.KeyID {
		return fmt.Errorf("%w: the record names key %q but its signature input names %q", ErrInvalid, rec.KeyID, got.KeyID)
	}
	return nil
}

func verify(m Message, body []byte, lookup KeyLookup, opts Options, recorded bool) (Result, error) {
	inField := strings.Join(m.Header.Values("Signature-Input"), ", ")
	sigField := strings.Join(m.Header.Values("Signature"), ", ")
	switch {
	case inField == "" && sigField == "":
		return Result{}, ErrUnsigned
	case inField == "":
		return Result{}, fmt.Errorf("%w: Signature without Signature-Input", ErrInvalid)
	case sigField == "":
		return Result{}, fmt.Errorf("%w: Signature-Input without Signature", ErrInvalid)
	}
	inputs, err := ParseSignatureInput(inField)
	if err != nil {
		return Result{}, err
	}
	// A signature of the one form clients send is read without the parser.
	var sigBuf [ed25519.SignatureSize]byte
	sigLabel, sig, sole := soleBytes(sigField, sigBuf[:])
	var sigs Dictionary
	if !sole {
		if sigs, err = parseSignature(sigField); err != nil {
			return Result{}, err
		}
	}
	in, err := pick(inputs, opts.Label)
	if err != nil {
		return Result{}, err
	}
	if !sole {
		member, ok := sigs.Get(in.Label)
		if !ok {
			return Result{}, fmt.Errorf("%w: Signature has no member %s to match Signature-Input", ErrInvalid, in.Label)
		}
		sig, _ = itemBytes(member)
	} else if sigLabel != in.Label {
		return Result{}, fmt.Errorf("%w: Signature has no member %s to match Signature-Input", ErrInvalid, in.Label)
	}
	keyid, ok, err := in.Str("keyid")
	if err != nil {
		return Result{}, err
	}
	if !ok || keyid == "" {
		return Result{}, fmt.Errorf("%w: Signature-Input %s has no keyid", ErrInvalid, in.Label)
	}
	if alg, ok, err := in.Str("alg"); err != nil {
		return Result{}, err
	} else if ok && alg != Algorithm {
		return Result{}, fmt.Errorf("%w: algorithm %q is not %q", ErrInvalid, alg, Algorithm)
	}
	require := opts.Require
	if require == nil {
		require = DefaultComponents
	}
	for _, name := range require {
		if !in.Covers(name) {
			return Result{}, fmt.Errorf("%w: the signature does not cover %q", ErrInvalid, name)
		}
	}
	created, err := checkTime(in, opts)
	if err != nil {
		return Result{}, err
	}
	digest := strings.Join(m.Header.Values("Content-Digest"), ", ")
	if in.Covers("content-digest") || digest != "" {
		if recorded {
			if _, err := ParseDictionary(digest); err != nil {
				return Result{}, fmt.Errorf("%w: Content-Digest: %v", ErrInvalid, err)
			}
		} else if err := CheckContentDigest(digest, body); err != nil {
			return Result{}, err
		}
	}
	pub, err := lookup(keyid)
	switch {
	case err == ErrUnknownKey:
		return Result{}, fmt.Errorf("%w %q", ErrUnknownKey, keyid)
	case errors.Is(err, ErrUnknownKey):
		return Result{}, err // the lookup's own words say which key
	case err != nil:
		return Result{}, fmt.Errorf("httpsig: key %q: %w", keyid, err)
	}
	if len(pub) != ed25519.PublicKeySize {
		return Result{}, fmt.Errorf("%w %q", ErrUnknownKey, keyid)
	}
	params := in.params()
	base, err := Base(m, in.Components, params)
	if err != nil {
		return Result{}, err
	}
	if len(sig) != ed25519.SignatureSize || !opts.Keys.verify(pub, base, sig) {
		return Result{}, fmt.Errorf("%w: the signature does not verify with key %q", ErrInvalid, keyid)
	}
	res := Result{KeyID: keyid, SignatureInput: in.Label + "=" + params,
		Signature:     string(appendBare(append([]byte(in.Label), '='), sig)),
		ContentDigest: digest, Created: created, Method: m.Method, TargetURI: m.TargetURI}
	for _, c := range in.Components {
		if !strings.HasPrefix(c.Name, "@") && c.Name != "content-digest" {
			if res.Fields == nil {
				res.Fields = map[string]string{}
			}
			v, _ := c.value(m, nil)
			res.Fields[c.Name] = v
		}
	}
	return res, nil
}

// pick chooses the signature to check: the one labelled label (or
// DefaultLabel), else the only one there is.
func pick(inputs []SignatureInput, label string) (SignatureInput, error) {
	want := label
	if want == "" {
		want = DefaultLabel
	}
	for _, in := range inputs {
		if in.Label == want {
			return in, nil
		}
	}
	if label == "" && len(inputs) == 1 {
		return inputs[0], nil
	}
	return SignatureInput{}, fmt.Errorf("%w: Signature-Input has no signature labelled %s", ErrInvalid, want)
}

func checkTime(in SignatureInput, opts Options) (int64, error) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	maxAge := opts.MaxAge
	if maxAge == 0 {
		maxAge = DefaultMaxAge
	}
	created, ok, err := in.Int("created")
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, fmt.Errorf("%w: Signature-Input %s has no created time", ErrInvalid, in.Label)
	}
	t := now().Unix()
	if created > t {
		return 0, fmt.Errorf("%w: created %d s in the future", ErrExpired, created-t)
	}
	if age := t - created; age > int64(maxAge/time.Second) {
		return 0, fmt.Errorf("%w: created %d s ago, more than %d s", ErrExpired, age, int64(maxAge/time.Second))
	}
	expires, ok, err := in.Int("expires")
	if err != nil {
		return 0, err
	}
	if ok && expires < t {
		return 0, fmt.Errorf("%w: expired %d s ago", ErrExpired, t-expires)
	}
	return created, nil
}
