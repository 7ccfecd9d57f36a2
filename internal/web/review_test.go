package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/decision"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store/storetest"
)

// fileOrder files the standard order for the given links through the portal and returns the notice ID.
func fileOrder(t *testing.T, c *client, links ...string) string {
	t.Helper()
	f := noticeForm("send", links...)
	f.Set("idem", "web-"+strings.NewReplacer("/", "", ".", "", ":", "").Replace(strings.Join(links, ""))+"xxxxxxxxxxxxxxxx")
	return c.redirected(t, "send", "/notices/new", f, noticeIDRe)
}

var caseLocRe = regexp.MustCompile(`^/review/cases/(case_[0-9a-z]+)$`)

// claim presses "claim next" and returns the case it opened.
func claim(t *testing.T, c *client) string {
	t.Helper()
	return c.redirected(t, "claim", "/review/claim", url.Values{}, caseLocRe)
}

func decisionForm(action string) url.Values {
	return url.Values{"action": {action}, "ground_type": {"law"}, "ground_reference": {"UU ITE Pasal 40 ayat 2b"},
		"reasons": {"Propaganda terorisme yang menyerukan serangan."}, "territorial_scope": {"ID"}}
}

// reviewEnv is an authority who filed one order for one channel and two reviewers.
type reviewEnv struct {
	*env
	authority, rina, budi *client
	notice                string
}

// eachReviewEnv is eachEnv for newReviewEnv.
func eachReviewEnv(t *testing.T, test func(t *testing.T, e *reviewEnv)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, se storetest.Engine) { test(t, newReviewEnv(t, se)) })
}

func newReviewEnv(t *testing.T, se storetest.Engine) *reviewEnv {
	t.Helper()
	e := newEnv(t, se)
	_, as := e.user(e.authority, "ana@kominfo.go.id", org.RoleAuthority, true)
	_, rs := e.user(e.platform, "rina@platform.example", org.RoleReviewer, true)
	_, bs := e.user(e.platform, "budi@platform.example", org.RoleReviewer, true)
	re := &reviewEnv{env: e, authority: e.client(), rina: e.client(), budi: e.client()}
	re.authority.signIn("ana@kominfo.go.id", as)
	re.rina.signIn("rina@platform.example", rs)
	re.budi.signIn("budi@platform.example", bs)
	re.notice = fileOrder(t, re.authority, "t.me/kanaldua")
	return re
}

func (e *env) decisions(caseID string) []*decision.Decision {
	e.t.Helper()
	ds, err := e.db.CaseDecisions(e.t.Context(), caseID)
	if err != nil {
		e.t.Fatal(err)
	}
	return ds
}

func TestReviewerClaimsAndDecides(t *testing.T) {
	t.Parallel()
	eachReviewEnv(t, func(t *testing.T, e *reviewEnv) {
		r := e.rina.get("/review")
		if r.status != http.StatusOK {
			t.Fatalf("queue: %d", r.status)
		}
		mustContain(t, r.body, `id="count-order">1<`, `id="claim"`, "telegram:channel/kanaldua", "Antrean berikutnya")
		id := claim(t, e.rina)
		r = e.rina.get("/review/cases/" + id)
		mustContain(t, r.body, `id="decide-form"`, `href="https://t.me/kanaldua"`, "Kementerian Kominfo", `for="d-reasons"`,
			`id="lease"`, "KOMINFO/2026/001")
		// The other reviewer sees the case but may not decide it.
		r = e.budi.get("/review/cases/" + id)
		mustContain(t, r.body, `id="not-held"`)
		if strings.Contains(r.body, `id="decide-form"`) {
			t.Error("a reviewer who does not hold the case is offered the decision form")
		}
		if r := e.budi.post("/review/cases/"+id+"/decision", decisionForm("remove")); r.status != http.StatusConflict ||
			!strings.Contains(r.body, "Anda tidak memegang kasus ini") {
			t.Fatalf("deciding without the lease: %d", r.status)
		}
		// A refused decision (no reasons) keeps what was typed and stores nothing.
		f := decisionForm("remove")
		f.Set("reasons", " ")
		r = e.rina.post("/review/cases/"+id+"/decision", f)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="refusal"`) || !strings.Contains(r.body, "UU ITE Pasal 40 ayat 2b") {
			t.Fatalf("decision without reasons: %d\n%s", r.status, r.body)
		}
		if n := len(e.decisions(id)); n != 0 {
			t.Fatalf("a refused decision stored %d rows", n)
		}
		r = e.rina.post("/review/cases/"+id+"/decision", decisionForm("remove"))
		if r.status != http.StatusSeeOther || r.location() != "/review/cases/"+id+"?done=decided" {
			t.Fatalf("decide: %d %q\n%s", r.status, r.location(), r.body)
		}
		r = e.rina.get(r.location())
		mustContain(t, r.body, "Keputusan telah dicatat.", "final", "/statement?lang=en")
		if r := e.rina.post("/review/cases/"+id+"/decision", decisionForm("remove")); r.status != http.StatusConflict {
			t.Errorf("deciding twice: %d", r.status)
		}
		if n := len(e.decisions(id)); n != 1 {
			t.Fatalf("%d decisions, want 1", n)
		}
		r = e.authority.get("/notices/" + e.notice)
		mustContain(t, r.body, `id="status">diputuskan<`)
		// Nothing is left to claim.
		r = e.rina.post("/review/claim", url.Values{})
		if r.status != http.StatusOK || !strings.Contains(r.body, `id="empty"`) {
			t.Errorf("claim on an empty queue: %d", r.status)
		}
	})
}

func TestReviewFourEyesOnThePage(t *testing.T) {
	t.Parallel()
	eachReviewEnv(t, func(t *testing.T, e *reviewEnv) {
		id := claim(t, e.rina)
		r := e.rina.post("/review/cases/"+id+"/decision", decisionForm("suspend"))
		if r.status != http.StatusSeeOther || r.location() != "/review/cases/"+id+"?done=pending" {
			t.Fatalf("suspend: %d %q\n%s", r.status, r.location(), r.body)
		}
		mustContain(t, e.rina.get(r.location()).body, "Keputusan menunggu persetujuan peninjau kedua.")
		ds := e.decisions(id)
		if len(ds) != 1 || ds[0].Status != decision.Pending {
			t.Fatalf("decisions %+v", ds)
		}
		mustContain(t, e.authority.get("/notices/"+e.notice).body, `id="status">sedang ditinjau<`)
	})
}

func TestReviewPagesRefuseOthers(t *testing.T) {
	t.Parallel()
	eachReviewEnv(t, func(t *testing.T, e *reviewEnv) {
		for _, path := range []string{"/review", "/review/cases/x", "/review/approvals", "/review/appeals", "/review/decisions/x/statement"} {
			if r := e.authority.get(path); r.status != http.StatusForbidden {
				t.Errorf("authority GET %s: %d, want 403", path, r.status)
			}
		}
		if r := e.authority.post("/review/claim", url.Values{}); r.status != http.StatusForbidden {
			t.Errorf("authority claim: %d", r.status)
		}
		if strings.Contains(e.authority.get("/dashboard").body, `href="/review"`) {
			t.Error("the authority's menu links to the review queue")
		}
		// An auditor reads the queue but cannot claim.
		_, s := e.user(e.platform, "audit@platform.example", org.RoleAuditor, false)
		a := e.client()
		a.signIn("audit@platform.example", s)
		r := a.get("/review")
		if r.status != http.StatusOK || strings.Contains(r.body, `id="claim"`) {
			t.Errorf("auditor queue: %d, claim button shown: %v", r.status, strings.Contains(r.body, `id="claim"`))
		}
		if r := a.post("/review/claim", url.Values{}); r.status != http.StatusForbidden {
			t.Errorf("auditor claim: %d", r.status)
		}
	})
}

func TestReviewCrossSitePostRefused(t *testing.T) {
	t.Parallel()
	eachReviewEnv(t, func(t *testing.T, e *reviewEnv) {
		id := claim(t, e.rina)
		for _, path := range []string{"/review/cases/" + id + "/decision", "/review/claim", "/review/cases/" + id + "/release"} {
			refusesForged(t, e.rina, path, decisionForm("remove"))
		}
		if n := len(e.decisions(id)); n != 0 {
			t.Errorf("a forged post stored %d decisions", n)
		}
		lc, err := e.db.LeasedCase(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if lc.State != "open" || !strings.HasPrefix(lc.LeaseHolder, "user:") {
			t.Errorf("after forged posts the case is %s held by %q", lc.State, lc.LeaseHolder)
		}
	})
}

func TestReviewMarkupIsEscaped(t *testing.T) {
	t.Parallel()
	eachReviewEnv(t, func(t *testing.T, e *reviewEnv) {
		id := claim(t, e.rina)
		x := `<script>alert(1)</script><img src=x onerror=alert(2)>`
		f := decisionForm("remove")
		f.Set("reasons", "reasons"+x)
		f.Set("ground_reference", "ref"+x)
		r := e.rina.post("/review/cases/"+id+"/decision", f)
		if r.status != http.StatusSeeOther {
			t.Fatalf("decide: %d %s", r.status, r.body)
		}
		ds := e.decisions(id)
		if len(ds) != 1 {
			t.Fatalf("%d decisions", len(ds))
		}
		for _, p := range []string{"/review/cases/" + id, "/review/decisions/" + ds[0].ID + "/statement?lang=en"} {
			body := e.rina.get(p).body
			if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
				t.Errorf("%s renders markup from input unescaped", p)
			}
			mustContain(t, body, "reasons&lt;script&gt;alert(1)&lt;/script&gt;")
		}
	})
}

func TestReviewApprovals(t *testing.T) {
	t.Parallel()
	eachReviewEnv(t, func(t *testing.T, e *reviewEnv) {
		id := claim(t, e.rina)
		if r := e.rina.post("/review/cases/"+id+"/decision", decisionForm("suspend")); r.location() != "/review/cases/"+id+"?done=pending" {
			t.Fatalf("suspend: %d %q", r.status, r.location())
		}
		dec := e.decisions(id)[0]
		r := e.rina.get("/review/approvals")
		mustContain(t, r.body, dec.CaseID, "Keputusan Anda sendiri", `id="approve-`+dec.ID+`"`)
		// The decider's own approval and rejection are refused, clearly, and change nothing.
		for _, path := range []string{"/review/decisions/" + dec.ID + "/approve", "/review/decisions/" + dec.ID + "/reject"} {
			r = e.rina.post(path, url.Values{})
			if r.status != http.StatusForbidden || !strings.Contains(r.body, "Anda tidak dapat menyetujui atau menolak keputusan Anda sendiri.") {
				t.Errorf("own %s: %d", path, r.status)
			}
		}
		if got := e.decisions(id)[0]; got.Status != decision.Pending || got.Approver != "" {
			t.Fatalf("after refused self-approval: %s approver %q", got.Status, got.Approver)
		}
		mustContain(t, e.budi.get("/review/approvals").body, `id="approve-`+dec.ID+`"`)
		r = e.budi.post("/review/decisions/"+dec.ID+"/approve", url.Values{})
		if r.status != http.StatusSeeOther || r.location() != "/review/approvals?done=approved" {
			t.Fatalf("approve: %d %q %s", r.status, r.location(), r.body)
		}
		mustContain(t, e.budi.get(r.location()).body, "Keputusan telah disetujui.", `id="none"`)
		if got := e.decisions(id)[0]; got.Status != decision.Final || !strings.HasPrefix(got.Approver, "user:") {
			t.Fatalf("after approval: %s approver %q", got.Status, got.Approver)
		}
		if r := e.budi.post("/review/decisions/"+dec.ID+"/approve", url.Values{}); r.status != http.StatusConflict {
			t.Errorf("approving twice: %d", r.status)
		}
		mustContain(t, e.authority.get("/notices/"+e.notice).body, `id="status">diputuskan<`)
	})
}

func TestReviewAppealsAndStatement(t *testing.T) {
	t.Parallel()
	eachReviewEnv(t, func(t *testing.T, e *reviewEnv) {
		id := claim(t, e.rina)
		e.rina.post("/review/cases/"+id+"/decision", decisionForm("remove"))
		dec := e.decisions(id)[0]
		for lang, want := range map[string]string{"id": "Konten telah dihapus", "en": "The content was removed."} {
			r := e.rina.get("/review/decisions/" + dec.ID + "/statement?lang=" + lang)
			if r.status != http.StatusOK {
				t.Fatalf("statement %s: %d", lang, r.status)
			}
			mustContain(t, r.body, `lang="`+lang+`" id="statement"`, "Kementerian Kominfo", "UU ITE Pasal 40 ayat 2b", "Propaganda terorisme", want)
		}
		r := e.budi.post("/review/cases/"+id+"/appeals", url.Values{"reasons": {"Kanal ini berita, bukan propaganda."}})
		if r.location() != "/review/cases/"+id+"?done=appeal_filed" {
			t.Fatalf("file appeal: %d %q %s", r.status, r.location(), r.body)
		}
		r = e.rina.get("/review/appeals")
		mustContain(t, r.body, "Kanal ini berita, bukan propaganda.", "Propaganda terorisme yang menyerukan serangan.", "hapus")
		as, err := e.db.CaseAppeals(t.Context(), id)
		if err != nil || len(as) != 1 {
			t.Fatalf("appeals %v %v", as, err)
		}
		form := url.Values{"outcome": {"reversed"}, "reasons": {"Konteks berita."}}
		r = e.rina.post("/review/appeals/"+as[0].ID+"/decision", form)
		if r.status != http.StatusForbidden || !strings.Contains(r.body, "Peninjau yang memutuskan kasus tidak dapat memutuskan bandingnya.") {
			t.Fatalf("the decider decides the appeal: %d", r.status)
		}
		r = e.budi.post("/review/appeals/"+as[0].ID+"/decision", form)
		if r.status != http.StatusSeeOther {
			t.Fatalf("decide appeal: %d %s", r.status, r.body)
		}
		mustContain(t, e.budi.get(r.location()).body, "Banding telah diputuskan.", `id="none"`)
		if got := e.decisions(id)[0]; got.Status != decision.Reversed {
			t.Errorf("decision after a reversal: %s", got.Status)
		}
	})
}

func TestNoticeThreadAndObjections(t *testing.T) {
	t.Parallel()
	eachReviewEnv(t, func(t *testing.T, e *reviewEnv) {
		page := "/notices/" + e.notice
		r := e.rina.get(page)
		mustContain(t, r.body, `id="message-form"`, `id="msg-clar"`, `id="object-form"`, "Belum ada pesan.")
		// The platform asks; the authority answers; both sides see the thread.
		r = e.rina.post(page+"/messages", url.Values{"body": {"Mohon tautan <b>bukti</b> tambahan."}, "clarification": {"1"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("platform message: %d %s", r.status, r.body)
		}
		r = e.authority.get(page)
		mustContain(t, r.body, "Mohon tautan &lt;b&gt;bukti&lt;/b&gt; tambahan.", "permintaan klarifikasi", `id="message-form"`)
		if strings.Contains(r.body, `id="msg-clar"`) || strings.Contains(r.body, `id="object-form"`) {
			t.Error("the authority is offered the platform's clarification or objection controls")
		}
		if r := e.authority.post(page+"/messages", url.Values{"body": {"  "}}); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, `id="thread-refusal"`) {
			t.Errorf("empty message: %d", r.status)
		}
		r = e.authority.post(page+"/messages", url.Values{"body": {"Bukti terlampir di surat KOMINFO/2026/001."}})
		if r.status != http.StatusSeeOther || r.location() != page+"?done=sent#thread-h" {
			t.Fatalf("authority answer: %d %q", r.status, r.location())
		}
		mustContain(t, e.rina.get(page).body, "Bukti terlampir di surat KOMINFO/2026/001.", "Mohon tautan")
		// The platform objects; the authority withdraws the order.
		if r := e.rina.post(page+"/objections", url.Values{"reasons": {"Kanal ini liputan berita."}}); r.status != http.StatusSeeOther {
			t.Fatalf("objection: %d %s", r.status, r.body)
		}
		if r := e.rina.post(page+"/objections", url.Values{"reasons": {"Lagi."}}); r.status != http.StatusConflict {
			t.Errorf("second open objection: %d", r.status)
		}
		if r := e.authority.post(page+"/objections", url.Values{"reasons": {"x"}}); r.status != http.StatusForbidden {
			t.Errorf("authority raising an objection: %d", r.status)
		}
		objs, err := e.db.Objections(t.Context(), e.notice)
		if err != nil || len(objs) != 1 {
			t.Fatalf("objections %v %v", objs, err)
		}
		r = e.authority.get(page)
		mustContain(t, r.body, "Kanal ini liputan berita.", `id="answer-`+objs[0].ID+`"`)
		if r := e.rina.post(page+"/objections/"+objs[0].ID+"/answer", url.Values{"outcome": {"withdrawn"}}); r.status != http.StatusForbidden {
			t.Errorf("the platform answering its own objection: %d", r.status)
		}
		r = e.authority.post(page+"/objections/"+objs[0].ID+"/answer", url.Values{"outcome": {"withdrawn"}, "reasons": {"Perintah dicabut."}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("answer: %d %s", r.status, r.body)
		}
		mustContain(t, e.rina.get(page).body, "ditarik", "Perintah dicabut.")
		// Forged cross-site posts change nothing.
		before := len(e.thread(e.notice))
		for _, path := range []string{page + "/messages", page + "/objections"} {
			if r := e.authority.post(path, url.Values{"body": {"forged"}, "reasons": {"forged"}}, "Sec-Fetch-Site", "cross-site"); r.status != http.StatusForbidden {
				t.Errorf("forged %s: %d", path, r.status)
			}
		}
		if after := len(e.thread(e.notice)); after != before {
			t.Errorf("a forged post added %d messages", after-before)
		}
	})
}

func (e *env) thread(noticeID string) []*notice.Message {
	e.t.Helper()
	ms, err := e.db.Messages(e.t.Context(), noticeID, "", 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	return ms
}
