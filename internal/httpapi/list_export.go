package httpapi

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/sigap/sigap/internal/bank"
	"github.com/sigap/sigap/internal/rulelist"
)

// exportEntry is one live rule with where it came from.
type exportEntry struct {
	rulelist.EntryInput
	AddedBy *bank.AddedBy `json:"added_by,omitempty"`
	AddedAt *time.Time    `json:"added_at,omitempty"`
}

// importDoc is what the JSON form of an import may hold: {"entries": [...]}
// or a whole export.
type importDoc struct {
	List       json.RawMessage `json:"list,omitempty"`
	ExportedAt json.RawMessage `json:"exported_at,omitempty"`
	Entries    []exportEntry   `json:"entries"`
}

func (d importDoc) inputs() []rulelist.EntryInput {
	out := make([]rulelist.EntryInput, len(d.Entries))
	for i, e := range d.Entries {
		out[i] = e.EntryInput
	}
	return out
}

// looksLikeJSON reports whether an import without a JSON content type is
// JSON all the same (curl -d sends application/x-www-form-urlencoded); a
// text list would not start with a brace.
func looksLikeJSON(r *http.Request, body []byte) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/json":
		return true
	case "text/plain":
		return false
	}
	return bytes.HasPrefix(bytes.TrimSpace(body), []byte("{"))
}

// exportList streams a list's live rules: JSON with provenance by default,
// or ?format=text, the plain text the import reads back.
func (a *API) exportList(w http.ResponseWriter, r *http.Request) {
	if !platformOnly(w, r) {
		return
	}
	format := r.URL.Query().Get("format")
	if format != "" && format != "json" && format != "text" {
		problem(w, http.StatusBadRequest, "unknown_format", "Unknown format", "format is json (the default) or text")
		return
	}
	l, err := a.Lists.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		a.filterError(w, r, err)
		return
	}
	ext := "json"
	if format == "text" {
		ext = "txt"
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "application/json")
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", l.ID+"."+ext))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if format == "text" {
		err = a.Lists.WriteText(r.Context(), w, l)
	} else {
		err = writeJSONExport(r.Context(), a.Lists, w, l)
	}
	if err != nil {
		a.Log.ErrorContext(r.Context(), "export: failed midway; the connection is cut so half a list is not taken for all of it", "list", l.ID, "err", err)
		panic(http.ErrAbortHandler)
	}
}

// writeJSONExport writes GET /v1/lists/{id}/export's JSON document,
// {"list", "exported_at", "entries": [exportEntry...]}, one entry at a time.
// POST /v1/lists/{id}/import takes it back as it is (see importDoc).
func writeJSONExport(ctx context.Context, lists *rulelist.Service, w io.Writer, l rulelist.List) error {
	bw := bufio.NewWriter(w)
	head, err := json.Marshal(struct {
		List       rulelist.List `json:"list"`
		ExportedAt time.Time     `json:"exported_at"`
	}{l, time.Now().UTC()})
	if err != nil {
		return err
	}
	bw.Write(head[:len(head)-1]) // the object stays open for its entries
	bw.WriteString(`,"entries":[`)
	first := true
	err = lists.EachLive(ctx, l, func(e bank.Entry) error {
		if !first {
			bw.WriteByte(',')
		}
		first = false
		b, err := json.Marshal(exportEntry{EntryInput: rulelist.EntryInput{Value: e.Value, Source: e.Source, CaseID: e.CaseID}, AddedBy: &e.AddedBy, AddedAt: &e.AddedAt})
		if err != nil {
			return err
		}
		_, err = bw.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	bw.WriteString("]}\n")
	return bw.Flush()
}
