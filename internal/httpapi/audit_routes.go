package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/sigap/sigap/internal/audit"
	"github.com/sigap/sigap/internal/store"
)

// auditedRoutes are the routes whose changes the route table records in the
// audit record after the handler answers, because their services do not (yet)
// write the entry in the change's own transaction: the hash banks and rule
// lists, which are being merged into one filter-set core. Once that core
// writes tx.Audit itself, its routes leave this table.
func auditedRoutes() map[string]string {
	return map[string]string{
		"POST /v1/banks":                                      "bank." + audit.SetCreated,
		"PATCH /v1/banks/{id}":                                "bank." + audit.SetChanged,
		"POST /v1/banks/{id}/entries":                         "bank." + audit.SetEntryAdded,
		"DELETE /v1/banks/{id}/entries/{entry_id}":            "bank." + audit.SetEntryRemoved,
		"DELETE /v1/banks/{id}/entries/{entry_id}/quarantine": "bank." + audit.SetEntryRelease,
		"POST /v1/banks/{id}/import":                          "bank." + audit.SetImported,
		"POST /v1/lists":                                      "list." + audit.SetCreated,
		"PATCH /v1/lists/{id}":                                "list." + audit.SetChanged,
		"POST /v1/lists/{id}/entries":                         "list." + audit.SetEntryAdded,
		"DELETE /v1/lists/{id}/entries/{entry_id}":            "list." + audit.SetEntryRemoved,
		"DELETE /v1/lists/{id}/entries/{entry_id}/quarantine": "list." + audit.SetEntryRelease,
		"POST /v1/lists/{id}/import":                          "list." + audit.SetImported,
		"POST /v1/orgs/{org_id}/signing-keys":                 "org.signing_key_added",
		"DELETE /v1/orgs/{org_id}/signing-keys/{keyid}":       "org.signing_key_revoked",
		"PATCH /v1/orgs/{org_id}":                             "org.changed",
	}
}

// auditWriter keeps an answer's status and the start of its body, to tell
// whether the handler changed something and what it made.
type auditWriter struct {
	statusWriter
	head bytes.Buffer
}

// headLimit is how much of an answer auditWriter keeps: enough for the "id"
// of a created bank, list or entry, which comes first.
const headLimit = 4096

func (w *auditWriter) Write(b []byte) (int, error) {
	if room := headLimit - w.head.Len(); room > 0 {
		w.head.Write(b[:min(room, len(b))])
	}
	return w.statusWriter.Write(b)
}

// audited records action once h has answered a success. The object is what
// a 201 answer made (its "id"), else the entry in the path, else the set. The entry is written after the answer, in a transaction of its
// own: a crash between the two loses it (docs/api-keys.md), which is why
// these routes are to move to entries written by their service.
func (a *API) audited(action string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		aw := &auditWriter{statusWriter: statusWriter{ResponseWriter: w}}
		h(aw, r)
		if aw.status < 200 || aw.status > 299 {
			return
		}
		object := r.PathValue("entry_id")
		if aw.status == http.StatusCreated {
			var made struct {
				ID string `json:"id"`
			}
			_ = json.Unmarshal(aw.head.Bytes(), &made)
			object = made.ID
		}
		for _, name := range []string{"keyid", "id", "org_id"} {
			if object == "" {
				object = r.PathValue(name)
			}
		}
		c := callerFrom(r.Context())
		e := audit.Entry{At: a.Clock.Now(), Action: action, Object: object, OrgID: c.OrgID}
		if err := a.DB.Write(r.Context(), func(tx *store.Tx) error { return tx.Audit(r.Context(), e) }); err != nil {
			a.Log.ErrorContext(r.Context(), "audit entry not written", "action", action, "object", object, "err", err)
		}
	}
}
