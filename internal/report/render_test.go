package report_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/golden"
	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/i18n/i18ntest"
	"github.com/sigap/sigap/internal/report"
	"github.com/sigap/sigap/internal/store"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// fixture is a report built from hand-made aggregates: two authorities and a
// flagger, every section with something in it, and a name that needs escaping.
func fixture() *report.Report {
	p := report.Period{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
	f := &store.ReportFigures{
		Notices: []store.ReportNoticeRow{
			{Kind: "order", Category: "terrorism", Regime: "ID-PSE", Scope: `["ID"]`, Status: "actioned", Notices: 1200, Subjects: 5400},
			{Kind: "order", Category: "terrorism", Regime: "EU-TCO", Scope: `["EU","DE"]`, Status: "actioned", Notices: 40, Subjects: 41},
			{Kind: "referral", Category: "hoax", Regime: "ID-PSE", Scope: `["ID"]`, Status: "rejected", Notices: 300, Subjects: 300},
			{Kind: "flag", Category: "hate_speech", Regime: "EU-DSA", Scope: `["EU"]`, Status: "decided", Notices: 75, Subjects: 80},
			{Kind: "report", Category: "fraud", Regime: "ID-PSE", Scope: `["ID"]`, Status: "received", Notices: 20, Subjects: 20},
			{Kind: "report", Automated: true, Category: "terrorism", Regime: "ID-PSE", Scope: `["ID"]`, Status: "in_review", Notices: 365, Subjects: 365},
		},
		Outcomes: []store.ReportOutcomeRow{
			{OrgID: "org_a", OrgName: "Kementerian <Komdigi>", OrgKind: "authority", Source: "order", Regime: "ID-PSE", Class: "urgent", Outcome: "actioned", Compliance: "on_time", Notices: 1100},
			{OrgID: "org_a", OrgName: "Kementerian <Komdigi>", OrgKind: "authority", Source: "order", Regime: "ID-PSE", Class: "urgent", Outcome: "actioned", Compliance: "late", Notices: 100},
			{OrgID: "org_b", OrgName: "BfJ", OrgKind: "authority", Source: "order", Regime: "EU-TCO", Class: "removal_order", Outcome: "actioned", Compliance: "on_time", Notices: 39},
			{OrgID: "org_b", OrgName: "BfJ", OrgKind: "authority", Source: "order", Regime: "EU-TCO", Class: "removal_order", Outcome: "pending", Compliance: "overdue", Notices: 1},
			{OrgID: "org_a", OrgName: "Kementerian <Komdigi>", OrgKind: "authority", Source: "referral", Regime: "ID-PSE", Class: "standard", Outcome: "rejected", Compliance: "on_time", Notices: 300},
			{OrgID: "org_f", OrgName: "SAFEnet", OrgKind: "flagger", Source: "flag", Regime: "EU-DSA", Class: "standard", Outcome: "actioned", Compliance: "on_time", Notices: 60},
			{OrgID: "org_f", OrgName: "SAFEnet", OrgKind: "flagger", Source: "flag", Regime: "EU-DSA", Class: "standard", Outcome: "reversed", Compliance: "on_time", Notices: 15},
			{OrgID: "org_p", OrgName: "Platform", OrgKind: "platform", Source: "report", Regime: "ID-PSE", Class: "standard", Outcome: "pending", Compliance: "open", Notices: 20},
			{OrgID: "org_p", OrgName: "Platform", OrgKind: "platform", Source: "automated", Regime: "ID-PSE", Class: "standard", Outcome: "pending", Compliance: "open", Notices: 365},
		},
		Times: []store.ReportDist{
			{Measure: "ack", N: 1600, P50: 540_000, P90: 3_000_000, Min: 2_000, Max: 90_000_000},
			{Measure: "ack", Group: "order", N: 1240, P50: 300_000, P90: 1_800_000, Min: 2_000, Max: 20_000_000},
			{Measure: "ack", Group: "flag", N: 75, P50: 7_200_000, P90: 40_000_000, Min: 60_000, Max: 90_000_000},
			{Measure: "ack", Group: "referral", N: 285, P50: 3_600_000, P90: 9_000_000, Min: 10_000, Max: 50_000_000},
			{Measure: "decision", N: 1615, P50: 1_800_000, P90: 12_600_000, Min: 30_000, Max: 400_000_000},
			{Measure: "decision", Group: "order", N: 1240, P50: 1_500_000, P90: 9_000_000, Min: 30_000, Max: 90_000_000},
			{Measure: "decision", Group: "referral", N: 300, P50: 20_000_000, P90: 80_000_000, Min: 600_000, Max: 400_000_000},
			{Measure: "decision", Group: "flag", N: 75, P50: 30_000_000, P90: 100_000_000, Min: 900_000, Max: 300_000_000},
			{Measure: "action", N: 1300, P50: 2_700_000, P90: 10_800_000, Min: 500, Max: 172_800_000},
			{Measure: "action", Group: "order", N: 1239, P50: 2_400_000, P90: 10_000_000, Min: 40_000, Max: 172_800_000},
			{Measure: "action", Group: "flag", N: 60, P50: 40_000_000, P90: 120_000_000, Min: 1_000_000, Max: 150_000_000},
			{Measure: "action", Group: "automated", N: 1, P50: 500, P90: 500, Min: 500, Max: 500},
		},
		Decisions: []store.ReportDecisionRow{
			{Action: "remove", Ground: "law", Status: "final", Decisions: 1239},
			{Action: "remove", Ground: "terms", Status: "final", Decisions: 45},
			{Action: "remove", Ground: "terms", Status: "reversed", Decisions: 15},
			{Action: "geo_restrict", Ground: "law", Status: "final", Decisions: 16},
			{Action: "no_action", Ground: "terms", Status: "final", Decisions: 300, Automated: true},
		},
		Requested: []store.ReportActionRow{
			{Action: "remove", Source: "review", State: "executed", Actions: 1290},
			{Action: "remove", Source: "review", State: "pending", Actions: 9},
			{Action: "remove", Source: "scan", State: "executed", Actions: 1},
			{Action: "restore", Source: "review", State: "executed", Actions: 15},
		},
		Executed: []store.ReportActionRow{
			{Action: "remove", Source: "review", State: "executed", Actions: 1290},
			{Action: "remove", Source: "scan", State: "executed", Actions: 1},
			{Action: "restore", Source: "review", State: "executed", Actions: 15},
		},
		Messages:    store.ReportMessages{Platform: 130, Notifier: 95, Clarifications: 90, NoticesWithClarification: 88, PausesStarted: 12, PausesEnded: 11, PausedMS: 39_600_000},
		Objections:  []store.ReportCount{{Key: "withdrawn", N: 3}, {Key: "upheld", N: 2}},
		Appeals:     []store.ReportCount{{Key: "upheld", N: 25}, {Key: "reversed", N: 15}, {Key: "open", N: 4}},
		AppealTimes: []store.ReportDist{{Measure: "appeal", N: 40, P50: 86_400_000, P90: 500_000_000, Min: 3_600_000, Max: 900_000_000}, {Measure: "appeal", Group: "upheld", N: 25, P50: 80_000_000, P90: 400_000_000, Min: 3_600_000, Max: 900_000_000}, {Measure: "appeal", Group: "reversed", N: 15, P50: 100_000_000, P90: 600_000_000, Min: 7_200_000, Max: 800_000_000}},
		ScanHits:    []store.ReportCount{{Key: "notice", N: 300}, {Key: "action", N: 65}, {Key: "shadow", N: 1000}},
	}
	return report.Build(p, time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC), report.Scope{Platform: true}, f)
}

func TestGoldenHTML(t *testing.T) {
	t.Parallel()
	r := fixture()
	for _, lang := range i18n.Langs {
		var b bytes.Buffer
		if err := r.WriteHTML(&b, lang); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, "report_"+lang+".html", b.Bytes(), *update)
		s := b.String()
		for _, want := range []string{`<html lang="` + lang + `">`, "<svg", "WIB (", " UTC)", "Kementerian &lt;Komdigi&gt;"} {
			if !strings.Contains(s, want) {
				t.Errorf("%s page lacks %q", lang, want)
			}
		}
		for _, bad := range []string{"<script", "http://", "https://", "<Komdigi>"} {
			if strings.Contains(s, bad) {
				t.Errorf("%s page holds %q: it must stand alone, fetch nothing and escape what it shows", lang, bad)
			}
		}
	}
	var b bytes.Buffer
	if err := r.WriteHTML(&b, "fr"); err != nil || !strings.Contains(b.String(), `<html lang="id">`) {
		t.Errorf("an unknown language should fall back to Bahasa Indonesia: %v", err)
	}
}

func TestGoldenCSVAndJSON(t *testing.T) {
	t.Parallel()
	r := fixture()
	var b bytes.Buffer
	if err := r.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "report.csv", b.Bytes(), *update)
	rows, err := csv.NewReader(bytes.NewReader(b.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "section,key,metric,value" {
		t.Errorf("header = %v", rows[0])
	}
	seen := map[string]bool{}
	for _, row := range rows[1:] {
		if len(row) != 4 || row[0] == "" || row[2] == "" {
			t.Fatalf("row %v is not section,key,metric,value", row)
		}
		k := strings.Join(row[:3], "|")
		if seen[k] {
			t.Errorf("figure %s appears twice", k)
		}
		seen[k] = true
	}
	for _, want := range []string{"notices||total", "notices_by_source|automated|count", "time_to_decision|order|median_seconds",
		"deadlines|ID-PSE/urgent|on_time_share", "accuracy_authorities|org_a|precision", "appeals||reinstatements"} {
		if !seen[want] {
			t.Errorf("CSV lacks %s", want)
		}
	}
	j, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "report.json", j, *update)
	var back report.Report
	if err := json.Unmarshal(j, &back); err != nil || back.Notices.Total != r.Notices.Total {
		t.Errorf("JSON does not read back: %v", err)
	}
	if r.Notices.Total != 2000 || r.Automation.AutomatedNotices != 365 || r.Automation.Share != 0.1825 {
		t.Errorf("fixture totals: %+v %+v", r.Notices, r.Automation)
	}
	if len(r.Accuracy.Authorities) != 2 || r.Accuracy.Authorities[0].Name != "Kementerian <Komdigi>" || r.Accuracy.Authorities[0].Precision != 1200.0/1500 {
		t.Errorf("authorities: %+v", r.Accuracy.Authorities)
	}
}

// TestTemplatesHoldNoText is internal/web's rule: every word a reader sees
// comes from a catalogue, in both languages; templates hold markup and actions only.
func TestTemplatesHoldNoText(t *testing.T) {
	t.Parallel()
	i18ntest.TemplatesHoldNoText(t, "templates", func(lang, key string) bool { return report.T(lang, key) != key })
}

func TestTCOCSV(t *testing.T) {
	t.Parallel()
	r := fixture()
	tco := report.BuildTCO(r.Period, r.GeneratedAt, r.Scope, &store.ReportFigures{}, &store.SpecificMeasures{Banks: 2, Hits: 7})
	var b bytes.Buffer
	if err := tco.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"report,,regime,EU-TCO", "orders,,removal_orders,0", "specific_measures,,banks,2", "specific_measures,,hits,7",
		"not_actioned_reasons,cannot_execute,count,0", "deadline,EU-TCO/all,on_time_share,0"} {
		if !strings.Contains(b.String(), want+"\n") {
			t.Errorf("TCO CSV lacks %q:\n%s", want, b.String())
		}
	}
}
