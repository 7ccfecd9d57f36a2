package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/sigap/sigap/internal/audit"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// auditPageSize is how many entries the audit page shows at once.
const auditPageSize = 50

// CanReadAudit reports whether the person may read the audit record: admins
// and auditors, the platform's of every org, another org's of their own.
func (q *req) CanReadAudit() bool {
	return q.User != nil && (q.User.Role == org.RoleAdmin || q.User.Role == org.RoleAuditor)
}

type auditData struct {
	Items []audit.Item
	// From and To are the period asked for, as typed (YYYY-MM-DD, WIB days).
	From, To string
	Next     string
	Errors   []string
}

// auditPage lists who changed what, newest first, a page at a time.
func (p *Portal) auditPage(w http.ResponseWriter, r *http.Request, q *req) {
	qs := r.URL.Query()
	d := auditData{From: qs.Get("from"), To: qs.Get("to")}
	aq := store.AuditQuery{Limit: auditPageSize + 1}
	if !q.IsPlatform() {
		aq.OrgID = q.User.OrgID
	}
	// Days are WIB days: the ministry's working day, not UTC's.
	if t, err := time.ParseInLocation("2006-01-02", d.From, wib); err == nil {
		aq.From = t
	} else if d.From != "" {
		d.Errors = append(d.Errors, "from: "+d.From)
	}
	if t, err := time.ParseInLocation("2006-01-02", d.To, wib); err == nil {
		aq.To = t.AddDate(0, 0, 1)
	} else if d.To != "" {
		d.Errors = append(d.Errors, "to: "+d.To)
	}
	if c, err := strconv.ParseInt(qs.Get("before"), 10, 64); err == nil && c > 0 {
		aq.Before = c
	}
	items, err := p.DB.AuditItems(r.Context(), aq)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	if len(items) > auditPageSize {
		items = items[:auditPageSize]
		next := url.Values{"before": {strconv.FormatInt(items[len(items)-1].LogIndex, 10)}}
		if d.From != "" {
			next.Set("from", d.From)
		}
		if d.To != "" {
			next.Set("to", d.To)
		}
		d.Next = "/audit?" + next.Encode()
	}
	d.Items = items
	status := http.StatusOK
	if len(d.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	p.render(w, r, q, status, "audit", "audit.title", d)
}
