package web

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/sigap/sigap/internal/document"

	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/policy"
	"github.com/sigap/sigap/internal/store"
)

type noticeData struct {
	N        *notice.Notice
	Within   string
	Subjects []notice.Subject
	Links    pager
	Cases    []notice.Case
	CasePage pager
	Q        string
	Timeline []notice.Event
	TimePage pager
	TQ       string // the timeline's search
	Host     string
	Thread   *noticeThread
	Requests *noticeRequests
	// Kept is the documents with how long each is kept (the evidence rules).
	Kept []document.Kept
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
	kept, err := p.DB.NoticeDocumentsKept(ctx, n.ID)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	for _, k := range kept {
		n.Documents = append(n.Documents, k.Upload)
	}
	query := r.URL.Query()
	d := noticeData{N: n, Within: policy.FormatDuration(n.Within), Host: baseURL(r), Q: strings.TrimSpace(query.Get("q")), Kept: kept}
	if d.Subjects, d.Links, err = pageFrom(query, "page", d.Q, linksPerPage, func(lp store.ListPage) ([]notice.Subject, int, error) {
		return p.DB.NoticeSubjectsPage(ctx, n.ID, lp)
	}); err != nil {
		p.serverError(w, r, err)
		return
	}
	if d.Cases, d.CasePage, err = pageFrom(query, "cases", d.Q, linksPerPage, func(lp store.ListPage) ([]notice.Case, int, error) {
		return p.DB.NoticeCasesPage(ctx, n.ID, lp)
	}); err != nil {
		p.serverError(w, r, err)
		return
	}
	// The timeline has a search of its own: a link's text is not in it.
	d.TQ = strings.TrimSpace(query.Get("tq"))
	if d.Timeline, d.TimePage, err = pageFrom(query, "events", d.TQ, eventsPerPage, func(lp store.ListPage) ([]notice.Event, int, error) {
		return p.DB.TimelinePage(ctx, n.ID, lp)
	}); err != nil {
		p.serverError(w, r, err)
		return
	}
	// Every page number is settled first, so each list's pager links carry
	// the page the other list really shows.
	base := "/notices/" + n.ID
	d.Links.link(query, "page", base, "#subjects-h")
	d.CasePage.link(query, "cases", base, "#cases-h")
	d.TimePage.link(query, "events", base, "#timeline-h")
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
