package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/policy"
	"github.com/sigap/sigap/internal/review"
	"github.com/sigap/sigap/internal/store"
)

// queueNext is how many waiting cases the queue page previews.
const queueNext = 20

type queueFilter struct {
	Category, Regime, Language, Lane, Languages string
}

func (f queueFilter) claim() store.ClaimFilter {
	langs := strings.FieldsFunc(f.Languages, func(r rune) bool { return r == ',' || r == ' ' })
	return store.ClaimFilter{Languages: langs, Category: f.Category, Regime: f.Regime, Language: f.Language, Lane: f.Lane}
}

func readQueueFilter(get func(string) string) queueFilter {
	g := func(k string) string { return strings.TrimSpace(get(k)) }
	return queueFilter{Category: g("category"), Regime: g("regime"), Language: g("language"), Lane: g("lane"), Languages: g("languages")}
}

type queueData struct {
	F          queueFilter
	Counts     map[string]int
	Lanes      []string
	Categories []string
	Regimes    []string
	Next       []*store.LeasedCase
	Held       []*store.LeasedCase
	CanClaim   bool
	Done       string
	Refusal    *refusal
	Empty      bool
}

func (p *Portal) queueData(r *http.Request, q *req, f queueFilter) (*queueData, error) {
	ctx := r.Context()
	d := &queueData{F: f, Lanes: notice.Lanes(),
		Categories: policy.Categories, Regimes: p.Policy.RegimeNames(), CanClaim: q.canReview(), Done: doneKey(r)}
	var err error
	if d.Counts, err = p.DB.QueueCounts(ctx, p.now()); err != nil {
		return nil, err
	}
	if d.Held, err = p.DB.HeldCases(ctx, review.Actor(q.Caller()), p.now()); err != nil {
		return nil, err
	}
	return d, nil
}

// reviewQueue is the queue: counts per lane, the cases the user holds, the
// next cases in claim order (filtered), and the claim button.
func (p *Portal) reviewQueue(w http.ResponseWriter, r *http.Request, q *req) {
	f := readQueueFilter(r.URL.Query().Get)
	d, err := p.queueData(r, q, f)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	d.Next, err = p.DB.WaitingCases(r.Context(), f.claim(), queueNext)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	p.render(w, r, q, http.StatusOK, "review_queue", "rv.queue.title", d)
}

// reviewClaim leases the next case that fits the filters and opens it.
func (p *Portal) reviewClaim(w http.ResponseWriter, r *http.Request, q *req) {
	if err := r.ParseForm(); err != nil {
		p.serverError(w, r, err)
		return
	}
	f := readQueueFilter(r.PostForm.Get)
	c, err := p.Review.Claim(r.Context(), q.Caller(), f.claim())
	if errors.Is(err, review.ErrNothingWaiting) {
		err = nil // the queue page says nothing waits
	} else if err == nil {
		http.Redirect(w, r, "/review/cases/"+c.ID, http.StatusSeeOther)
		return
	}
	d, derr := p.queueData(r, q, f)
	if derr != nil {
		p.serverError(w, r, derr)
		return
	}
	status := http.StatusOK
	if err != nil {
		rf, ok := reviewRefusal(q.Lang, err)
		if !ok {
			p.serverError(w, r, err)
			return
		}
		d.Refusal, status = &rf, rf.Status
	} else {
		d.Empty = true
		if d.Next, err = p.DB.WaitingCases(r.Context(), f.claim(), queueNext); err != nil {
			p.serverError(w, r, err)
			return
		}
	}
	p.render(w, r, q, status, "review_queue", "rv.queue.title", d)
}
