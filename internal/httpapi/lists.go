package httpapi

import (
	"net/http"

	"github.com/sigap/sigap/internal/bank"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/rulelist"
)

func (a *API) createList(w http.ResponseWriter, r *http.Request) {
	if !platformOnly(w, r) {
		return
	}
	var in rulelist.CreateInput
	if err := decodeStrict(r, &in); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	l, err := a.Lists.Create(r.Context(), callerFrom(r.Context()), in)
	if err != nil {
		a.filterError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, l)
}

func (a *API) listLists(w http.ResponseWriter, r *http.Request) {
	if !platformOnly(w, r) {
		return
	}
	limit, cursor, err := page(r)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	items, next, err := a.Lists.List(r.Context(), cursor, limit)
	if err != nil {
		a.filterError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": next})
}

func (a *API) getList(w http.ResponseWriter, r *http.Request) {
	if !platformOnly(w, r) {
		return
	}
	l, err := a.Lists.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		a.filterError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, l)
}

func (a *API) patchList(w http.ResponseWriter, r *http.Request) {
	if !platformOnly(w, r) {
		return
	}
	var in bank.PatchInput
	if err := decodeStrict(r, &in); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	l, err := a.Lists.Patch(r.Context(), r.PathValue("id"), in)
	if err != nil {
		a.filterError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, l)
}

func (a *API) addListEntry(w http.ResponseWriter, r *http.Request) {
	if !platformOnly(w, r) {
		return
	}
	var in rulelist.EntryInput
	if err := decodeStrict(r, &in); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	e, err := a.Lists.AddEntry(r.Context(), callerFrom(r.Context()), r.PathValue("id"), in)
	if err != nil {
		a.filterError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, e)
}

// importList takes a plain-text file (one entry per line; for text lists,
// entries separated by "---" lines) or JSON {"entries": [{"value": ...}]}.
func (a *API) importList(w http.ResponseWriter, r *http.Request) {
	if !platformOnly(w, r) {
		return
	}
	l, err := a.Lists.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		a.filterError(w, r, err)
		return
	}
	var entries []rulelist.EntryInput
	body, err := readBody(r)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	if looksLikeJSON(r, body) {
		var in importDoc
		if err := decodeStrictBytes(body, &in); err != nil {
			a.errorResponse(w, r, err)
			return
		}
		entries = in.inputs()
	} else {
		if entries, err = rulelist.ParseText(bytesReader(body), l.Kind); err != nil {
			a.errorResponse(w, r, &notice.ValidationError{Fields: []notice.FieldError{{Field: "body", Code: "invalid", Message: err.Error()}}})
			return
		}
	}
	res, err := a.Lists.Import(r.Context(), callerFrom(r.Context()), l.ID, entries)
	if err != nil {
		a.filterError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}
