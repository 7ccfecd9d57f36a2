package web

import (
	"context"
	"net/http"
	"net/url"

	"github.com/sigap/sigap/internal/store"
)

// hitRow is one recorded hit with the name and kind of its bank or list.
type hitRow struct {
	store.ScanHit
	SetName string
	// SetBase is "/banks" or "/lists": where the set's page is.
	SetBase string
}

// hitsPage is how many hits the recent-hits page shows at once.
const hitsPage = 50

type hitsData struct {
	Hits []hitRow
	Next string
	Q    string // the search
}

// hitRows loads the newest hits of one set, or ("") of every set, with the sets' names.
func (p *Portal) hitRows(ctx context.Context, setID, text, cursor string, limit int) ([]hitRow, error) {
	hits, err := p.DB.SearchHits(ctx, setID, text, cursor, limit)
	if err != nil || len(hits) == 0 {
		return nil, err
	}
	sets := map[string]store.FilterSet{}
	out := make([]hitRow, len(hits))
	for i, h := range hits {
		s, ok := sets[h.SetID]
		if !ok {
			if s, err = p.DB.FilterSet(ctx, h.SetID); err != nil {
				s = store.FilterSet{ID: h.SetID, Name: h.SetID}
			}
			sets[h.SetID] = s
		}
		base := "/lists"
		if s.Family == store.FamilyBank {
			base = "/banks"
		}
		out[i] = hitRow{ScanHit: h, SetName: s.Name, SetBase: base}
	}
	return out, nil
}

// hitsIndex lists recent hits across every bank and list, newest first.
func (p *Portal) hitsIndex(w http.ResponseWriter, r *http.Request, q *req) {
	d := hitsData{Q: searchText(r)}
	hits, err := p.hitRows(r.Context(), "", d.Q, filterCursor(r), hitsPage+1)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	hits, last := cutPage(hits, hitsPage, func(h hitRow) string { return h.ID })
	d.Hits = hits
	if last != "" {
		next := url.Values{"cursor": {last}}
		if d.Q != "" {
			next.Set("q", d.Q)
		}
		d.Next = "/hits?" + next.Encode()
	}
	p.render(w, r, q, http.StatusOK, "hits", "flt.hits.title", d)
}
