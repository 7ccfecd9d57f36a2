package httpapi

import (
	"net/http"

	"github.com/sigap/sigap/internal/org"
)

// noBody is the In of a JSON handler that reads no request body.
type noBody struct{}

// jsonHandler is the plain JSON route: it decodes the body into In (none when
// In is noBody), calls fn with the request and its caller, and answers fn's
// result with status, or fn's error with its problem. Handlers that stream,
// set headers or answer without a body are written out in full instead.
func jsonHandler[In, Out any](a *API, status int, fn func(r *http.Request, c org.Caller, in In) (Out, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in In
		if _, none := any(in).(noBody); !none {
			if err := decodeStrict(r, &in); err != nil {
				a.errorResponse(w, r, err)
				return
			}
		}
		out, err := fn(r, callerFrom(r.Context()), in)
		if err != nil {
			a.errorResponse(w, r, err)
			return
		}
		writeJSON(w, status, out)
	}
}

// list is the contract's page of items.
type list[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// listOf is a page of items, never null.
func listOf[T any](items []T, next string) list[T] {
	if items == nil {
		items = []T{}
	}
	return list[T]{Items: items, NextCursor: next}
}

// viewsOf is the answer's view of each of xs.
func viewsOf[T, V any](xs []T, view func(T) V) []V {
	out := make([]V, len(xs))
	for i, x := range xs {
		out[i] = view(x)
	}
	return out
}

// pagedList answers one page of what fetch gives when asked for ?limit=
// plus one from ?cursor=, each item as view shows it.
func pagedList[T, V any](r *http.Request, fetch func(cursor string, limit int) ([]T, error), view func(T) V, id func(V) string) (list[V], error) {
	limit, cursor, err := page(r)
	if err != nil {
		return list[V]{}, err
	}
	xs, err := fetch(cursor, limit+1)
	if err != nil {
		return list[V]{}, err
	}
	return pageOf(viewsOf(xs, view), limit, id), nil
}

// paged answers one page of what fetch gives when asked for ?limit= plus
// one from ?cursor=, each item as fetch gives it.
func paged[T any](r *http.Request, fetch func(cursor string, limit int) ([]T, error), id func(T) string) (list[T], error) {
	return pagedList(r, fetch, func(x T) T { return x }, id)
}

// pageOf cuts items, fetched with limit+1, to a page whose next cursor is the
// id of its last item when more follow.
func pageOf[T any](items []T, limit int, id func(T) string) list[T] {
	next := ""
	if len(items) > limit {
		items, next = items[:limit], id(items[limit-1])
	}
	return listOf(items, next)
}
