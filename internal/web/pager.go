package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/store"
)

// linksPerPage is how many links, and how many cases, the notice page shows
// at once: a notice may hold 100,000 links, and the whole list is in the
// receipt and the API.
const linksPerPage = 100

// eventsPerPage is how many timeline events the notice page shows at once:
// one line each, and a notice's story is read in one go where it can be.
const eventsPerPage = 500

// maxPage is the highest page number asked of the store; past the end a list
// shows its last page anyway.
const maxPage = 1 << 20

// pager says where one page of a list stands: Page of Pages (from 1), how
// many items matched, and the addresses of the pages before and after.
type pager struct {
	Page, Pages, Matched int
	Prev, Next           string
}

// pageFrom loads the page of a list that query's param names (from 1; past
// the end is the last page), matching text, and writes the page it settled on
// back into query for the pager links; size is how many rows make a page.
func pageFrom[T any](query url.Values, param, text string, size int, load func(store.ListPage) ([]T, int, error)) ([]T, pager, error) {
	page, _ := strconv.Atoi(query.Get(param))
	// Capped well past any notice's end, so the offset cannot overflow.
	page = min(max(page, 1), maxPage)
	items, total, err := load(store.ListPage{Text: text, Offset: (page - 1) * size, Limit: size})
	if err != nil {
		return nil, pager{}, err
	}
	pg := pager{Matched: total, Pages: max(1, (total+size-1)/size), Page: page}
	if page > pg.Pages {
		pg.Page = pg.Pages
		if items, _, err = load(store.ListPage{Text: text, Offset: (pg.Page - 1) * size, Limit: size}); err != nil {
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

// maxSearch bounds a list's search text; a longer one is cut, not refused.
const maxSearch = 500

// searchText is the list search a request asks for (?q=), trimmed, bounded
// and valid UTF-8 (PostgreSQL refuses broken text as a parameter).
func searchText(r *http.Request) string {
	// Broken bytes become U+FFFD, which matches nothing, rather than
	// vanishing into a search for everything.
	q := strings.ToValidUTF8(strings.TrimSpace(r.URL.Query().Get("q")), "\uFFFD")
	if len(q) > maxSearch {
		cut := maxSearch
		for cut > 0 && !utf8.RuneStart(q[cut]) {
			cut--
		}
		q = q[:cut]
	}
	return q
}
