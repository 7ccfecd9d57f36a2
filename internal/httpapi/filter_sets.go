package httpapi

import (
	"fmt"
	"mime"
	"net/http"

	"github.com/sigap/sigap/internal/filterset"
)

// The handlers here serve every family of filter sets (/v1/banks,
// /v1/lists); fs is the family's service, and what differs between the
// families is fs.Kind's.

func (a *API) createSet(fs *filterset.Service) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in filterset.CreateInput
		var err error
		if fs.Kind.SetKinds() != nil {
			err = decodeStrict(r, &in)
		} else {
			// A family of one kind refuses kind and language as fields it does not have.
			var one struct {
				Name        string   `json:"name"`
				Policy      string   `json:"policy"`
				Labels      []string `json:"labels"`
				Description string   `json:"description"`
			}
			err = decodeStrict(r, &one)
			in = filterset.CreateInput{Name: one.Name, Policy: one.Policy, Labels: one.Labels, Description: one.Description}
		}
		if err != nil {
			a.errorResponse(w, r, err)
			return
		}
		s, err := fs.Create(r.Context(), callerFrom(r.Context()), in)
		if err != nil {
			a.errorResponse(w, r, err)
			return
		}
		writeJSON(w, http.StatusCreated, s)
	}
}

func (a *API) listSets(fs *filterset.Service) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		limit, cursor, err := page(r)
		if err != nil {
			a.errorResponse(w, r, err)
			return
		}
		items, next, err := fs.List(r.Context(), cursor, limit)
		if err != nil {
			a.errorResponse(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": next})
	}
}

func (a *API) getSet(fs *filterset.Service) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, err := fs.Get(r.Context(), r.PathValue("id"))
		if err != nil {
			a.errorResponse(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, s)
	}
}

func (a *API) patchSet(fs *filterset.Service) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in filterset.PatchInput
		if err := decodeStrict(r, &in); err != nil {
			a.errorResponse(w, r, err)
			return
		}
		s, err := fs.Patch(r.Context(), r.PathValue("id"), in)
		if err != nil {
			a.errorResponse(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, s)
	}
}

func (a *API) addEntry(fs *filterset.Service) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in filterset.Item
		var err error
		if fs.Kind.EntryTypes() != nil {
			err = decodeStrict(r, &in)
		} else {
			// Where the value decides the type, a type is a field the entry does not have.
			var rule struct {
				Value  string `json:"value"`
				Source string `json:"source"`
				CaseID string `json:"case_id,omitempty"`
			}
			err = decodeStrict(r, &rule)
			in = filterset.Item{Value: rule.Value, Source: rule.Source, CaseID: rule.CaseID}
		}
		if err != nil {
			a.errorResponse(w, r, err)
			return
		}
		e, err := fs.AddEntry(r.Context(), callerFrom(r.Context()), r.PathValue("id"), in)
		if err != nil {
			a.errorResponse(w, r, err)
			return
		}
		writeJSON(w, http.StatusCreated, e)
	}
}

// importSet reads the family's import formats (?format= names one; else the
// Content-Type and the body tell) and adds what they hold.
func (a *API) importSet(fs *filterset.Service) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, err := fs.Get(r.Context(), r.PathValue("id"))
		if err != nil {
			a.errorResponse(w, r, err)
			return
		}
		body, err := readBody(r)
		if err != nil {
			a.errorResponse(w, r, err)
			return
		}
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		items, err := fs.Kind.ParseImport(body, r.URL.Query().Get("format"), mt, s.Kind)
		if err != nil {
			a.errorResponse(w, r, err)
			return
		}
		res, err := fs.Import(r.Context(), callerFrom(r.Context()), s.ID, items)
		if err != nil {
			a.errorResponse(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, res)
	}
}

// exportSet streams a set's live entries in the family's format named by
// ?format= (or its default).
func (a *API) exportSet(fs *filterset.Service) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f, err := fs.ExportFormat(r.URL.Query().Get("format"))
		if err != nil {
			a.errorResponse(w, r, err)
			return
		}
		s, err := fs.Get(r.Context(), r.PathValue("id"))
		if err != nil {
			a.errorResponse(w, r, err)
			return
		}
		w.Header().Set("Content-Type", f.ContentType)
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", s.ID+"."+f.Ext))
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if err := fs.Export(r.Context(), w, s, f); err != nil {
			a.Log.ErrorContext(r.Context(), "export: failed midway; the connection is cut so part of a set is not taken for all of it", "set", s.ID, "err", err)
			panic(http.ErrAbortHandler)
		}
	}
}

func (a *API) listEntries(fs *filterset.Service) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		limit, cursor, err := page(r)
		if err != nil {
			a.errorResponse(w, r, err)
			return
		}
		items, next, err := fs.Entries(r.Context(), r.PathValue("id"), cursor, limit, r.URL.Query().Get("removed") == "true")
		if err != nil {
			a.errorResponse(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": next})
	}
}

func (a *API) removeEntry(fs *filterset.Service) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := fs.RemoveEntry(r.Context(), callerFrom(r.Context()), r.PathValue("id"), r.PathValue("entry_id")); err != nil {
			a.errorResponse(w, r, err)
			return
		}
		a.writeEntry(w, r, fs)
	}
}

func (a *API) releaseEntry(fs *filterset.Service) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := fs.ReleaseEntry(r.Context(), r.PathValue("id"), r.PathValue("entry_id")); err != nil {
			a.errorResponse(w, r, err)
			return
		}
		a.writeEntry(w, r, fs)
	}
}

// writeEntry answers with the entry named in the path, as it is now.
func (a *API) writeEntry(w http.ResponseWriter, r *http.Request, fs *filterset.Service) {
	e, err := fs.Entry(r.Context(), r.PathValue("id"), r.PathValue("entry_id"))
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}
