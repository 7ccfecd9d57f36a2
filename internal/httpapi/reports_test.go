package httpapi_test

import (
	"context"
	stdflag "flag"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/casetest"
	"github.com/sigap/sigap/internal/golden"
	"github.com/sigap/sigap/internal/store/storetest"
)

var updateGolden = stdflag.Bool("update", false, "rewrite testdata/*.golden from the current output")

type reportView struct {
	Scope struct {
		Platform bool   `json:"platform"`
		OrgID    string `json:"org_id"`
	} `json:"scope"`
	Notices struct {
		Total    int64 `json:"total"`
		BySource []struct {
			Key   string `json:"key"`
			Count int64  `json:"count"`
		} `json:"by_source"`
	} `json:"notices"`
	Actions struct {
		Decisions int64 `json:"decisions"`
		Executed  int64 `json:"executed"`
	} `json:"actions"`
	Times struct {
		ToAction struct {
			All struct {
				Count         int64   `json:"count"`
				MedianSeconds float64 `json:"median_seconds"`
			} `json:"all"`
		} `json:"to_action"`
	} `json:"times"`
	Dialogue struct {
		ClarificationRequests int64 `json:"clarification_requests"`
		ClockPauses           int64 `json:"clock_pauses"`
	} `json:"dialogue"`
	Accuracy struct {
		Authorities []struct {
			Name     string `json:"name"`
			Notices  int64  `json:"notices"`
			Actioned int64  `json:"actioned"`
		} `json:"authorities"`
	} `json:"accuracy"`
}

// seedReports files an ID-PSE order from authority A and an EU-TCO order from
// authority B, asks B for clarification (the EU-TCO clock pauses), removes
// B's content 20 minutes after its order and carries the removal out 10
// minutes later.
func seedReports(t *testing.T, e *reviewEnv) {
	t.Helper()
	e.notice(t, e.authA, "order", "ID-PSE", "https://t.me/report_chan/1")
	e.clk.Advance(time.Minute)
	nb, cb := e.notice(t, e.authB, "order", "EU-TCO", "https://t.me/report_chan/2")
	e.clk.Advance(5 * time.Minute)
	if r := e.json(t, "POST", "/v1/notices/"+nb+"/messages", e.rev1, map[string]any{"body": "Which post?", "clarification": true}); r.Status != 201 {
		t.Fatalf("clarification: %d %s", r.Status, r.Body)
	}
	e.clk.Advance(5 * time.Minute)
	if r := e.json(t, "POST", "/v1/notices/"+nb+"/messages", e.authB, map[string]any{"body": "Post 2."}); r.Status != 201 {
		t.Fatalf("answer: %d %s", r.Status, r.Body)
	}
	e.clk.Advance(10 * time.Minute)
	e.decideRemove(t, cb)
	e.clk.Advance(10 * time.Minute)
	var page struct {
		Items []struct{ ID string } `json:"items"`
	}
	e.do(t, "GET", "/v1/actions?case_id="+cb, e.admin, nil).decode(t, &page)
	if len(page.Items) != 1 {
		t.Fatalf("actions on %s: %+v", cb, page.Items)
	}
	if r := e.json(t, "POST", "/v1/actions/"+page.Items[0].ID+"/confirm", e.admin, map[string]string{
		"executed_at": e.clk.Now().Format(time.RFC3339)}); r.Status != 200 {
		t.Fatalf("confirm: %d %s", r.Status, r.Body)
	}
	e.clk.Advance(time.Hour)
}

const reportPeriod = "from=2026-11-01&to=2026-12-01"

func TestTransparencyReportAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, eng storetest.Engine) {
		e := newReviewEnv(t, eng)
		seedReports(t, e)

		// The platform sees both orders; JSON is the default format.
		var all reportView
		r := e.do(t, "GET", "/v1/reports/transparency?"+reportPeriod, e.admin, nil)
		if r.Status != 200 || r.Header.Get("Cache-Control") != "private, no-store" {
			t.Fatalf("report: %d %v %s", r.Status, r.Header, r.Body)
		}
		r.decode(t, &all)
		if !all.Scope.Platform || all.Notices.Total != 2 || all.Notices.BySource[0].Count != 2 || all.Actions.Decisions != 1 ||
			all.Actions.Executed != 1 || all.Dialogue.ClarificationRequests != 1 || all.Dialogue.ClockPauses != 1 {
			t.Errorf("platform report: %s", r.Body)
		}
		// B's order: received at +1 min, removal carried out at +31 min.
		if all.Times.ToAction.All.Count != 1 || all.Times.ToAction.All.MedianSeconds != 1800 {
			t.Errorf("time to action: %+v", all.Times.ToAction.All)
		}
		if len(all.Accuracy.Authorities) != 2 {
			t.Errorf("authorities: %+v", all.Accuracy.Authorities)
		}
		// The auditor of the platform reads the same.
		if r := e.do(t, "GET", "/v1/reports/transparency?"+reportPeriod, e.auditor, nil); r.Status != 200 {
			t.Errorf("auditor: %d", r.Status)
		}

		// Authority A sees its own order only.
		var mine reportView
		e.do(t, "GET", "/v1/reports/transparency?"+reportPeriod, e.authA, nil).decode(t, &mine)
		if mine.Scope.Platform || mine.Scope.OrgID == "" || mine.Notices.Total != 1 || mine.Actions.Decisions != 0 ||
			len(mine.Accuracy.Authorities) != 1 || mine.Accuracy.Authorities[0].Name != "Kominfo" {
			t.Errorf("authority A's report: %+v", mine)
		}

		// CSV: one figure per line.
		r = e.do(t, "GET", "/v1/reports/transparency?"+reportPeriod+"&format=csv", e.admin, nil)
		body := string(r.Body)
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || !strings.HasPrefix(body, "section,key,metric,value\n") ||
			!strings.Contains(body, "\nnotices,,total,2\n") || !strings.Contains(body, "\nnotices_by_source,order,count,2\n") ||
			!strings.Contains(r.Header.Get("Content-Disposition"), `filename="transparency-report-20261101T000000Z-20261201T000000Z.csv"`) {
			t.Errorf("CSV: %d %v\n%s", r.Status, r.Header, body)
		}

		// HTML in the language asked for, else the browser's, else Bahasa Indonesia.
		for _, tc := range []struct{ query, accept, want string }{
			{"&lang=en", "", "en"}, {"&lang=id", "en-GB", "id"}, {"", "en-US,en;q=0.9", "en"}, {"", "", "id"},
		} {
			r := e.do(t, "GET", "/v1/reports/transparency?"+reportPeriod+"&format=html"+tc.query, e.admin, nil, "Accept-Language", tc.accept)
			if r.Status != 200 || r.Header.Get("Content-Language") != tc.want || !strings.Contains(string(r.Body), `<html lang="`+tc.want+`">`) ||
				!strings.Contains(string(r.Body), "<svg") || !strings.Contains(r.Header.Get("Content-Security-Policy"), "default-src 'none'") {
				t.Errorf("html %q %q: %d %v", tc.query, tc.accept, r.Status, r.Header)
			}
			if tc.want == "en" && tc.query != "" && eng.Name == "sqlite" {
				golden.Check(t, "transparency_report_en.html", r.Body, *updateGolden)
			}
		}
	})
}

func TestTCOReportAPI(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newReviewEnv, func(ctx context.Context, t *testing.T, e *reviewEnv) {
		seedReports(t, e)
		var tco struct {
			Regime           string `json:"regime"`
			RemovalOrders    int64  `json:"removal_orders"`
			ItemsRemoved     int64  `json:"items_removed"`
			SpecificMeasures *struct {
				Banks int64 `json:"banks"`
			} `json:"specific_measures"`
			Deadline struct {
				OnTime int64 `json:"on_time"`
			} `json:"deadline"`
		}
		e.do(t, "GET", "/v1/reports/tco?"+reportPeriod, e.admin, nil).decode(t, &tco)
		// B's order was removed 30 minutes after receipt, with its clock paused 5 of them: within the hour.
		if tco.Regime != "EU-TCO" || tco.RemovalOrders != 1 || tco.ItemsRemoved != 1 || tco.SpecificMeasures == nil || tco.Deadline.OnTime != 1 {
			t.Errorf("TCO: %+v", tco)
		}
		tco.SpecificMeasures = nil
		e.do(t, "GET", "/v1/reports/tco?"+reportPeriod, e.authA, nil).decode(t, &tco)
		if tco.RemovalOrders != 0 || tco.SpecificMeasures != nil {
			t.Errorf("authority A's TCO: %+v", tco)
		}
		r := e.do(t, "GET", "/v1/reports/tco?"+reportPeriod+"&format=csv", e.authB, nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), "\norders,,removal_orders,1\n") || strings.Contains(string(r.Body), "specific_measures") {
			t.Errorf("authority B's TCO CSV: %d\n%s", r.Status, r.Body)
		}
	})
}

func TestReportBadInput(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newReviewEnv, func(ctx context.Context, t *testing.T, e *reviewEnv) {
		for _, tc := range []struct {
			path, key   string
			status      int
			code, param string
		}{
			{"/v1/reports/transparency?from=2026-12-01&to=2026-11-01", e.admin, 400, "invalid_period", "from"},
			{"/v1/reports/transparency?from=2026-11-01&to=2026-11-01", e.admin, 400, "invalid_period", "from"},
			{"/v1/reports/transparency?from=2027-01-01", e.authA, 400, "invalid_period", "from"},
			{"/v1/reports/transparency?from=2026-11-31&to=2026-12-01", e.admin, 400, "invalid_date", "from"},
			{"/v1/reports/transparency?from=2026-11-01&to=next+week", e.admin, 400, "invalid_date", "to"},
			{"/v1/reports/transparency?from=2020-01-01&to=2026-01-02", e.admin, 400, "period_too_long", "to"},
			{"/v1/reports/transparency?" + reportPeriod + "&format=xml", e.admin, 400, "unknown_format", "format"},
			{"/v1/reports/transparency?" + reportPeriod + "&format=html&lang=fr", e.admin, 400, "unknown_lang", "lang"},
			{"/v1/reports/tco?" + reportPeriod + "&format=html", e.admin, 400, "unknown_format", "format"},
			{"/v1/reports/tco?from=2026-12-01&to=2026-11-01", e.authB, 400, "invalid_period", "from"},
			{"/v1/reports/transparency?" + reportPeriod, "", 401, "", ""},
			{"/v1/reports/tco?" + reportPeriod, "sgp_not_a_key", 401, "", ""},
		} {
			r := e.do(t, "GET", tc.path, tc.key, nil)
			if r.Status != tc.status {
				t.Errorf("%s: %d, want %d: %s", tc.path, r.Status, tc.status, r.Body)
				continue
			}
			if tc.code == "" {
				continue
			}
			p := r.problem(t)
			if p.Code != tc.code || !p.hasError(tc.param, tc.code) {
				t.Errorf("%s: problem %+v, want code %s on %s", tc.path, p, tc.code, tc.param)
			}
		}
	})
}
