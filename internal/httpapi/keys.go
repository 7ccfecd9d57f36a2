package httpapi

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/admin"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// checkKey finds who holds an API key, answering the request itself (and
// returning false) when the key is unknown, revoked or expired. The key's row
// is read through admin's cache (admin.KeyCacheTTL): a revocation holds in
// this process from its commit and on every other replica within the TTL.
// last_used_at is written at most once a minute per key, so a busy key does
// not cost a write a request.
func (a *API) checkKey(w http.ResponseWriter, r *http.Request, key string) (org.Caller, bool) {
	ks, err := a.Admin.KeyByHash(r.Context(), org.HashSecret(key))
	refuse := func(code, title, detail string) (org.Caller, bool) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="sigap", error="invalid_token"`)
		problem(w, http.StatusUnauthorized, code, title, detail)
		return org.Caller{}, false
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		return refuse("unknown_key", "Unknown API key", "this API key is unknown; ask your administrator for a new one")
	case err != nil:
		a.errorResponse(w, r, err)
		return org.Caller{}, false
	case ks.Key.Revoked:
		return refuse("key_revoked", "API key revoked",
			"this API key was revoked at "+ks.Key.RevokedAt.Format(time.RFC3339)+"; ask your administrator for a new one")
	case ks.Key.Expired(a.Clock.Now()):
		return refuse("key_expired", "API key expired",
			"this API key expired at "+ks.Key.ExpiresAt.Format(time.RFC3339)+"; ask your administrator for a new one, or use the key that replaced it")
	}
	if err := a.Admin.TouchKey(r.Context(), ks.Key); err != nil {
		// The request itself is sound; a missed last_used_at is caught up by the next one.
		a.Log.WarnContext(r.Context(), "key last use not recorded", "key_id", ks.Key.ID, "err", err)
	}
	return ks.Caller, true
}

// keyView is an API key as the API lists it: never the key itself.
type keyView struct {
	ID         string     `json:"id"`
	OrgID      string     `json:"org_id"`
	Role       org.Role   `json:"role"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// timeOrNull is a time the JSON shows as null when unset.
func timeOrNull(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func keyViewOf(k store.KeyInfo) keyView {
	return keyView{ID: k.ID, OrgID: k.OrgID, Role: k.Role, CreatedAt: k.CreatedAt,
		ExpiresAt: timeOrNull(k.ExpiresAt), LastUsedAt: timeOrNull(k.LastUsedAt), RevokedAt: timeOrNull(k.RevokedAt)}
}

// listKeys lists an org's keys: the platform's admins any org's, an org's own admin its own.
func (a *API) listKeys(r *http.Request, c org.Caller, _ noBody) (list[keyView], error) {
	id := r.PathValue("org_id")
	if err := ownOrg(c, id); err != nil {
		return list[keyView]{}, err
	}
	keys, err := a.Admin.Keys(r.Context(), id)
	if err != nil {
		return list[keyView]{}, err
	}
	return listOf(viewsOf(keys, keyViewOf), ""), nil
}

// revokeKey revokes a key; revoking it again answers 204 as well.
func (a *API) revokeKey(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("org_id")
	if err := ownOrg(callerFrom(r.Context()), id); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	if err := a.Admin.RevokeKey(r.Context(), id, r.PathValue("key_id")); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type rotateRequest struct {
	Overlap string `json:"overlap"`
}

// rotateKey issues a key in place of another, which keeps working for the overlap.
func (a *API) rotateKey(w http.ResponseWriter, r *http.Request) {
	if err := ownOrg(callerFrom(r.Context()), r.PathValue("org_id")); err != nil {
		a.errorResponse(w, r, err) // before the body, so a stranger learns nothing from its errors
		return
	}
	emptyIsObject(r)
	jsonHandler(a, http.StatusCreated, func(r *http.Request, _ org.Caller, in rotateRequest) (admin.Rotation, error) {
		overlap, err := admin.ParseOverlap(in.Overlap)
		if err != nil {
			return admin.Rotation{}, err
		}
		return a.Admin.RotateKey(r.Context(), r.PathValue("org_id"), r.PathValue("key_id"), overlap)
	})(w, r)
}

// emptyIsObject reads a request sent without a body as one with an empty
// JSON object, for the routes whose every field is optional.
func emptyIsObject(r *http.Request) {
	if r.ContentLength == 0 {
		r.Body = io.NopCloser(strings.NewReader("{}"))
	}
}

// parseTimeField reads an optional RFC 3339 time field ("" is the zero time).
func parseTimeField(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, &notice.ValidationError{Fields: []notice.FieldError{{Field: field, Code: "invalid",
			Message: field + " must be an RFC 3339 time such as 2026-12-31T17:00:00Z"}}}
	}
	return t.UTC(), nil
}
