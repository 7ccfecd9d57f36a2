package httpapi

import (
	"net/http"
	"time"

	"github.com/sigap/sigap/internal/account"
	"github.com/sigap/sigap/internal/org"
)

// userView is a portal user as the API shows them; never their password or TOTP secret.
type userView struct {
	ID          string     `json:"id"`
	OrgID       string     `json:"org_id"`
	Email       string     `json:"email"`
	Name        string     `json:"name,omitempty"`
	Role        org.Role   `json:"role"`
	PasswordSet bool       `json:"password_set"`
	TOTPEnabled bool       `json:"totp_enabled"`
	CreatedAt   time.Time  `json:"created_at"`
	Disabled    bool       `json:"disabled"`
	DisabledAt  *time.Time `json:"disabled_at,omitempty"`
}

func userViewOf(u org.User) userView {
	return userView{ID: u.ID, OrgID: u.OrgID, Email: u.Email, Name: u.Name, Role: u.Role,
		PasswordSet: u.PasswordHash != "", TOTPEnabled: u.TOTPEnabled, CreatedAt: u.CreatedAt,
		Disabled: u.Disabled, DisabledAt: timeOrNull(u.DisabledAt)}
}

// accounts is the user service the App built once: its sign-in throttle and
// session limits are shared with the portal.
func (a *API) accounts() *account.Service { return a.Accounts }

type userRequest struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
}

// newUserView is a new user and their one-time set-password link.
type newUserView struct {
	userView
	SetPasswordURL       string    `json:"set_password_url"`
	SetPasswordExpiresAt time.Time `json:"set_password_expires_at"`
}

// createUser adds a portal user and answers with their one-time set-password link.
func (a *API) createUser(w http.ResponseWriter, r *http.Request) {
	if err := ownOrg(callerFrom(r.Context()), r.PathValue("org_id")); err != nil {
		a.errorResponse(w, r, err) // before the body, so a stranger learns nothing from its errors
		return
	}
	jsonHandler(a, http.StatusCreated, func(r *http.Request, _ org.Caller, in userRequest) (newUserView, error) {
		u, link, err := a.accounts().CreateUser(r.Context(), r.PathValue("org_id"), in.Email, in.Name, org.Role(in.Role))
		if err != nil {
			return newUserView{}, err
		}
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		return newUserView{userViewOf(u), link.URL(scheme + "://" + r.Host), link.ExpiresAt}, nil
	})(w, r)
}

func (a *API) listUsers(r *http.Request, c org.Caller, _ noBody) (list[userView], error) {
	id := r.PathValue("org_id")
	if err := ownOrg(c, id); err != nil {
		return list[userView]{}, err
	}
	if _, err := a.DB.Org(r.Context(), id); err != nil {
		return list[userView]{}, err
	}
	users, err := a.DB.Users(r.Context(), id)
	if err != nil {
		return list[userView]{}, err
	}
	return listOf(viewsOf(users, userViewOf), ""), nil
}

// userAct is a change to one user of the org in the path; a user of another
// org is not found.
func (a *API) userAct(act func(r *http.Request, orgID, userID string) (org.User, error)) func(*http.Request, org.Caller, noBody) (userView, error) {
	return func(r *http.Request, c org.Caller, _ noBody) (userView, error) {
		id := r.PathValue("org_id")
		if err := ownOrg(c, id); err != nil {
			return userView{}, err
		}
		u, err := act(r, id, r.PathValue("user_id"))
		if err != nil {
			return userView{}, err
		}
		return userViewOf(u), nil
	}
}

// disableUser ends a user's sessions at once and refuses their sign-ins.
func (a *API) disableUser(r *http.Request, orgID, userID string) (org.User, error) {
	return a.accounts().SetDisabled(r.Context(), orgID, userID, true)
}

// enableUser lets a disabled user sign in again.
func (a *API) enableUser(r *http.Request, orgID, userID string) (org.User, error) {
	return a.accounts().SetDisabled(r.Context(), orgID, userID, false)
}

// resetUserTOTP turns off a user's second factor; they enrol again at their next sign-in.
func (a *API) resetUserTOTP(r *http.Request, orgID, userID string) (org.User, error) {
	return a.accounts().ResetTOTP(r.Context(), orgID, userID)
}

type userPatch struct {
	Role string `json:"role"`
}

// patchUser changes a user's role.
func (a *API) patchUser(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("org_id")
	if err := ownOrg(callerFrom(r.Context()), id); err != nil {
		a.errorResponse(w, r, err) // before the body, so a stranger learns nothing from its errors
		return
	}
	jsonHandler(a, http.StatusOK, func(r *http.Request, _ org.Caller, in userPatch) (userView, error) {
		u, err := a.accounts().SetRole(r.Context(), id, r.PathValue("user_id"), org.Role(in.Role))
		if err != nil {
			return userView{}, err
		}
		return userViewOf(u), nil
	})(w, r)
}

type resetRequest struct {
	TOTP bool `json:"totp"`
}

// resetLinkView is a user's new one-time set-password link.
type resetLinkView struct {
	SetPasswordURL       string    `json:"set_password_url"`
	SetPasswordExpiresAt time.Time `json:"set_password_expires_at"`
}

// resetUser clears a user's password at once, ends their sessions and gives
// them a new set-password link; with totp, their second factor goes too.
func (a *API) resetUser(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("org_id")
	if err := ownOrg(callerFrom(r.Context()), id); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	emptyIsObject(r)
	jsonHandler(a, http.StatusOK, func(r *http.Request, _ org.Caller, in resetRequest) (resetLinkView, error) {
		link, err := a.accounts().ResetUser(r.Context(), id, r.PathValue("user_id"), in.TOTP)
		if err != nil {
			return resetLinkView{}, err
		}
		return resetLinkView{link.URL(baseOf(r)), link.ExpiresAt}, nil
	})(w, r)
}

// baseOf is the address the request reached the service at, for links.
func baseOf(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
