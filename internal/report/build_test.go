package report_test

import (
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/sigap/sigap/internal/report"
	"github.com/sigap/sigap/internal/store"
)

// TestBuildAddsUp: whatever the aggregates, every breakdown of the notices
// sums to the total, the deadlines and outcomes cover every notice, and each
// notifier's decided notices are its actioned, rejected and reversed ones.
func TestBuildAddsUp(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		pick := func(label string, vs ...string) string { return rapid.SampledFrom(vs).Draw(t, label) }
		f := &store.ReportFigures{}
		n := rapid.IntRange(0, 30).Draw(t, "groups")
		for i := range n {
			k := pick("kind", "order", "referral", "flag", "report")
			notices := rapid.Int64Range(1, 1000).Draw(t, "notices")
			auto := k == "report" && rapid.Bool().Draw(t, "automated")
			regime, class := pick("regime", "ID-PSE", "EU-TCO", "EU-DSA"), pick("class", "urgent", "standard")
			f.Notices = append(f.Notices, store.ReportNoticeRow{Kind: k, Automated: auto, Category: pick("category", "terrorism", "hoax", "fraud"),
				Regime: regime, Scope: pick("scope", `["ID"]`, `["EU","DE"]`, `[]`), Status: pick("status", "received", "actioned", "rejected"),
				Notices: notices, Subjects: notices * 2})
			src := k
			if auto {
				src = "automated"
			}
			org := pick("org", "org_a", "org_b", "org_f", "org_p")
			kind := map[string]string{"org_a": "authority", "org_b": "authority", "org_f": "flagger", "org_p": "platform"}[org]
			f.Outcomes = append(f.Outcomes, store.ReportOutcomeRow{OrgID: org, OrgName: org, OrgKind: kind, Source: src, Regime: regime,
				Class: class, Outcome: pick("outcome", report.Outcomes...), Compliance: pick("compliance", report.Compliances...), Notices: notices})
			_ = i
		}
		r := report.Build(report.Period{From: time.Unix(0, 0), To: time.Unix(1, 0)}, time.Unix(2, 0), report.Scope{Platform: true}, f)
		sum := func(cs []report.Count) (s int64) {
			for _, c := range cs {
				s += c.Count
			}
			return s
		}
		for name, cs := range map[string][]report.Count{"source": r.Notices.BySource, "category": r.Notices.ByCategory,
			"regime": r.Notices.ByRegime, "status": r.Notices.ByStatus, "outcome": r.Notices.ByOutcome} {
			if got := sum(cs); got != r.Notices.Total {
				t.Fatalf("by %s sums to %d, total %d", name, got, r.Notices.Total)
			}
		}
		var due int64
		for _, d := range r.Deadlines {
			if d.OnTime+d.Late+d.Overdue+d.Open != d.Notices || d.OnTimeShare < 0 || d.OnTimeShare > 1 {
				t.Fatalf("deadline %+v does not add up", d)
			}
			due += d.Notices
		}
		if due != r.Notices.Total {
			t.Fatalf("deadlines cover %d notices of %d", due, r.Notices.Total)
		}
		for _, a := range append(r.Accuracy.Authorities, r.Accuracy.TrustedFlaggers...) {
			if a.Actioned+a.Rejected+a.Reversed != a.Decided || a.Decided > a.Notices || a.Precision < 0 || a.Precision > 1 {
				t.Fatalf("accuracy %+v does not add up", a)
			}
		}
		if r.Automation.Share < 0 || r.Automation.Share > 1 {
			t.Fatalf("automated share %v", r.Automation.Share)
		}
	})
}
