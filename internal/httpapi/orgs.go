package httpapi

import (
	"net/http"

	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

func (a *API) createOrg(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name          string `json:"name"`
		Kind          string `json:"kind"`
		DefaultRegime string `json:"default_regime"`
	}
	if err := decodeStrict(r, &in); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	o, err := a.Admin.CreateOrg(r.Context(), in.Name, org.Kind(in.Kind), in.DefaultRegime)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, o)
}

func (a *API) listOrgs(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	var orgs []org.Org
	if c.Platform() {
		var err error
		if orgs, err = a.DB.Orgs(r.Context()); err != nil {
			a.errorResponse(w, r, err)
			return
		}
	} else {
		o, err := a.DB.Org(r.Context(), c.OrgID)
		if err != nil {
			a.errorResponse(w, r, err)
			return
		}
		orgs = []org.Org{o}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": orgs, "next_cursor": ""})
}

func (a *API) getOrg(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	id := r.PathValue("org_id")
	if !c.Platform() && id != c.OrgID {
		a.errorResponse(w, r, store.ErrNotFound)
		return
	}
	o, err := a.DB.Org(r.Context(), id)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}

func (a *API) createKey(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	id := r.PathValue("org_id")
	// The platform's admins make keys for anyone; an org's own admin for its org.
	if !c.Platform() && id != c.OrgID {
		a.errorResponse(w, r, store.ErrNotFound)
		return
	}
	var in struct {
		Role string `json:"role"`
	}
	if err := decodeStrict(r, &in); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	k, err := a.Admin.CreateKey(r.Context(), id, org.Role(in.Role))
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, k)
}

func (a *API) me(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	o, err := a.DB.Org(r.Context(), c.OrgID)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"org": o, "role": c.Role, "key_id": c.KeyID})
}
