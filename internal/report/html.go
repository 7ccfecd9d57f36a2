package report

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/chart"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/i18n"
)

//go:embed templates/*.html templates/*.css
var templateFS embed.FS

// css is the page's style sheet, inlined so the page stands alone.
var css = func() template.CSS {
	b, err := templateFS.ReadFile("templates/report.css")
	if err != nil {
		panic(err)
	}
	return template.CSS(b)
}()

// wib is Western Indonesia Time, the zone the ministry works in.
var wib = clock.WIB()

// pages holds the report page parsed once per language, the catalogue bound
// into its t function.
var pages = func() map[string]*template.Template {
	out := map[string]*template.Template{}
	for _, lang := range i18n.Langs {
		t := func(key string, args ...any) string { return T(lang, key, args...) }
		out[lang] = template.Must(template.New("report.html").Funcs(template.FuncMap{"t": t}).ParseFS(templateFS, "templates/report.html"))
	}
	return out
}()

// cell is one labelled, formatted figure of a table.
type cell struct{ Label, Value string }

// timeRow is one group of a time distribution, formatted.
type timeRow struct{ Label, Count, Median, P90, Min, Max string }

// timeBlock is one duration: its chart and table.
type timeBlock struct {
	Title string
	Chart template.HTML
	Rows  []timeRow
}

// countBlock is one breakdown: its chart and table.
type countBlock struct {
	Title string
	Chart template.HTML
	Rows  []cell
}

type deadlineRow struct{ Regime, Class, Notices, OnTime, Late, Overdue, Open, Share string }

type accuracyRow struct{ Name, Notices, Decided, Actioned, Rejected, Reversed, Precision string }

// page is what the template shows: every figure already formatted for its language.
type page struct {
	CSS                         template.CSS
	Lang                        string
	From, To, Generated         string
	Scope                       string
	NoticesTotal                string
	NoticeBlocks                []countBlock
	ActionsSummary              string
	ActionBlocks                []countBlock
	Times                       []timeBlock
	Deadlines                   []deadlineRow
	DeadlineChart               template.HTML
	Dialogue                    []cell
	Appeals                     []cell
	Automation                  []cell
	HitsBlock                   countBlock
	Flaggers, Authorities       []accuracyRow
	HasFlaggers, HasAuthorities bool
}

// WriteHTML renders the report as one self-contained HTML page in lang (id or
// en; anything else is Indonesian): inline CSS and SVG charts, no script and
// nothing fetched from elsewhere.
func (r *Report) WriteHTML(w io.Writer, lang string) error {
	if !i18n.Valid(lang) {
		lang = i18n.ID
	}
	return pages[lang].Execute(w, r.page(lang))
}

func (r *Report) page(lang string) page {
	p := page{CSS: css, Lang: lang, From: bothZones(r.Period.From), To: bothZones(r.Period.To), Generated: bothZones(r.GeneratedAt)}
	if r.Scope.Platform {
		p.Scope = T(lang, "scope.platform")
	} else {
		p.Scope = T(lang, "scope.org", r.Scope.OrgName)
	}
	n := r.Notices
	p.NoticesTotal = T(lang, "notices.total", fmtInt(lang, n.Total), fmtInt(lang, n.Subjects))
	p.NoticeBlocks = []countBlock{
		counts(lang, "chart.source", "source", n.BySource),
		counts(lang, "chart.category", "category", n.ByCategory),
		counts(lang, "chart.regime", "", n.ByRegime),
		counts(lang, "chart.jurisdiction", "", n.ByJurisdiction),
		counts(lang, "chart.outcome", "outcome", n.ByOutcome),
		counts(lang, "chart.status", "status", n.ByStatus),
	}
	a := r.Actions
	p.ActionsSummary = T(lang, "actions.summary", fmtInt(lang, a.Decisions), fmtInt(lang, a.AutomatedDecisions),
		fmtInt(lang, a.ReversedDecisions), fmtInt(lang, a.Requested), fmtInt(lang, a.Executed))
	p.ActionBlocks = []countBlock{
		counts(lang, "chart.action", "action", a.ByAction),
		counts(lang, "chart.ground", "ground", a.ByGround),
		counts(lang, "chart.executed", "action", a.ExecutedByAction),
	}
	p.Times = []timeBlock{
		times(lang, "chart.to_ack", r.Times.ToAcknowledgement),
		times(lang, "chart.to_decision", r.Times.ToDecision),
		times(lang, "chart.to_action", r.Times.ToAction),
	}
	var stacks []chart.Stack
	for _, d := range r.Deadlines {
		cls := label(lang, "class", d.Class)
		p.Deadlines = append(p.Deadlines, deadlineRow{Regime: d.Regime, Class: cls, Notices: fmtInt(lang, d.Notices),
			OnTime: fmtInt(lang, d.OnTime), Late: fmtInt(lang, d.Late), Overdue: fmtInt(lang, d.Overdue), Open: fmtInt(lang, d.Open),
			Share: fmtShare(lang, d.OnTimeShare)})
		stacks = append(stacks, chart.Stack{Label: d.Regime + " · " + cls, Parts: []int64{d.OnTime, d.Late, d.Overdue, d.Open}})
	}
	if len(stacks) > 0 {
		p.DeadlineChart = chart.Stacks(T(lang, "chart.deadlines"), stacks, chart.DeadlineColours)
	}
	d := r.Dialogue
	p.Dialogue = []cell{
		{T(lang, "d.clarification_requests"), fmtInt(lang, d.ClarificationRequests)},
		{T(lang, "d.notices_with_clarification"), fmtInt(lang, d.NoticesWithClarification)},
		{T(lang, "d.messages_from_platform"), fmtInt(lang, d.MessagesFromPlatform)},
		{T(lang, "d.messages_from_notifiers"), fmtInt(lang, d.MessagesFromNotifiers)},
		{T(lang, "d.clock_pauses"), fmtInt(lang, d.ClockPauses)},
		{T(lang, "d.clock_pauses_ended"), fmtInt(lang, d.ClockPausesEnded)},
		{T(lang, "d.paused"), fmtDuration(lang, d.PausedSeconds)},
		{T(lang, "d.objections"), fmtInt(lang, d.Objections)},
	}
	for _, c := range d.ObjectionsByStatus {
		p.Dialogue = append(p.Dialogue, cell{"· " + label(lang, "objection", c.Key), fmtInt(lang, c.Count)})
	}
	ap := r.Appeals
	p.Appeals = []cell{
		{T(lang, "a.filed"), fmtInt(lang, ap.Filed)},
		{T(lang, "a.decided"), fmtInt(lang, ap.Decided)},
		{T(lang, "a.upheld"), fmtInt(lang, ap.Upheld)},
		{T(lang, "a.reversed"), fmtInt(lang, ap.Reversed)},
		{T(lang, "a.reinstatements"), fmtInt(lang, ap.Reinstatements)},
		{T(lang, "a.decision_time"), medianText(lang, ap.DecisionTime)},
	}
	au := r.Automation
	p.Automation = []cell{
		{T(lang, "au.automated_notices"), fmtInt(lang, au.AutomatedNotices)},
		{T(lang, "au.share"), fmtShare(lang, au.Share)},
		{T(lang, "au.automated_decisions"), fmtInt(lang, au.AutomatedDecisions)},
		{T(lang, "au.scan_hits"), fmtInt(lang, au.ScanHits)},
		{T(lang, "au.actions_requested"), fmtInt(lang, au.ActionsRequested)},
		{T(lang, "au.actions_executed"), fmtInt(lang, au.ActionsExecuted)},
	}
	p.HitsBlock = counts(lang, "chart.hits", "hit", au.ScanHitsByOutcome)
	p.Flaggers, p.Authorities = accuracy(lang, r.Accuracy.TrustedFlaggers), accuracy(lang, r.Accuracy.Authorities)
	p.HasFlaggers, p.HasAuthorities = len(p.Flaggers) > 0, len(p.Authorities) > 0
	return p
}

// bothZones prints a time in WIB with UTC beside it.
func bothZones(t time.Time) string {
	return t.In(wib).Format("2006-01-02 15:04") + " WIB (" + t.UTC().Format("2006-01-02 15:04") + " UTC)"
}

func counts(lang, titleKey, prefix string, cs []Count) countBlock {
	b := countBlock{Title: T(lang, titleKey)}
	bars := make([]chart.Bar, 0, len(cs))
	for _, c := range cs {
		l := c.Key
		if prefix != "" {
			l = label(lang, prefix, c.Key)
		}
		v := fmtInt(lang, c.Count)
		b.Rows = append(b.Rows, cell{l, v})
		bars = append(bars, chart.Bar{Label: l, Value: float64(c.Count), Text: v})
	}
	if len(bars) > 0 {
		b.Chart = chart.Bars(b.Title, bars)
	}
	return b
}

func times(lang, titleKey string, t Timing) timeBlock {
	b := timeBlock{Title: T(lang, titleKey)}
	groups := append([]Distribution{t.All}, t.BySource...)
	var rows []chart.Span
	for i, d := range groups {
		l := T(lang, "unit.all")
		if i > 0 {
			l = label(lang, "source", d.Key)
		}
		rows = append(rows, chart.Span{Label: l, Count: d.Count, Min: d.MinSeconds, Median: d.MedianSeconds, P90: d.P90Seconds, Max: d.MaxSeconds})
		r := timeRow{Label: l, Count: fmtInt(lang, d.Count), Median: "–", P90: "–", Min: "–", Max: "–"}
		if d.Count > 0 {
			r.Median, r.P90 = fmtDuration(lang, d.MedianSeconds), fmtDuration(lang, d.P90Seconds)
			r.Min, r.Max = fmtDuration(lang, d.MinSeconds), fmtDuration(lang, d.MaxSeconds)
		}
		b.Rows = append(b.Rows, r)
	}
	b.Chart = chart.Dist(b.Title, rows, axisTicks(lang), T(lang, "unit.nodata"))
	return b
}

func axisTicks(lang string) []chart.Tick {
	var out []chart.Tick
	for _, s := range []float64{1, 60, 600, 3600, 4 * 3600, 86400, 7 * 86400, 30 * 86400, 365 * 86400} {
		out = append(out, chart.Tick{Seconds: s, Label: fmtDuration(lang, s)})
	}
	return out
}

func medianText(lang string, d Distribution) string {
	if d.Count == 0 {
		return "–"
	}
	return fmtDuration(lang, d.MedianSeconds)
}

func accuracy(lang string, as []NotifierAccuracy) []accuracyRow {
	var out []accuracyRow
	for _, a := range as {
		out = append(out, accuracyRow{Name: a.Name, Notices: fmtInt(lang, a.Notices), Decided: fmtInt(lang, a.Decided),
			Actioned: fmtInt(lang, a.Actioned), Rejected: fmtInt(lang, a.Rejected), Reversed: fmtInt(lang, a.Reversed),
			Precision: fmtShare(lang, a.Precision)})
	}
	return out
}

// fmtInt groups thousands the way each language writes them: 1.234.567 in Bahasa Indonesia, 1,234,567 in English.
func fmtInt(lang string, n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := ","
	if lang == i18n.ID {
		sep = "."
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// fmtShare prints a share as a percentage with one decimal, with a decimal comma in Bahasa Indonesia.
func fmtShare(lang string, f float64) string {
	s := strconv.FormatFloat(math.Round(f*1000)/10, 'f', 1, 64)
	if lang == i18n.ID {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + "%"
}

// fmtDuration prints seconds in the two largest units: "1 h 48 min", "2 d 3 h", "45 s".
func fmtDuration(lang string, secs float64) string {
	if secs < 10 && secs != math.Trunc(secs) {
		s := strconv.FormatFloat(math.Round(secs*10)/10, 'f', 1, 64)
		if lang == i18n.ID {
			s = strings.Replace(s, ".", ",", 1)
		}
		return s + " " + T(lang, "unit.s")
	}
	total := int64(math.Round(secs))
	units := []struct {
		key  string
		size int64
	}{{"unit.d", 86400}, {"unit.h", 3600}, {"unit.min", 60}, {"unit.s", 1}}
	var parts []string
	for _, u := range units {
		if len(parts) == 2 {
			break
		}
		if n := total / u.size; n > 0 || (len(parts) > 0) {
			if n > 0 {
				parts = append(parts, fmt.Sprintf("%s %s", fmtInt(lang, n), T(lang, u.key)))
			} else {
				parts = append(parts, "") // a zero middle unit ends the pair
			}
			total -= n * u.size
		}
	}
	out := strings.TrimSpace(strings.Join(parts, " "))
	if out == "" {
		return "0 " + T(lang, "unit.s")
	}
	return out
}
