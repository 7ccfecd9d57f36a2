package web

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/policy"
)

// maxSubjectsShown bounds the subjects a notice page lists; the receipt and API hold them all.
const maxSubjectsShown = 500

type noticeData struct {
	N        *notice.Notice
	Within   string
	Subjects []notice.Subject
	More     int
	Cases    []notice.Case
	Timeline []notice.Event
	Host     string
	Thread   *noticeThread
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
	d := noticeData{N: n, Within: policy.FormatDuration(n.Within), Subjects: n.Subjects, Host: baseURL(r)}
	if len(d.Subjects) > maxSubjectsShown {
		d.More = len(d.Subjects) - maxSubjectsShown
		d.Subjects = d.Subjects[:maxSubjectsShown]
	}
	if d.Cases, err = p.DB.NoticeCases(r.Context(), n.ID); err != nil {
		p.serverError(w, r, err)
		return
	}
	// By subject, so the order is stable and a person can scan it.
	slices.SortFunc(d.Cases, func(a, b notice.Case) int { return strings.Compare(a.Subject, b.Subject) })
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
