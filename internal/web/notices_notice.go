package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/policy"
	"github.com/sigap/sigap/internal/store"
)

// linksPerPage is how many links, and how many cases, the notice page shows
// at once: a notice may hold 100,000 links, and the whole list is in the
// receipt and the API.
const linksPerPage = 100

// maxPage is the highest page number asked of the store; past the end a list
// shows its last page anyway.
const maxPage = 1 << 20

type noticeData struct {
	N        *notice.Notice
	Within   string
	Subjects []notice.Subject
	Links    pager
	Cases    []notice.Case
	CasePage pager
	Q        string
	Timeline []notice.Event
	Host     string
	Thread   *noticeThread
	Requests *noticeRequests
}

// pager says where one page of a list stands: Page of Pages (from 1), how
// many items matched, and the addresses of the pages before and after.
type pager struct {
	Page, Pages, Matched int
	Prev, Next           string
}

func (p *Portal) noticePage(w http.ResponseWriter, r *http.Request, q *req) {
	p.showNotice(w, r, q, http.StatusOK, nil)
}

// showNotice renders the notice page with status; rf is a refused thread form.
// Its links and cases come a page at a time from the store, so a notice of
// 100,000 links opens as fast as one of three.
func (p *Portal) showNotice(w http.ResponseWriter, r *http.Request, q *req, status int, rf *refusal) {
	ctx := r.Context()
	n, err := p.DB.NoticeHead(ctx, r.PathValue("id"), q.scope())
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	if n.Documents, err = p.DB.NoticeDocuments(ctx, n.ID); err != nil {
		p.serverError(w, r, err)
		return
	}
	query := r.URL.Query()
	d := noticeData{N: n, Within: policy.FormatDuration(n.Within), Host: baseURL(r), Q: strings.TrimSpace(query.Get("q"))}
	if d.Subjects, d.Links, err = pageFrom(query, "page", d.Q, func(lp store.ListPage) ([]notice.Subject, int, error) {
		return p.DB.NoticeSubjectsPage(ctx, n.ID, lp)
	}); err != nil {
		p.serverError(w, r, err)
		return
	}
	if d.Cases, d.CasePage, err = pageFrom(query, "cases", d.Q, func(lp store.ListPage) ([]notice.Case, int, error) {
		return p.DB.NoticeCasesPage(ctx, n.ID, lp)
	}); err != nil {
		p.serverError(w, r, err)
		return
	}
	// Both page numbers are settled first, so each list's pager links carry
	// the page the other list really shows.
	base := "/notices/" + n.ID
	d.Links.link(query, "page", base, "#subjects-h")
	d.CasePage.link(query, "cases", base, "#cases-h")
	if d.Timeline, err = p.DB.Timeline(ctx, n.ID, 1000); err != nil {
		p.serverError(w, r, err)
		return
	}
	if d.Requests, err = p.noticeRequests(r, q, n, rf); err != nil {
		p.serverError(w, r, err)
		return
	}
	if requestForm(r) {
		rf = nil // shown in the requests section
	}
	if d.Thread, err = p.noticeThread(r, q, n, rf); err != nil {
		p.serverError(w, r, err)
		return
	}
	p.render(w, r, q, status, "notice", "notice.title", d)
}

// pageFrom loads the page of a list that query's param names (from 1; past
// the end is the last page), matching text, and writes the page it settled on
// back into query for the pager links.
func pageFrom[T any](query url.Values, param, text string, load func(store.ListPage) ([]T, int, error)) ([]T, pager, error) {
	page, _ := strconv.Atoi(query.Get(param))
	// Capped well past any notice's end, so the offset cannot overflow.
	page = min(max(page, 1), maxPage)
	items, total, err := load(store.ListPage{Text: text, Offset: (page - 1) * linksPerPage, Limit: linksPerPage})
	if err != nil {
		return nil, pager{}, err
	}
	pg := pager{Matched: total, Pages: max(1, (total+linksPerPage-1)/linksPerPage), Page: page}
	if page > pg.Pages {
		pg.Page = pg.Pages
		if items, _, err = load(store.ListPage{Text: text, Offset: (pg.Page - 1) * linksPerPage, Limit: linksPerPage}); err != nil {
			return nil, pager{}, err
		}
	}
	if pg.Page > 1 {
		query.Set(param, strconv.Itoa(pg.Page))
	} else {
		query.Del(param)
	}
	return items, pg, nil
}

// link sets the addresses of the pages beside pg, keeping query's other
// parameters (the search and the other list's page) but not a flash message.
func (pg *pager) link(query url.Values, param, base, anchor string) {
	to := func(page int) string {
		v := url.Values{}
		for k, vs := range query {
			if k != param && k != "m" && len(vs) > 0 && vs[0] != "" {
				v.Set(k, vs[0])
			}
		}
		if page > 1 {
			v.Set(param, strconv.Itoa(page))
		}
		if len(v) == 0 {
			return base + anchor
		}
		return base + "?" + v.Encode() + anchor
	}
	if pg.Page > 1 {
		pg.Prev = to(pg.Page - 1)
	}
	if pg.Page < pg.Pages {
		pg.Next = to(pg.Page + 1)
	}
}

// receiptDownload serves the signed receipt as a file `sigap receipt verify` reads.
func (p *Portal) receiptDownload(w http.ResponseWriter, r *http.Request, q *req) {
	n, err := p.DB.Notice(r.Context(), r.PathValue("id"), q.scope())
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	out := map[string]any{"notice_id": n.ID, "org_id": n.OrgID, "kind": n.Kind, "reference": n.Reference,
		"received_at": n.ReceivedAt, "due_at": n.DueAt, "receipt": n.Receipt}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", `attachment; filename="receipt-`+n.ID+`.json"`)
	_, _ = w.Write(append(b, '\n'))
}
