package httpapi

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/sso"
	"github.com/sigap/sigap/internal/store"
)

// ssoRequest is the single sign-on setting a platform admin gives.
type ssoRequest struct {
	Issuer       string              `json:"issuer"`
	ClientID     string              `json:"client_id"`
	ClientSecret string              `json:"client_secret"`
	RoleClaim    string              `json:"role_claim"`
	RoleMap      map[string]org.Role `json:"role_map"`
	EmailDomain  string              `json:"email_domain"`
	Name         string              `json:"name"`
	Scopes       []string            `json:"scopes"`
}

// ssoErr turns "single sign-on is off" into the API's not found.
func ssoErr(err error) error {
	if errors.Is(err, sso.ErrNotConfigured) {
		return fmt.Errorf("%w: single sign-on is not configured", store.ErrNotFound)
	}
	return err
}

// getSSO answers the single sign-on setting, never its client secret.
func (a *API) getSSO(r *http.Request, _ org.Caller, _ noBody) (sso.Settings, error) {
	st, err := a.SSO.Settings(r.Context())
	return st, ssoErr(err)
}

// putSSO stores the single sign-on setting; an empty client secret keeps the stored one.
func (a *API) putSSO(r *http.Request, _ org.Caller, in ssoRequest) (sso.Settings, error) {
	return a.SSO.Put(r.Context(), sso.Settings{Issuer: in.Issuer, ClientID: in.ClientID, ClientSecret: in.ClientSecret,
		RoleClaim: in.RoleClaim, RoleMap: in.RoleMap, EmailDomain: in.EmailDomain, Name: in.Name, Scopes: in.Scopes})
}

// deleteSSO turns single sign-on off.
func (a *API) deleteSSO(w http.ResponseWriter, r *http.Request) {
	if err := a.SSO.Remove(r.Context()); err != nil {
		a.errorResponse(w, r, ssoErr(err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
