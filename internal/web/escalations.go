package web

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// escalationReaders are the platform roles that see every open clock;
// authorities see only their own notices' breaches.
var escalationReaders = []org.Role{org.RoleAdmin, org.RoleReviewer, org.RoleAuditor}

// escalationScan bounds how many notices and alerts one page reads.
const escalationScan = 200

// defaultEscalateAt is the policy's default when it sets no fractions.
var defaultEscalateAt = []float64{0.5, 0.8, 1.0}

// CanReadEscalations reports whether the user may see the escalations page.
func (q *req) CanReadEscalations() bool {
	if q.User == nil {
		return false
	}
	return q.User.OrgKind == org.KindAuthority || (q.IsPlatform() && slices.Contains(escalationReaders, q.User.Role))
}

type clockRow struct {
	N *notice.Notice
	// Percent and NextAt are the next alert; zero when every alert has passed.
	Percent  int
	NextAt   *time.Time
	Breached bool
}

type breachRow struct {
	*store.Alert
	Reference string
}

type escalationsData struct {
	Full     bool
	Clocks   []clockRow
	Unopened []*notice.Notice
	Breaches []breachRow
}

// nextAlert is the first fraction of the policy still ahead on a clock, at
// due − (1 − f)·within as the escalation timers compute it. A paused clock
// (a clarification asked) shows its alert as if it ran; the answer moves due_at.
func (p *Portal) nextAlert(n *notice.Notice, now time.Time) (int, *time.Time) {
	at := defaultEscalateAt
	if p.Policy != nil && len(p.Policy.EscalateAt) > 0 {
		at = p.Policy.EscalateAt
	}
	within := n.DueAt.Sub(n.ReceivedAt)
	for _, f := range at {
		t := n.DueAt.Add(-time.Duration((1 - f) * float64(within)))
		if t.After(now) {
			return int(f*100 + 0.5), &t
		}
	}
	return 0, nil
}

// escalationsPage shows open clocks with their next alert, urgent orders
// nobody has opened, and recorded breaches.
func (p *Portal) escalationsPage(w http.ResponseWriter, r *http.Request, q *req) {
	if !q.CanReadEscalations() {
		p.errorPage(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	ctx := r.Context()
	now := p.now()
	d := escalationsData{Full: q.IsPlatform()}
	if d.Full {
		for _, st := range []string{notice.StatusReceived, notice.StatusInReview} {
			ns, err := p.DB.Notices(ctx, store.NoticeFilter{Status: st, Limit: escalationScan})
			if err != nil {
				p.serverError(w, r, err)
				return
			}
			for _, n := range ns {
				row := clockRow{N: n, Breached: !now.Before(n.DueAt)}
				row.Percent, row.NextAt = p.nextAlert(n, now)
				d.Clocks = append(d.Clocks, row)
				if notice.Binding(n.Kind) && n.Urgent && st == notice.StatusReceived {
					d.Unopened = append(d.Unopened, n)
				}
			}
		}
		// The nearest deadline first: that is the one to act on.
		slices.SortFunc(d.Clocks, func(a, b clockRow) int { return a.N.DueAt.Compare(b.N.DueAt) })
	}
	as, err := p.DB.Alerts(ctx, "", "", escalationScan)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	for _, a := range as {
		if a.Kind != store.AlertBreach {
			continue
		}
		orgID := ""
		if !d.Full {
			orgID = q.User.OrgID
		}
		n, err := p.DB.Notice(ctx, a.NoticeID, orgID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			p.serverError(w, r, err)
			return
		}
		d.Breaches = append(d.Breaches, breachRow{Alert: a, Reference: n.Reference})
	}
	p.render(w, r, q, http.StatusOK, "escalations", "es.title", d)
}
