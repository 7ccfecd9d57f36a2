package web

import (
	"context"
	"fmt"
	"html/template"
	"strconv"
	"time"

	"github.com/sigap/sigap/internal/chart"
	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/store"
)

// dashMonths is how many months the deadline chart looks back over.
const dashMonths = 6

// queueBounds split the open cases by time left: past the deadline, within
// the hour, within four hours, within the day, later.
var queueBounds = []time.Duration{0, time.Hour, 4 * time.Hour, 24 * time.Hour}

// queueBucketKeys name queueBounds' spans in the catalogues, in order.
var queueBucketKeys = []string{"dash.q.overdue", "dash.q.hour", "dash.q.four", "dash.q.day", "dash.q.later"}

// queueColours go from past the deadline (vermillion) to later (green).
var queueColours = []string{"#d55e00", "#e69f00", "#f0e442", "#56b4e9", "#009e73"}

// monthShare is one month of the deadline chart: notices due that month and
// closed, those closed in time, and those still open past their deadline.
type monthShare struct {
	Month                         string
	Closed, OnTime, Late, Overdue int
	Pct                           int
}

type laneRow struct {
	Lane   string
	Counts []int
}

type hourRow struct {
	Hour  time.Time
	Count int
}

// dashCharts are the dashboard's pictures with the figures they draw.
type dashCharts struct {
	Status, OnTime, Breaches template.HTML
	Months                   []monthShare
	// The platform's only.
	Queue, Hits template.HTML
	Buckets     []string
	Lanes       []laneRow
	Hours       []hourRow
	HitsTotal   int
}

// dashCharts draws the dashboard's charts for q's user: notices by status
// and the share closed in time over the months (everyone, for the notices
// they see), and for the platform the queue by lane and time left and the
// scan's hits per hour over the last day.
func (p *Portal) dashCharts(ctx context.Context, q *req, st store.NoticeStats, statuses []string, now time.Time) (dashCharts, error) {
	lang := q.Lang
	var c dashCharts
	bars := make([]chart.Bar, 0, len(statuses))
	for _, s := range statuses {
		n := st.ByStatus[s]
		bars = append(bars, chart.Bar{Label: i18n.T(lang, "status."+s), Value: float64(n), Text: strconv.Itoa(n)})
	}
	c.Status = chart.Bars(i18n.T(lang, "dash.chart.status"), bars)

	local := now.In(wib)
	first := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, wib).AddDate(0, 1-dashMonths, 0)
	share := make([]chart.Bar, 0, dashMonths)
	late := make([]chart.Bar, 0, dashMonths)
	for i := range dashMonths {
		from := first.AddDate(0, i, 0)
		ms, err := p.DB.Stats(ctx, q.scope(), from, from.AddDate(0, 1, 0), now)
		if err != nil {
			return c, fmt.Errorf("web: dashboard month %s: %w", from.Format("2006-01"), err)
		}
		m := monthShare{Month: from.Format("2006-01"), Closed: ms.Closed, OnTime: ms.OnTime, Late: ms.Closed - ms.OnTime, Overdue: ms.Overdue}
		text := ""
		if m.Closed > 0 {
			m.Pct = m.OnTime * 100 / m.Closed
			text = strconv.Itoa(m.Pct) + "%"
		}
		c.Months = append(c.Months, m)
		share = append(share, chart.Bar{Label: m.Month, Value: float64(m.Pct), Text: text})
		late = append(late, chart.Bar{Label: m.Month, Value: float64(m.Late + m.Overdue), Text: strconv.Itoa(m.Late + m.Overdue)})
	}
	c.OnTime = chart.Columns(i18n.T(lang, "dash.chart.on_time"), share, 100, 1)
	c.Breaches = chart.Columns(i18n.T(lang, "dash.chart.breaches"), late, 0, 1)
	if !q.IsPlatform() {
		return c, nil
	}

	counts, err := p.DB.QueueByTimeLeft(ctx, now, queueBounds)
	if err != nil {
		return c, fmt.Errorf("web: dashboard queue: %w", err)
	}
	for _, k := range queueBucketKeys {
		c.Buckets = append(c.Buckets, i18n.T(lang, k))
	}
	byLane := map[string][]int{}
	for _, qc := range counts {
		if byLane[qc.Lane] == nil {
			byLane[qc.Lane] = make([]int, len(queueBucketKeys))
		}
		if qc.Bucket >= 0 && qc.Bucket < len(queueBucketKeys) {
			byLane[qc.Lane][qc.Bucket] += qc.Count
		}
	}
	var stacks []chart.Stack
	for _, lane := range []string{notice.LaneOrder, notice.LaneTrusted, notice.LaneStandard} {
		row := laneRow{Lane: lane, Counts: byLane[lane]}
		if row.Counts == nil {
			row.Counts = make([]int, len(queueBucketKeys))
		}
		parts := make([]int64, len(row.Counts))
		for i, n := range row.Counts {
			parts[i] = int64(n)
		}
		c.Lanes = append(c.Lanes, row)
		stacks = append(stacks, chart.Stack{Label: i18n.T(lang, "lane."+lane), Parts: parts})
	}
	c.Queue = chart.Stacks(i18n.T(lang, "dash.chart.queue"), stacks, queueColours)

	since := now.Truncate(time.Hour).Add(-23 * time.Hour)
	hours, err := p.DB.HitsPerHour(ctx, since)
	if err != nil {
		return c, fmt.Errorf("web: dashboard hits: %w", err)
	}
	byHour := map[int64]int{}
	for _, h := range hours {
		byHour[h.Hour.Unix()] = h.Count
	}
	cols := make([]chart.Bar, 0, 24)
	for i := range 24 {
		h := since.Add(time.Duration(i) * time.Hour)
		n := byHour[h.Unix()]
		c.HitsTotal += n
		c.Hours = append(c.Hours, hourRow{Hour: h, Count: n})
		cols = append(cols, chart.Bar{Label: h.In(wib).Format("15"), Value: float64(n), Text: strconv.Itoa(n)})
	}
	c.Hits = chart.Columns(i18n.T(lang, "dash.chart.hits"), cols, 0, 3)
	return c, nil
}
