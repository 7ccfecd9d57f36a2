package httpapi

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/sigap/sigap/internal/audit"
	"github.com/sigap/sigap/internal/httpsig"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/receipt"
	"github.com/sigap/sigap/internal/store"
)

// signingTTL is how long an org's require flag and signing keys are taken
// from memory: a key revoked on another replica is refused within it (on
// this one at once), and a busy authority costs two indexed queries a
// second instead of two a request.
const signingTTL = time.Second

type signatureKey struct{}

// signatureFrom returns the verified signature of a request, or nil for an unsigned one.
func signatureFrom(ctx context.Context) *httpsig.Result {
	s, _ := ctx.Value(signatureKey{}).(*httpsig.Result)
	return s
}

// signingState is what verifying one org's requests needs.
type signingState struct {
	loaded  time.Time
	require bool
	keys    map[string]store.SigningKey
	pubs    map[string]ed25519.PublicKey
}

// lookup finds an active key of the org by its keyid; a revoked key, a key
// of another org and no key at all are the same unknown key to a client.
func (s *signingState) lookup(keyid string) (ed25519.PublicKey, error) {
	k, ok := s.keys[keyid]
	switch {
	case !ok:
		return nil, fmt.Errorf("%w %q: the organisation has registered no signing key of this keyid", httpsig.ErrUnknownKey, keyid)
	case !k.Active():
		return nil, fmt.Errorf("%w %q: the key was revoked at %s", httpsig.ErrUnknownKey, keyid, k.RevokedAt.UTC().Format(time.RFC3339))
	}
	return s.pubs[keyid], nil
}

// signingCache holds each org's signingState for signingTTL, and the
// signing keys prepared for verifying for as long as the process runs (a
// key's bytes never change; whether it is active is the state's to say).
type signingCache struct {
	mu       sync.Mutex
	orgs     map[string]*signingState
	prepared httpsig.Keys
}

// signingOf returns the org's require flag and keys, from memory when fresh.
// Freshness is measured on the monotonic clock, not the service's clock: a
// test's frozen clock must not freeze the cache.
func (a *API) signingOf(ctx context.Context, orgID string) (*signingState, error) {
	c := &a.signing
	c.mu.Lock()
	s, ok := c.orgs[orgID]
	c.mu.Unlock()
	if ok && time.Since(s.loaded) < signingTTL {
		return s, nil
	}
	s = &signingState{loaded: time.Now(), keys: map[string]store.SigningKey{}, pubs: map[string]ed25519.PublicKey{}}
	var err error
	if s.require, err = a.DB.RequireSignatures(ctx, orgID); err != nil {
		return nil, err
	}
	keys, err := a.DB.SigningKeys(ctx, orgID)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		pub, err := httpsig.ParsePublicKey(k.Algorithm, k.PublicKey)
		if err != nil {
			return nil, fmt.Errorf("httpapi: stored signing key %q of %s: %w", k.KeyID, orgID, err)
		}
		s.keys[k.KeyID], s.pubs[k.KeyID] = k, pub
	}
	c.mu.Lock()
	if c.orgs == nil {
		c.orgs = map[string]*signingState{}
	}
	c.orgs[orgID] = s
	c.mu.Unlock()
	return s, nil
}

// forgetSigning drops an org's cached state after this process changed it.
func (a *API) forgetSigning(orgID string) {
	a.signing.mu.Lock()
	delete(a.signing.orgs, orgID)
	a.signing.mu.Unlock()
}

// signatures checks the RFC 9421 signature of every request from an org's
// key, after auth found the caller: a request that carries one must carry a
// valid one, and an org that requires signatures has its unsigned requests
// refused. It reads the body once, for its Content-Digest, and puts it back
// for h; an unsigned request of an org that does not require signatures
// costs a map look-up.
func (a *API) signatures(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := callerFrom(r.Context())
		st, err := a.signingOf(r.Context(), c.OrgID)
		if err != nil {
			a.errorResponse(w, r, err)
			return
		}
		signed := len(r.Header.Values("Signature-Input")) > 0 || len(r.Header.Values("Signature")) > 0
		if !signed && !st.require {
			h(w, r)
			return
		}
		if !signed {
			a.signatureProblem(w, r, httpsig.ErrUnsigned)
			return
		}
		body, err := readBody(r)
		if err != nil {
			a.errorResponse(w, r, err)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		res, err := httpsig.VerifyRequest(r, body, a.Config.PublicOrigin, st.lookup, httpsig.Options{Now: a.Clock.Now, Keys: &a.signing.prepared})
		if err != nil {
			a.signatureProblem(w, r, err)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), signatureKey{}, &res)))
	}
}

// signatureProblem answers a failed verification through the error table,
// with the challenge every 401 carries.
func (a *API) signatureProblem(w http.ResponseWriter, r *http.Request, err error) {
	if httpsig.Code(err) != "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="sigap"`)
		// RFC 9421 section 5.1: what a signature must cover.
		w.Header().Set("Accept-Signature", `sig1=("@method" "@target-uri" "content-digest");alg="ed25519"`)
	}
	a.errorResponse(w, r, err)
}

// requestSignatureOf reads the request signature a notice's receipt payload
// records, or nil when it records none (or cannot be read: the receipt is
// the service's own and verified elsewhere).
func requestSignatureOf(rc receipt.Receipt) *httpsig.Result {
	b, err := base64.StdEncoding.DecodeString(rc.Payload)
	if err != nil || !bytes.Contains(b, []byte(`"request_signature"`)) {
		return nil
	}
	var p struct {
		RequestSignature *httpsig.Result `json:"request_signature"`
	}
	if json.Unmarshal(b, &p) != nil {
		return nil
	}
	return p.RequestSignature
}

// signingKeyView is a signing key as the API shows it.
type signingKeyView struct {
	OrgID     string     `json:"org_id"`
	KeyID     string     `json:"keyid"`
	Algorithm string     `json:"alg"`
	PublicKey string     `json:"public_key"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

func signingKeyViewOf(k store.SigningKey) signingKeyView {
	return signingKeyView{OrgID: k.OrgID, KeyID: k.KeyID, Algorithm: k.Algorithm, PublicKey: k.PublicKey, CreatedAt: k.CreatedAt, RevokedAt: k.RevokedAt}
}

type signingKeyRequest struct {
	KeyID     string `json:"keyid"`
	Algorithm string `json:"alg"`
	PublicKey string `json:"public_key"`
}

// ownOrgFirst refuses a stranger's org before h reads the body, so its errors tell the stranger nothing.
func (a *API) ownOrgFirst(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := ownOrg(callerFrom(r.Context()), r.PathValue("org_id")); err != nil {
			a.errorResponse(w, r, err)
			return
		}
		h(w, r)
	}
}

// addSigningKey registers a public key an org signs its requests with.
func (a *API) addSigningKey(r *http.Request, _ org.Caller, in signingKeyRequest) (signingKeyView, error) {
	orgID := r.PathValue("org_id")
	var bad []notice.FieldError
	if err := httpsig.CheckKeyID(in.KeyID); err != nil {
		bad = append(bad, notice.FieldError{Field: "keyid", Code: "invalid", Message: strings.TrimPrefix(err.Error(), "httpsig: ")})
	}
	if in.Algorithm != httpsig.Algorithm {
		bad = append(bad, notice.FieldError{Field: "alg", Code: "unknown_value", Message: `alg must be "ed25519"`})
	} else if _, err := httpsig.ParsePublicKey(in.Algorithm, in.PublicKey); err != nil {
		bad = append(bad, notice.FieldError{Field: "public_key", Code: "invalid", Message: "public_key must be base64 of the 32 raw bytes of an Ed25519 public key"})
	}
	if len(bad) > 0 {
		return signingKeyView{}, &notice.ValidationError{Fields: bad}
	}
	if _, err := a.DB.Org(r.Context(), orgID); err != nil {
		return signingKeyView{}, err
	}
	k := store.SigningKey{OrgID: orgID, KeyID: in.KeyID, Algorithm: in.Algorithm, PublicKey: in.PublicKey,
		CreatedAt: a.Clock.Now().UTC().Truncate(time.Millisecond)}
	err := a.DB.Write(r.Context(), func(tx *store.Tx) error {
		if err := tx.AddSigningKey(r.Context(), k); err != nil {
			return err
		}
		return tx.Audit(r.Context(), audit.Entry{At: k.CreatedAt, Action: "org.signing_key_added", Object: k.KeyID, OrgID: orgID})
	})
	if err != nil {
		return signingKeyView{}, err
	}
	a.forgetSigning(orgID)
	return signingKeyViewOf(k), nil
}

// listSigningKeys lists an org's signing keys, revoked ones too.
func (a *API) listSigningKeys(r *http.Request, _ org.Caller, _ noBody) (list[signingKeyView], error) {
	orgID := r.PathValue("org_id")
	if _, err := a.DB.Org(r.Context(), orgID); err != nil {
		return list[signingKeyView]{}, err
	}
	keys, err := a.DB.SigningKeys(r.Context(), orgID)
	if err != nil {
		return list[signingKeyView]{}, err
	}
	return listOf(viewsOf(keys, signingKeyViewOf), ""), nil
}

// revokeSigningKey stops requests signed with the key from being taken; the
// key stays listed, so receipts naming it can still be checked.
func (a *API) revokeSigningKey(r *http.Request, _ org.Caller, _ noBody) (signingKeyView, error) {
	orgID, keyID := r.PathValue("org_id"), r.PathValue("keyid")
	now := a.Clock.Now().UTC().Truncate(time.Millisecond)
	err := a.DB.Write(r.Context(), func(tx *store.Tx) error {
		if err := tx.RevokeSigningKey(r.Context(), orgID, keyID, now); err != nil {
			return err
		}
		return tx.Audit(r.Context(), audit.Entry{At: now, Action: "org.signing_key_revoked", Object: keyID, OrgID: orgID})
	})
	if err != nil {
		return signingKeyView{}, err
	}
	a.forgetSigning(orgID)
	k, err := a.DB.SigningKey(r.Context(), orgID, keyID)
	return signingKeyViewOf(k), err
}

type orgPatch struct {
	RequireSignatures *bool `json:"require_signatures"`
}

// patchOrg changes what an org's admin may not change about itself: for now,
// whether its requests must be signed.
func (a *API) patchOrg(r *http.Request, _ org.Caller, in orgPatch) (org.Org, error) {
	orgID := r.PathValue("org_id")
	if in.RequireSignatures == nil {
		return org.Org{}, &notice.ValidationError{Fields: []notice.FieldError{{Field: "require_signatures", Code: "required",
			Message: "require_signatures (true or false) is the field an org's PATCH changes"}}}
	}
	err := a.DB.Write(r.Context(), func(tx *store.Tx) error {
		if err := tx.SetRequireSignatures(r.Context(), orgID, *in.RequireSignatures); err != nil {
			return err
		}
		return tx.Audit(r.Context(), audit.Entry{At: a.Clock.Now(), Action: "org.changed", Object: orgID, OrgID: orgID})
	})
	if err != nil {
		return org.Org{}, err
	}
	a.forgetSigning(orgID)
	return a.DB.Org(r.Context(), orgID)
}
