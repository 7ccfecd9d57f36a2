package httpapi

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/sigap/sigap/internal/contact"
	"github.com/sigap/sigap/internal/org"
)

var jurisdictionParam = regexp.MustCompile(`^[A-Z]{2}$`)

func (a *API) getContacts(r *http.Request, _ org.Caller, _ noBody) (*contact.Directory, error) {
	j := strings.ToUpper(r.URL.Query().Get("jurisdiction"))
	if j == "" {
		j = "ID"
	}
	if !jurisdictionParam.MatchString(j) {
		return nil, invalid("jurisdiction", "invalid", "jurisdiction must be an ISO 3166-1 alpha-2 code such as ID (EU allowed)")
	}
	return a.Contacts.Lookup(r.Context(), j)
}

func (a *API) addContact(r *http.Request, _ org.Caller, in contact.Input) (*org.Contact, error) {
	return a.Contacts.Add(r.Context(), in)
}

func (a *API) removeContact(w http.ResponseWriter, r *http.Request) {
	if err := a.Contacts.Remove(r.Context(), r.PathValue("id")); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
