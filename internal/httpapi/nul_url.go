package httpapi

import (
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/sigap/sigap/internal/notice"
)

// refuseNULInURL answers a request whose path or query holds a NUL character
// before any route sees it, the same on both engines: PostgreSQL cannot
// compare text with a NUL (it answered 500) and SQLite simply found nothing.
// A path with one names nothing (404, as SQLite answered); a query parameter
// with one is a 422 on that parameter.
func (a *API) refuseNULInURL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.ContainsRune(r.URL.Path, 0) {
			problem(w, http.StatusNotFound, "not_found", "Not found", "no such object, or it is not yours to see")
			return
		}
		if strings.Contains(r.URL.RawQuery, "%00") {
			q := r.URL.Query()
			names := make([]string, 0, len(q))
			for name := range q {
				names = append(names, name)
			}
			sort.Strings(names)
			for _, name := range names {
				if strings.ContainsRune(name, 0) || slices.ContainsFunc(q[name], func(v string) bool { return strings.ContainsRune(v, 0) }) {
					field := strings.ReplaceAll(name, "\x00", `\u0000`)
					a.errorResponse(w, r, &notice.ValidationError{Fields: []notice.FieldError{{Field: field, Code: nulCode,
						Message: "the query parameter " + field + " holds a NUL character (U+0000), which no text may hold; remove it"}}})
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}
