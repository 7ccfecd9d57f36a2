package httpapi

import (
	"fmt"
	"mime"
	"net/http"

	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/org"
)

// The handlers here serve every family of filter sets (/v1/banks,
// /v1/lists); fs is the family's service, and what differs between the
// families is fs.Kind's.

// oneKindSet is a new set of a family of one kind, which refuses kind and
// language as fields it does not have.
type oneKindSet struct {
	Name        string   `json:"name"`
	Policy      string   `json:"policy"`
	Labels      []string `json:"labels"`
	Description string   `json:"description"`
}

// valueRule is an entry of a family where the value decides the type, so a
// type is a field the entry does not have.
type valueRule struct {
	Value  string `json:"value"`
	Source string `json:"source"`
	CaseID string `json:"case_id,omitempty"`
}

// decodeFamily decodes the body as F when the family has all of F's fields
// (full), else as the narrower N, which refuses the rest, widened to F.
func decodeFamily[F, N any](r *http.Request, full bool, widen func(N) F) (F, error) {
	var f F
	if full {
		return f, decodeStrict(r, &f)
	}
	var n N
	if err := decodeStrict(r, &n); err != nil {
		return f, err
	}
	return widen(n), nil
}

func (a *API) createSet(fs *filterset.Service) http.HandlerFunc {
	return jsonHandler(a, http.StatusCreated, func(r *http.Request, c org.Caller, _ noBody) (filterset.Set, error) {
		in, err := decodeFamily(r, fs.Kind.SetKinds() != nil, func(one oneKindSet) filterset.CreateInput {
			return filterset.CreateInput{Name: one.Name, Policy: one.Policy, Labels: one.Labels, Description: one.Description}
		})
		if err != nil {
			return filterset.Set{}, err
		}
		return fs.Create(r.Context(), c, in)
	})
}

func (a *API) listSets(fs *filterset.Service) http.HandlerFunc {
	return jsonHandler(a, http.StatusOK, func(r *http.Request, _ org.Caller, _ noBody) (map[string]any, error) {
		limit, cursor, err := page(r)
		if err != nil {
			return nil, err
		}
		items, next, err := fs.List(r.Context(), cursor, limit)
		return map[string]any{"items": items, "next_cursor": next}, err
	})
}

func (a *API) getSet(fs *filterset.Service) http.HandlerFunc {
	return jsonHandler(a, http.StatusOK, func(r *http.Request, _ org.Caller, _ noBody) (filterset.Set, error) {
		return fs.Get(r.Context(), r.PathValue("id"))
	})
}

func (a *API) patchSet(fs *filterset.Service) http.HandlerFunc {
	return jsonHandler(a, http.StatusOK, func(r *http.Request, _ org.Caller, in filterset.PatchInput) (filterset.Set, error) {
		return fs.Patch(r.Context(), r.PathValue("id"), in)
	})
}

func (a *API) addEntry(fs *filterset.Service) http.HandlerFunc {
	return jsonHandler(a, http.StatusCreated, func(r *http.Request, c org.Caller, _ noBody) (filterset.Entry, error) {
		in, err := decodeFamily(r, fs.Kind.EntryTypes() != nil, func(rule valueRule) filterset.Item {
			return filterset.Item{Value: rule.Value, Source: rule.Source, CaseID: rule.CaseID}
		})
		if err != nil {
			return filterset.Entry{}, err
		}
		return fs.AddEntry(r.Context(), c, r.PathValue("id"), in)
	})
}

// importSet reads the family's import formats (?format= names one; else the
// Content-Type and the body tell) and adds what they hold.
func (a *API) importSet(fs *filterset.Service) http.HandlerFunc {
	return jsonHandler(a, http.StatusOK, func(r *http.Request, c org.Caller, _ noBody) (filterset.ImportResult, error) {
		s, err := fs.Get(r.Context(), r.PathValue("id"))
		if err != nil {
			return filterset.ImportResult{}, err
		}
		body, err := readBody(r)
		if err != nil {
			return filterset.ImportResult{}, err
		}
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		items, err := fs.Kind.ParseImport(body, r.URL.Query().Get("format"), mt, s.Kind)
		if err != nil {
			return filterset.ImportResult{}, err
		}
		return fs.Import(r.Context(), c, s.ID, items)
	})
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
	return jsonHandler(a, http.StatusOK, func(r *http.Request, _ org.Caller, _ noBody) (map[string]any, error) {
		limit, cursor, err := page(r)
		if err != nil {
			return nil, err
		}
		items, next, err := fs.Entries(r.Context(), r.PathValue("id"), cursor, limit, r.URL.Query().Get("removed") == "true")
		return map[string]any{"items": items, "next_cursor": next}, err
	})
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
