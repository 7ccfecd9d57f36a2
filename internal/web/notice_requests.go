package web

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/sigap/sigap/internal/enforce"
	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// requestWorkers are the platform's roles that confirm a preservation and
// record an Art. 18 notification, as the API's workers.
var requestWorkers = []org.Role{org.RoleReviewer, org.RoleAdmin}

// requestDone are the outcomes a redirect may announce on the notice page's
// requests section (?done=...); only these keys are honoured.
var requestDone = map[string]string{"preserved": "flash.preserved", "art18": "flash.art18"}

// requestRefusals are the refusals of the requests section's forms.
var requestRefusals = []keyedRefusal{
	{enforce.ErrNotPreservation, http.StatusConflict, "prs.err.not_preservation"},
	{enforce.ErrAlreadyPreserved, http.StatusConflict, "prs.err.confirmed"},
	{enforce.ErrPreservationSHA256, http.StatusUnprocessableEntity, "prs.err.sha256"},
	{enforce.ErrSnapshotTooLong, http.StatusUnprocessableEntity, "prs.err.snapshot"},
	{enforce.ErrArt18Authority, http.StatusUnprocessableEntity, "art18.err.authority"},
	{enforce.ErrArt18MemberState, http.StatusUnprocessableEntity, "art18.err.member_state"},
	{enforce.ErrArt18Reference, http.StatusUnprocessableEntity, "art18.err.reference"},
}

// noticeRequests is the notice page's section on a preservation's state and
// the Art. 18 notifications recorded, with the platform's forms.
type noticeRequests struct {
	Preservation *notice.Preservation
	Art18        []notice.Art18Notification
	TCO          *notice.TCO
	Emergency    bool
	CanAct       bool
	Done         string
	Refusal      *refusal
}

// requestForm tells whether r posted one of the requests section's forms, so
// its refusal is shown there and not in the thread.
func requestForm(r *http.Request) bool {
	return r.Method == http.MethodPost && (strings.HasSuffix(r.URL.Path, "/preservation") || strings.HasSuffix(r.URL.Path, "/art18"))
}

func (p *Portal) noticeRequests(r *http.Request, q *req, n *notice.Notice, rf *refusal) (*noticeRequests, error) {
	d := &noticeRequests{Emergency: n.Kind == notice.KindEmergency, CanAct: q.IsPlatform() && slices.Contains(requestWorkers, q.User.Role),
		Done: requestDone[r.URL.Query().Get("done")]}
	if requestForm(r) {
		d.Refusal = rf
	}
	if n.Kind == notice.KindPreservation {
		pr, err := p.DB.Preservation(r.Context(), n.ID)
		if err != nil {
			return nil, err
		}
		d.Preservation = &pr
	}
	if n.Regime == notice.RegimeTCO && notice.Binding(n.Kind) {
		t, err := p.DB.NoticeTCO(r.Context(), n.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		d.TCO = t
	}
	var err error
	d.Art18, err = p.DB.Art18Notifications(r.Context(), n.ID)
	return d, err
}

// noticePreserve is the platform's confirmation of a preservation.
func (p *Portal) noticePreserve(w http.ResponseWriter, r *http.Request, q *req) {
	_, err := p.Enforce.ConfirmPreservation(r.Context(), q.Caller(), r.PathValue("id"),
		enforce.PreservationConfirmation{SnapshotRef: strings.TrimSpace(r.PostFormValue("snapshot_ref")), SHA256: strings.TrimSpace(r.PostFormValue("sha256"))})
	p.requestResult(w, r, q, err, "preserved")
}

// noticeArt18 records the platform's DSA Art. 18 notification.
func (p *Portal) noticeArt18(w http.ResponseWriter, r *http.Request, q *req) {
	_, err := p.Enforce.RecordArt18(r.Context(), q.Caller(), r.PathValue("id"), enforce.Art18Request{Authority: r.PostFormValue("authority"),
		MemberState: strings.ToUpper(strings.TrimSpace(r.PostFormValue("member_state"))), Reference: r.PostFormValue("reference")})
	p.requestResult(w, r, q, err, "art18")
}

// requestResult answers a requests form: back to the notice with done, or
// the notice page with the refusal in the user's language.
func (p *Portal) requestResult(w http.ResponseWriter, r *http.Request, q *req, err error, done string) {
	if err == nil {
		http.Redirect(w, r, "/notices/"+r.PathValue("id")+"?done="+done+"#requests-h", http.StatusSeeOther)
		return
	}
	if x, ok := matchRefusal(requestRefusals, err); ok {
		p.showNotice(w, r, q, x.status, &refusal{Status: x.status, Lines: []string{i18n.T(q.Lang, x.key)}})
		return
	}
	p.serverError(w, r, err)
}
