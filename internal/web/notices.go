package web

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/policy"
	"github.com/sigap/sigap/internal/store"
)

const listPage = 50

type listData struct {
	Items                       []*notice.Notice
	Q, Status, Kind, Category   string
	Statuses, Kinds, Categories []string
	Next                        string
}

// noticeList lists the user's notices (all orgs' for platform users), newest
// first, with a text search and filters; unknown filter values are ignored.
func (p *Portal) noticeList(w http.ResponseWriter, r *http.Request, q *req) {
	v := r.URL.Query()
	d := listData{Statuses: []string{notice.StatusReceived, notice.StatusInReview, notice.StatusDecided, notice.StatusActioned, notice.StatusRejected},
		Kinds: notice.Kinds, Categories: policy.Categories}
	pick := func(val string, allowed []string) string {
		if slices.Contains(allowed, val) {
			return val
		}
		return ""
	}
	d.Status, d.Kind, d.Category = pick(v.Get("status"), d.Statuses), pick(v.Get("kind"), d.Kinds), pick(v.Get("category"), d.Categories)
	d.Q = v.Get("q")
	if len(d.Q) > 200 {
		d.Q = d.Q[:200]
	}
	cursor := v.Get("cursor")
	if len(cursor) > 100 {
		cursor = ""
	}
	items, err := p.DB.SearchNotices(r.Context(), store.NoticeSearch{NoticeFilter: store.NoticeFilter{OrgID: q.scope(), Status: d.Status,
		Kind: d.Kind, Category: d.Category, Cursor: cursor, Limit: listPage + 1}, Text: d.Q})
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	items, last := cutPage(items, listPage, func(n *notice.Notice) string { return n.ID })
	d.Items = items
	if last != "" {
		nv := url.Values{"q": {d.Q}, "status": {d.Status}, "kind": {d.Kind}, "category": {d.Category}, "cursor": {last}}
		d.Next = "/notices?" + nv.Encode()
	}
	p.render(w, r, q, http.StatusOK, "notices", "list.title", d)
}
