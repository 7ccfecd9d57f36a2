package web

import (
	"net/http"

	"github.com/sigap/sigap/internal/decision"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// maxThread bounds the messages a notice page shows; the API pages through all.
const maxThread = 200

// The roles that may write on a notice's thread: both sides, never an auditor.
var (
	threadWriters    = []org.Role{org.RoleAuthority, org.RoleFlagger, org.RoleReviewer, org.RoleAdmin}
	objectionRaisers = []org.Role{org.RoleReviewer, org.RoleAdmin}
	objectionAnswers = []org.Role{org.RoleAuthority, org.RoleAdmin}
)

// noticeThread is the message thread and the objections on a notice page.
type noticeThread struct {
	Messages   []*notice.Message
	Paused     bool
	Objections []*decision.Objection
	CanPost    bool
	CanClarify bool
	CanObject  bool
	CanAnswer  bool
	Done       string
	Refusal    *refusal
}

func (p *Portal) noticeThread(r *http.Request, q *req, n *notice.Notice, rf *refusal) (*noticeThread, error) {
	svc := p.Review
	th, err := svc.Messages(r.Context(), q.Caller(), n.ID, "", maxThread)
	if err != nil {
		return nil, err
	}
	objs, err := svc.Objections(r.Context(), q.Caller(), n.ID)
	if err != nil {
		return nil, err
	}
	role := q.User.Role
	t := &noticeThread{Messages: th.Messages, Objections: objs, Done: doneKey(r), Refusal: rf,
		CanPost: hasRole(role, threadWriters)}
	for _, pa := range th.Pauses {
		if pa.EndedAt == nil {
			t.Paused = true
		}
	}
	if q.IsPlatform() {
		t.CanClarify = t.CanPost
		t.CanObject = notice.Binding(n.Kind) && hasRole(role, objectionRaisers)
		for _, o := range objs {
			if o.Status == decision.ObjectionOpen {
				t.CanObject = false
			}
		}
	} else {
		t.CanAnswer = q.User.OrgID == n.OrgID && hasRole(role, objectionAnswers)
	}
	return t, nil
}

func hasRole(r org.Role, roles []org.Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}

// threadResult answers a thread form: back to the notice on success, the
// notice page with the service's refusal otherwise.
func (p *Portal) threadResult(w http.ResponseWriter, r *http.Request, q *req, err error, done string) {
	if err == nil {
		http.Redirect(w, r, "/notices/"+r.PathValue("id")+"?done="+done+"#thread-h", http.StatusSeeOther)
		return
	}
	rf, ok := reviewRefusal(q.Lang, err)
	if !ok {
		p.serverError(w, r, err)
		return
	}
	p.showNotice(w, r, q, rf.Status, &rf)
}

// noticeMessage posts to a notice's thread; a platform user may mark it a
// request for clarification (which pauses the clock where the regime says so).
func (p *Portal) noticeMessage(w http.ResponseWriter, r *http.Request, q *req) {
	clar := q.IsPlatform() && r.PostFormValue("clarification") != ""
	_, err := p.Review.PostMessage(r.Context(), q.Caller(), r.PathValue("id"), r.PostFormValue("body"), clar)
	p.threadResult(w, r, q, err, "sent")
}

// noticeObject raises the platform's objection to an order.
func (p *Portal) noticeObject(w http.ResponseWriter, r *http.Request, q *req) {
	_, err := p.Review.Object(r.Context(), q.Caller(), r.PathValue("id"), r.PostFormValue("reasons"))
	p.threadResult(w, r, q, err, "objected")
}

// noticeAnswerObjection is the issuing authority's answer: upheld or withdrawn.
func (p *Portal) noticeAnswerObjection(w http.ResponseWriter, r *http.Request, q *req) {
	o, err := p.DB.Objections(r.Context(), r.PathValue("id"))
	if err == nil {
		err = store.ErrNotFound
		for _, x := range o {
			if x.ID == r.PathValue("obj") {
				_, err = p.Review.AnswerObjection(r.Context(), q.Caller(), x.ID, r.PostFormValue("outcome"), r.PostFormValue("reasons"))
			}
		}
	}
	p.threadResult(w, r, q, err, "answered")
}
