package httpapi

import (
	"net/http"
	"time"

	"github.com/sigap/sigap/internal/account"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
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

func userViewOf(u store.User) userView {
	return userView{ID: u.ID, OrgID: u.OrgID, Email: u.Email, Name: u.Name, Role: u.Role,
		PasswordSet: u.PasswordHash != "", TOTPEnabled: u.TOTPEnabled, CreatedAt: u.CreatedAt}
}

// accounts is the user service; it holds no state the API needs to share.
func (a *API) accounts() *account.Service { return &account.Service{DB: a.DB, Clock: a.Clock} }

// createUser adds a portal user and answers with their one-time set-password link.
func (a *API) createUser(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	id := r.PathValue("org_id")
	if !c.Platform() && id != c.OrgID {
		a.errorResponse(w, r, store.ErrNotFound)
		return
	}
	var in struct {
		Email string `json:"email"`
		Name  string `json:"name"`
		Role  string `json:"role"`
	}
	if err := decodeStrict(r, &in); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	u, link, err := a.accounts().CreateUser(r.Context(), id, in.Email, in.Name, org.Role(in.Role))
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	writeJSON(w, http.StatusCreated, struct {
		userView
		SetPasswordURL       string    `json:"set_password_url"`
		SetPasswordExpiresAt time.Time `json:"set_password_expires_at"`
	}{userViewOf(u), link.URL(scheme + "://" + r.Host), link.ExpiresAt})
}

func (a *API) listUsers(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	id := r.PathValue("org_id")
	if !c.Platform() && id != c.OrgID {
		a.errorResponse(w, r, store.ErrNotFound)
		return
	}
	if _, err := a.DB.Org(r.Context(), id); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	users, err := a.DB.Users(r.Context(), id)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	items := make([]userView, len(users))
	for i, u := range users {
		items[i] = userViewOf(u)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": ""})
}
