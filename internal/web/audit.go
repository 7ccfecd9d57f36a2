package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
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
	// Q is the search, as typed (trimmed and bounded).
	Q      string
	Next   string
	Errors []string
}

// auditPage lists who changed what, newest first, a page at a time.
func (p *Portal) auditPage(w http.ResponseWriter, r *http.Request, q *req) {
	qs := r.URL.Query()
	d := auditData{From: qs.Get("from"), To: qs.Get("to"), Q: searchText(r)}
	aq := store.AuditQuery{Limit: auditPageSize + 1, Text: d.Q}
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
	if d.Q != "" {
		actors, err := p.actorsNamed(r.Context(), q, d.Q)
		if err != nil {
			p.serverError(w, r, err)
			return
		}
		aq.Actors = actors
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
		if d.Q != "" {
			next.Set("q", d.Q)
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

// maxActorsNamed bounds how many people one audit search looks for by name.
const maxActorsNamed = 100

// actorsNamed gives the actor strings of the people the viewer may know whose
// name or address holds text (any case), so the audit search finds a person
// by the name the page shows rather than only by the ID the record keeps.
func (p *Portal) actorsNamed(ctx context.Context, q *req, text string) ([]string, error) {
	us, err := p.DB.Users(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("web: audit actors: %w", err)
	}
	text = strings.ToLower(text)
	var out []string
	for _, u := range us {
		if !q.IsPlatform() && u.OrgID != q.User.OrgID {
			continue
		}
		if strings.Contains(strings.ToLower(u.Name), text) || strings.Contains(strings.ToLower(u.Email), text) {
			out = append(out, u.ID, "user:"+u.ID)
		}
		// A short text may name half the staff; the first ones are enough
		// to keep the statement small, and the text still matches IDs.
		if len(out) >= 2*maxActorsNamed {
			break
		}
	}
	return out, nil
}
