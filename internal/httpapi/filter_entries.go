package httpapi

import (
	"context"
	"net/http"

	"github.com/sigap/sigap/internal/bank"
	"github.com/sigap/sigap/internal/org"
)

// entrySet is what banks and rule lists share for their entries, so one set
// of handlers serves both.
type entrySet interface {
	Entries(ctx context.Context, setID, cursor string, limit int, withRemoved bool) ([]bank.Entry, string, error)
	RemoveEntry(ctx context.Context, c org.Caller, setID, entryID string) error
	ReleaseEntry(ctx context.Context, setID, entryID string) error
}

func (a *API) listEntries(set entrySet) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !platformOnly(w, r) {
			return
		}
		limit, cursor, err := page(r)
		if err != nil {
			a.errorResponse(w, r, err)
			return
		}
		items, next, err := set.Entries(r.Context(), r.PathValue("id"), cursor, limit, r.URL.Query().Get("removed") == "true")
		if err != nil {
			a.filterError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": next})
	}
}

func (a *API) removeEntry(set entrySet) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !platformOnly(w, r) {
			return
		}
		if err := set.RemoveEntry(r.Context(), callerFrom(r.Context()), r.PathValue("id"), r.PathValue("entry_id")); err != nil {
			a.filterError(w, r, err)
			return
		}
		a.writeEntry(w, r)
	}
}

func (a *API) releaseEntry(set entrySet) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !platformOnly(w, r) {
			return
		}
		if err := set.ReleaseEntry(r.Context(), r.PathValue("id"), r.PathValue("entry_id")); err != nil {
			a.filterError(w, r, err)
			return
		}
		a.writeEntry(w, r)
	}
}
