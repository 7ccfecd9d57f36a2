package httpapi

import (
	"net/http"
	"strconv"

	"github.com/sigap/sigap/internal/audit"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// listAudit pages through who changed what, newest first: the platform's
// admins and auditors see every entry, another org's only those about it.
// The cursor is the log index of the last item of the page before.
func (a *API) listAudit(r *http.Request, c org.Caller, _ noBody) (list[audit.Item], error) {
	limit, cursor, err := page(r)
	if err != nil {
		return list[audit.Item]{}, err
	}
	q := store.AuditQuery{Limit: limit + 1}
	if cursor != "" {
		if q.Before, err = strconv.ParseInt(cursor, 10, 64); err != nil || q.Before < 1 {
			return list[audit.Item]{}, &notice.ValidationError{Fields: []notice.FieldError{{Field: "cursor", Code: "invalid",
				Message: "cursor is not one this API gave out"}}}
		}
	}
	if q.From, err = parseTimeField("from", r.URL.Query().Get("from")); err != nil {
		return list[audit.Item]{}, err
	}
	if q.To, err = parseTimeField("to", r.URL.Query().Get("to")); err != nil {
		return list[audit.Item]{}, err
	}
	if !c.Platform() {
		q.OrgID = c.OrgID
	}
	items, err := a.DB.AuditItems(r.Context(), q)
	if err != nil {
		return list[audit.Item]{}, err
	}
	return pageOf(items, limit, func(it audit.Item) string { return strconv.FormatInt(it.LogIndex, 10) }), nil
}
