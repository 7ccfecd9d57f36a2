package httpapi

import (
	"net/http"
	"time"

	"github.com/sigap/sigap/internal/account"
	"github.com/sigap/sigap/internal/org"
)

// userView is a portal user as the API shows them; never their password or TOTP secret.
type userView struct {
	ID          string    `json:"id"`
	OrgID       string    `json:"org_id"`
	Email       string    `json:"email"`
	Name        string    `json:"name,omitempty"`
	Role        org.Role  `json:"role"`
	PasswordSet bool      `json:"password_set"`
	TOTPEnabled bool      `json:"totp_enabled"`
	CreatedAt   time.Time `json:"created_at"`
}

func userViewOf(u org.User) userView {
	return userView{ID: u.ID, OrgID: u.OrgID, Email: u.Email, Name: u.Name, Role: u.Role,
		PasswordSet: u.PasswordHash != "", TOTPEnabled: u.TOTPEnabled, CreatedAt: u.CreatedAt}
}

// accounts is the user service; it holds no state the API needs to share.
func (a *API) accounts() *account.Service { return &account.Service{DB: a.DB, Clock: a.Clock} }

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
	items := make([]userView, len(users))
	for i, u := range users {
		items[i] = userViewOf(u)
	}
	return listOf(items, ""), nil
}
