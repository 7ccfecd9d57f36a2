package web

import (
	"net/http"
	"time"

	"github.com/sigap/sigap/internal/feed"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// The exchange page (docs/exchange.md): this server's subscriptions to other
// servers' feeds with their status, the shares of its own sets, and the
// entries its subscribers reported, which an admin can withdraw from here.

// exchangeWriters poll now and withdraw entries, as the API's share admins.
var exchangeWriters = []org.Role{org.RoleAdmin}

// reportedEntry is one entry's verdicts from one subscriber.
type reportedEntry struct {
	Family, SetID, SetName string
	Value                  string
	Live                   bool
	feed.Feedback
}

// shareRow is one share of one of this server's sets.
type shareRow struct {
	Family, SetName string
	feed.Share
}

type exchangeData struct {
	Subscriptions []feed.Subscription
	Shares        []shareRow
	Reported      []reportedEntry
	CanEdit       bool
	Done          string
	Now           time.Time
}

// exchangePage shows subscriptions, shares and reported entries.
func (p *Portal) exchangePage(w http.ResponseWriter, r *http.Request, q *req) {
	ctx := r.Context()
	d := exchangeData{CanEdit: q.IsAdmin(), Done: r.URL.Query().Get("done"), Now: p.now()}
	var err error
	if d.Subscriptions, err = p.Feeds.Subscriptions(ctx, "", 500); err != nil {
		p.serverError(w, r, err)
		return
	}
	sets, err := p.DB.FilterSets(ctx, "", "", 0)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	for _, set := range sets {
		shares, err := p.Feeds.Shares(ctx, set.Family, set.ID, baseURL(r))
		if err != nil {
			p.serverError(w, r, err)
			return
		}
		for _, sh := range shares {
			d.Shares = append(d.Shares, shareRow{Family: set.Family, SetName: set.Name, Share: sh})
		}
		if len(shares) == 0 {
			continue
		}
		fbs, err := p.Feeds.Feedback(ctx, set.Family, set.ID, "")
		if err != nil {
			p.serverError(w, r, err)
			return
		}
		for _, fb := range fbs {
			e, err := p.DB.FilterEntry(ctx, set.ID, fb.EntryID)
			if err != nil {
				p.serverError(w, r, err)
				return
			}
			d.Reported = append(d.Reported, reportedEntry{Family: set.Family, SetID: set.ID, SetName: set.Name, Value: e.Value, Live: e.Live(), Feedback: fb})
		}
	}
	p.render(w, r, q, http.StatusOK, "exchange", "ex.title", d)
}

// exchangePoll makes a subscription poll at once.
func (p *Portal) exchangePoll(w http.ResponseWriter, r *http.Request, q *req) {
	if err := p.Feeds.PollNow(r.Context(), r.PathValue("id")); err != nil {
		p.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/exchange?done=polled", http.StatusSeeOther)
}

// exchangeWithdraw removes a reported entry from its set: the removal is
// the next event of the set's feed, so every subscriber's copy loses it.
func (p *Portal) exchangeWithdraw(w http.ResponseWriter, r *http.Request, q *req) {
	fs := p.Banks
	if r.PathValue("family") == store.FamilyList {
		fs = p.Lists
	}
	if err := fs.RemoveEntry(r.Context(), filterCaller(q), r.PathValue("set"), r.PathValue("entry")); err != nil {
		p.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/exchange?done=withdrawn", http.StatusSeeOther)
}
