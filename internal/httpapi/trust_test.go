package httpapi_test

import (
	"context"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/casetest"
)

// flag is a trusted flag body for one link.
func flag(category, url string) map[string]any {
	return map[string]any{"kind": "flag", "category": category, "explanation": "disinformation campaign", "good_faith": true,
		"subjects": []map[string]string{{"url": url}}, "language": "id"}
}

type standing struct {
	Status     string `json:"status"`
	Categories []string
	History    []struct{ Kind, Status, Reason string }
	Accuracy   struct {
		Notices, Decided, Actioned, Rejected, Reversed int
		Precision                                      float64
	}
}

func TestTrustedFlaggerProgramme(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newReviewEnv, func(ctx context.Context, t *testing.T, en *reviewEnv) {
		// A new flagger org is an applicant: its notices are refused and nothing is stored.
		r := en.json(t, "POST", "/v1/orgs", en.admin, map[string]string{"name": "Mafindo", "kind": "flagger"})
		var o orgView
		r.decode(t, &o)
		fl := en.key(t, o.ID, "flagger")
		flAdmin := en.key(t, o.ID, "admin")
		before, _ := en.srv.DB.Counts(t.Context())
		r = en.json(t, "POST", "/v1/notices", fl, flag("hoax", "https://t.me/hoaks/1"))
		if r.Status != 403 || !strings.Contains(string(r.Body), `"code":"flagger_not_active"`) {
			t.Fatalf("applicant's flag: %d %s; want 403 flagger_not_active", r.Status, r.Body)
		}
		if after, _ := en.srv.DB.Counts(t.Context()); after["notices"] != before["notices"] || after["events"] != before["events"] {
			t.Errorf("a refused flag stored something: %v -> %v", before, after)
		}
		// Only the platform's admins accredit; the flagger's own admin cannot.
		if r := en.json(t, "PUT", "/v1/orgs/"+o.ID+"/trust", flAdmin, map[string]any{"status": "active", "reason": "self-service"}); r.Status != 403 {
			t.Errorf("flagger accrediting itself: %d, want 403", r.Status)
		}
		if r := en.json(t, "PUT", "/v1/orgs/"+o.ID+"/trust", en.admin, map[string]any{"status": "active"}); r.Status != 422 {
			t.Errorf("change without a reason: %d, want 422", r.Status)
		}
		if r := en.json(t, "PUT", "/v1/orgs/"+o.ID+"/trust", en.admin, map[string]any{"status": "active", "categories": []string{"hoax", "spam"}, "reason": "x"}); r.Status != 422 {
			t.Errorf("unknown category in scope: %d, want 422", r.Status)
		}
		r = en.json(t, "PUT", "/v1/orgs/"+o.ID+"/trust", en.admin, map[string]any{"status": "active", "categories": []string{"hoax"},
			"daily_quota": 3, "reason": "accredited for hoaxes after review of the application"})
		if r.Status != 200 {
			t.Fatalf("accredit: %d %s", r.Status, r.Body)
		}
		// Within scope: the trusted lane. Outside: the standard lane, and the flagger is told why.
		var in, out struct {
			Lane     string `json:"lane"`
			LaneNote string `json:"lane_note"`
			Subjects []struct {
				CaseID string `json:"case_id"`
			}
		}
		en.json(t, "POST", "/v1/notices", fl, flag("hoax", "https://t.me/hoaks/1")).decode(t, &in)
		en.json(t, "POST", "/v1/notices", fl, flag("terrorism", "https://t.me/hoaks/2")).decode(t, &out)
		if in.Lane != "trusted" || out.Lane != "standard" || !strings.Contains(out.LaneNote, "outside") {
			t.Errorf("lanes: in scope %q, outside %q (%q)", in.Lane, out.Lane, out.LaneNote)
		}
		// The daily quota (3) refuses the fourth notice.
		en.json(t, "POST", "/v1/notices", fl, flag("hoax", "https://t.me/hoaks/3"))
		if r := en.json(t, "POST", "/v1/notices", fl, flag("hoax", "https://t.me/hoaks/4")); r.Status != 429 || r.Header.Get("Retry-After") == "" {
			t.Errorf("beyond the quota: %d %s; want 429 with Retry-After", r.Status, r.Body)
		}
		// Reviewers decide two of the flags: one removed, one found lawful.
		decide := func(caseID string, action string) {
			t.Helper()
			for {
				got, status := en.claim(t, en.rev1)
				if status != 200 {
					t.Fatalf("claim: %d", status)
				}
				body := removal()
				if got != caseID {
					body["action"] = "no_action"
					body["ground"] = map[string]string{"type": "terms", "reference": "ToS 4.2"}
				}
				if got == caseID {
					body["action"] = action
					if action == "no_action" {
						body["ground"] = map[string]string{"type": "terms", "reference": "ToS 4.2"}
					}
				}
				if r := en.json(t, "POST", "/v1/cases/"+got+"/decision", en.rev1, body); r.Status != 200 {
					t.Fatalf("decide %s: %d %s", got, r.Status, r.Body)
				}
				if got == caseID {
					return
				}
			}
		}
		decide(in.Subjects[0].CaseID, "remove")
		decide(out.Subjects[0].CaseID, "no_action")
		var st standing
		r = en.do(t, "GET", "/v1/orgs/"+o.ID+"/trust", fl, nil)
		r.decode(t, &st)
		if st.Status != "active" || st.Accuracy.Notices != 3 || st.Accuracy.Decided < 2 || st.Accuracy.Actioned != 1 {
			t.Errorf("standing = %+v", st)
		}
		if st.Accuracy.Precision <= 0 || st.Accuracy.Precision >= 1 {
			t.Errorf("precision %v, want between 0 and 1 (one removed, at least one rejected)", st.Accuracy.Precision)
		}
		// Another authority cannot read it.
		if r := en.do(t, "GET", "/v1/orgs/"+o.ID+"/trust", en.authA, nil); r.Status != 404 {
			t.Errorf("another org reading the standing: %d, want 404", r.Status)
		}
		// The yearly report, JSON and CSV.
		if r := en.do(t, "GET", "/v1/orgs/"+o.ID+"/trust/report?year=2026", fl, nil); r.Status != 200 || !strings.Contains(string(r.Body), `"action":"remove"`) {
			t.Errorf("report: %d %s", r.Status, r.Body)
		}
		if r := en.do(t, "GET", "/v1/orgs/"+o.ID+"/trust/report?year=2026&format=csv", fl, nil); r.Status != 200 || !strings.HasPrefix(string(r.Body), "year,notifier,provider,category,action,subjects") {
			t.Errorf("csv report: %d %s", r.Status, r.Body)
		}
		if r := en.do(t, "GET", "/v1/orgs/"+o.ID+"/trust/report?year=twenty", fl, nil); r.Status != 422 {
			t.Errorf("bad year: %d, want 422", r.Status)
		}
		// Suspended: refused with the reason; revoked is final.
		en.json(t, "PUT", "/v1/orgs/"+o.ID+"/trust", en.admin, map[string]any{"status": "suspended", "reason": "misuse under investigation"})
		if r := en.json(t, "POST", "/v1/notices", fl, flag("hoax", "https://t.me/hoaks/9")); r.Status != 403 || !strings.Contains(string(r.Body), "suspended") {
			t.Errorf("suspended flagger's notice: %d %s", r.Status, r.Body)
		}
		en.json(t, "PUT", "/v1/orgs/"+o.ID+"/trust", en.admin, map[string]any{"status": "revoked", "reason": "confirmed misuse"})
		r = en.json(t, "PUT", "/v1/orgs/"+o.ID+"/trust", en.admin, map[string]any{"status": "active", "reason": "try again"})
		if r.Status != 409 || !strings.Contains(string(r.Body), "invalid_transition") {
			t.Errorf("revoked to active: %d %s; want 409 invalid_transition", r.Status, r.Body)
		}
		en.do(t, "GET", "/v1/orgs/"+o.ID+"/trust", en.admin, nil).decode(t, &st)
		var kinds []string
		for _, h := range st.History {
			kinds = append(kinds, h.Kind+":"+h.Status)
		}
		if strings.Join(kinds, " ") != "status:active status:suspended status:revoked" {
			t.Errorf("history = %v", kinds)
		}
	})
}
