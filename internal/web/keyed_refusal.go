package web

import (
	"errors"
	"net/http"
)

// keyedRefusal is an error a person is told of: the status it answers and
// the catalogue key of what the page says.
type keyedRefusal struct {
	err    error
	status int
	key    string
}

// matchRefusal finds the first refusal in table that err is; ok is false for
// an error none names (a server error).
func matchRefusal(table []keyedRefusal, err error) (rf keyedRefusal, ok bool) {
	for _, x := range table {
		if errors.Is(err, x.err) {
			return x, true
		}
	}
	return keyedRefusal{}, false
}

// failed answers err, if there is one: with the page of the first refusal
// in table that it is, else as a server error. It reports whether it answered.
func (p *Portal) failed(w http.ResponseWriter, r *http.Request, err error, table ...keyedRefusal) bool {
	if err == nil {
		return false
	}
	if rf, ok := matchRefusal(table, err); ok {
		p.errorPage(w, r, rf.status, rf.key)
	} else {
		p.serverError(w, r, err)
	}
	return true
}
