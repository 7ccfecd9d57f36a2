package web

import (
	"net/http"
	"net/url"
)

// postForm parses the form r posts and gives its values; a body that cannot
// be parsed gets the server error page, and ok is false.
func (p *Portal) postForm(w http.ResponseWriter, r *http.Request) (f url.Values, ok bool) {
	if err := r.ParseForm(); err != nil {
		p.serverError(w, r, err)
		return nil, false
	}
	return r.PostForm, true
}
