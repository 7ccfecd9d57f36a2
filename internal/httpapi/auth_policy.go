package httpapi

import (
	"net/http"

	"github.com/sigap/sigap/internal/org"
)

// authPolicy is an org's second-factor policy for its people's portal
// sign-ins: "totp_or_passkey" (the default), "passkey_for_admins" or
// "passkey_for_everyone".
type authPolicy struct {
	SecondFactor string `json:"second_factor"`
}

// putAuthPolicy sets an org's second-factor policy; it holds from each
// person's next sign-in and the change is audited.
func (a *API) putAuthPolicy(r *http.Request, c org.Caller, in authPolicy) (authPolicy, error) {
	if err := a.Accounts.SetSecondFactorPolicy(r.Context(), r.PathValue("org_id"), in.SecondFactor); err != nil {
		return authPolicy{}, err
	}
	return a.getAuthPolicy(r, c, noBody{})
}

func (a *API) getAuthPolicy(r *http.Request, c org.Caller, _ noBody) (authPolicy, error) {
	if err := ownOrg(c, r.PathValue("org_id")); err != nil {
		return authPolicy{}, err
	}
	if _, err := a.DB.Org(r.Context(), r.PathValue("org_id")); err != nil {
		return authPolicy{}, err
	}
	p, err := a.Accounts.SecondFactorPolicy(r.Context(), r.PathValue("org_id"))
	return authPolicy{SecondFactor: p}, err
}
