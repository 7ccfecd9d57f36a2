package httpapi

import (
	"net/http"

	"github.com/sigap/sigap/internal/admin"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// ownOrg refuses a key outside the platform an org other than its own, as not
// found: whether another org exists is not its business. This is the one
// check on the caller that depends on the object, so the route table cannot
// make it.
func ownOrg(c org.Caller, orgID string) error {
	if !c.Platform() && orgID != c.OrgID {
		return store.ErrNotFound
	}
	return nil
}

type orgRequest struct {
	Name          string `json:"name"`
	Kind          string `json:"kind"`
	DefaultRegime string `json:"default_regime"`
}

func (a *API) createOrg(r *http.Request, _ org.Caller, in orgRequest) (org.Org, error) {
	return a.Admin.CreateOrg(r.Context(), in.Name, org.Kind(in.Kind), in.DefaultRegime)
}

func (a *API) listOrgs(r *http.Request, c org.Caller, _ noBody) (list[org.Org], error) {
	if c.Platform() {
		orgs, err := a.DB.Orgs(r.Context())
		return listOf(orgs, ""), err
	}
	o, err := a.DB.Org(r.Context(), c.OrgID)
	return listOf([]org.Org{o}, ""), err
}

func (a *API) getOrg(r *http.Request, c org.Caller, _ noBody) (org.Org, error) {
	id := r.PathValue("org_id")
	if err := ownOrg(c, id); err != nil {
		return org.Org{}, err
	}
	return a.DB.Org(r.Context(), id)
}

type keyRequest struct {
	Role      string `json:"role"`
	ExpiresAt string `json:"expires_at"`
}

// createKey makes a key: the platform's admins for any org, an org's own admin for its org.
func (a *API) createKey(w http.ResponseWriter, r *http.Request) {
	if err := ownOrg(callerFrom(r.Context()), r.PathValue("org_id")); err != nil {
		a.errorResponse(w, r, err) // before the body, so a stranger learns nothing from its errors
		return
	}
	jsonHandler(a, http.StatusCreated, func(r *http.Request, _ org.Caller, in keyRequest) (admin.NewKey, error) {
		until, err := parseTimeField("expires_at", in.ExpiresAt)
		if err != nil {
			return admin.NewKey{}, err
		}
		return a.Admin.CreateKeyUntil(r.Context(), r.PathValue("org_id"), org.Role(in.Role), until)
	})(w, r)
}

func (a *API) me(r *http.Request, c org.Caller, _ noBody) (map[string]any, error) {
	o, err := a.DB.Org(r.Context(), c.OrgID)
	if err != nil {
		return nil, err
	}
	return map[string]any{"org": o, "role": c.Role, "key_id": c.KeyID}, nil
}
