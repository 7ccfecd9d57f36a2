package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/policy"
)

// linksPerPage is how many links, and how many cases, the notice page shows
// at once: a notice may hold 100,000 links, and the whole list is in the
// receipt and the API.
const linksPerPage = 100

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
func (p *Portal) showNotice(w http.ResponseWriter, r *http.Request, q *req, status int, rf *refusal) {
	n, err := p.DB.Notice(r.Context(), r.PathValue("id"), q.scope())
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	query := r.URL.Query()
	d := noticeData{N: n, Within: policy.FormatDuration(n.Within), Host: baseURL(r), Q: strings.TrimSpace(query.Get("q"))}
	needle := strings.ToLower(d.Q)
	links := n.Subjects
	if needle != "" {
		links = slices.DeleteFunc(slices.Clone(links), func(s notice.Subject) bool {
			return !strings.Contains(strings.ToLower(s.URL), needle) && !strings.Contains(strings.ToLower(s.Canonical), needle)
		})
	}
	cases, err := p.DB.NoticeCases(r.Context(), n.ID)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	if needle != "" {
		cases = slices.DeleteFunc(cases, func(c notice.Case) bool {
			return !strings.Contains(strings.ToLower(c.Subject), needle) && !strings.Contains(c.ID, needle)
		})
	}
	// By subject, so the order is stable and a person can scan it.
	slices.SortFunc(cases, func(a, b notice.Case) int { return strings.Compare(a.Subject, b.Subject) })
	// Both page numbers are settled first, so each list's pager links carry
	// the page the other list really shows.
	clampPage(query, "page", len(links))
	clampPage(query, "cases", len(cases))
	base := "/notices/" + n.ID
	d.Subjects, d.Links = pageOf(links, query, "page", base, "#subjects-h")
	d.Cases, d.CasePage = pageOf(cases, query, "cases", base, "#cases-h")
	if d.Timeline, err = p.DB.Timeline(r.Context(), n.ID, 1000); err != nil {
		p.serverError(w, r, err)
		return
	}
	if d.Thread, err = p.noticeThread(r, q, n, rf); err != nil {
		p.serverError(w, r, err)
		return
	}
	p.render(w, r, q, status, "notice", "notice.title", d)
}

// clampPage rewrites query's page number param to one of the pages n items
// fill (from 1, and none for the first).
func clampPage(query url.Values, param string, n int) {
	page, _ := strconv.Atoi(query.Get(param))
	page = min(page, (n+linksPerPage-1)/linksPerPage)
	if page > 1 {
		query.Set(param, strconv.Itoa(page))
	} else {
		query.Del(param)
	}
}

// pageOf cuts the page that query's param names (from 1, as clampPage left
// it) out of items, and links the pages beside it, keeping the
// query's other parameters (the search and the other list's page).
func pageOf[T any](items []T, query url.Values, param, base, anchor string) ([]T, pager) {
	pg := pager{Matched: len(items), Pages: max(1, (len(items)+linksPerPage-1)/linksPerPage)}
	pg.Page, _ = strconv.Atoi(query.Get(param))
	pg.Page = max(pg.Page, 1)
	link := func(page int) string {
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
		pg.Prev = link(pg.Page - 1)
	}
	if pg.Page < pg.Pages {
		pg.Next = link(pg.Page + 1)
	}
	from := (pg.Page - 1) * linksPerPage
	return items[min(from, len(items)):min(from+linksPerPage, len(items))], pg
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
