package httpapi

import (
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/sigap/sigap/internal/contact"
	"github.com/sigap/sigap/internal/notice"
)

var jurisdictionParam = regexp.MustCompile(`^[A-Z]{2}$`)

func (a *API) getContacts(w http.ResponseWriter, r *http.Request) {
	j := strings.ToUpper(r.URL.Query().Get("jurisdiction"))
	if j == "" {
		j = "ID"
	}
	if !jurisdictionParam.MatchString(j) {
		a.errorResponse(w, r, invalid("jurisdiction", "invalid", "jurisdiction must be an ISO 3166-1 alpha-2 code such as ID (EU allowed)"))
		return
	}
	d, err := a.Contacts.Lookup(r.Context(), j)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (a *API) addContact(w http.ResponseWriter, r *http.Request) {
	var in contact.Input
	if err := decodeStrict(r, &in); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	c, err := a.Contacts.Add(r.Context(), in)
	var ie *contact.ErrInvalid
	if errors.As(err, &ie) {
		fields := make([]notice.FieldError, 0, len(ie.Fields))
		for _, f := range ie.Fields {
			fields = append(fields, notice.FieldError{Field: f.Field, Code: f.Code, Message: f.Message})
		}
		a.errorResponse(w, r, &notice.ValidationError{Fields: fields})
		return
	}
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

func (a *API) removeContact(w http.ResponseWriter, r *http.Request) {
	if err := a.Contacts.Remove(r.Context(), r.PathValue("id")); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
