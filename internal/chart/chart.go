package chart

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// Bar is one labelled value of a bar chart.
type Bar struct {
	Label string
	Value float64
	Text  string // the value as the page prints it
}

const (
	chartWidth  = 640
	labelWidth  = 210
	valueWidth  = 90
	rowHeight   = 24
	barHeight   = 16
	chartMargin = 6
)

// chartColours are the bars' fills, colour-blind safe (Okabe-Ito).
var chartColours = []string{"#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#999999"}

func svgOpen(b *strings.Builder, title string, height int) {
	fmt.Fprintf(b, `<svg role="img" width="%d" height="%d" viewBox="0 0 %d %d" class="chart">`,
		chartWidth, height, chartWidth, height)
	fmt.Fprintf(b, `<title>%s</title>`, html.EscapeString(title))
}

// fmtNum prints a coordinate with at most one decimal.
func fmtNum(v float64) string {
	return strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.1f", v), "0"), ".")
}

// Bars draws horizontal bars scaled to the largest value.
func Bars(title string, bars []Bar) template.HTML {
	var b strings.Builder
	height := len(bars)*rowHeight + 2*chartMargin
	svgOpen(&b, title, height)
	maxV := 0.0
	for _, x := range bars {
		maxV = math.Max(maxV, x.Value)
	}
	span := float64(chartWidth - labelWidth - valueWidth)
	for i, x := range bars {
		y := chartMargin + i*rowHeight
		w := 0.0
		if maxV > 0 {
			w = x.Value / maxV * span
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" class="label">%s</text>`, labelWidth-8, y+barHeight-3, html.EscapeString(x.Label))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%s" height="%d" fill="%s"/>`, labelWidth, y, fmtNum(w), barHeight, chartColours[i%len(chartColours)])
		fmt.Fprintf(&b, `<text x="%s" y="%d" class="value">%s</text>`, fmtNum(float64(labelWidth)+w+6), y+barHeight-3, html.EscapeString(x.Text))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// Span is one group of a time distribution, in seconds.
type Span struct {
	Label                 string
	Count                 int64
	Min, Median, P90, Max float64
}

// Tick is a mark on a duration axis.
type Tick struct {
	Seconds float64
	Label   string
}

// Dist draws each group's durations on one logarithmic axis: a line
// from fastest to slowest, a box from median to 90th percentile and a mark
// at the median. Groups without data show an empty row.
func Dist(title string, rows []Span, ticks []Tick, noData string) template.HTML {
	var b strings.Builder
	axis := 22
	height := len(rows)*rowHeight + 2*chartMargin + axis
	svgOpen(&b, title, height)
	lo, hi := 1.0, 60.0
	for _, r := range rows {
		if r.Count > 0 {
			hi = math.Max(hi, r.Max)
		}
	}
	hi *= 1.2
	left, right := float64(labelWidth), float64(chartWidth-20)
	x := func(v float64) float64 {
		v = math.Max(v, lo)
		return left + (math.Log(v)-math.Log(lo))/(math.Log(hi)-math.Log(lo))*(right-left)
	}
	top, bottom := chartMargin, chartMargin+len(rows)*rowHeight
	for _, t := range ticks {
		if t.Seconds > hi {
			break
		}
		tx := fmtNum(x(t.Seconds))
		fmt.Fprintf(&b, `<line x1="%s" y1="%d" x2="%s" y2="%d" class="grid"/>`, tx, top, tx, bottom)
		fmt.Fprintf(&b, `<text x="%s" y="%d" text-anchor="middle" class="axis">%s</text>`, tx, bottom+16, html.EscapeString(t.Label))
	}
	for i, r := range rows {
		y := chartMargin + i*rowHeight
		mid := y + barHeight/2
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" class="label">%s</text>`, labelWidth-8, y+barHeight-3, html.EscapeString(r.Label))
		if r.Count == 0 {
			fmt.Fprintf(&b, `<text x="%d" y="%d" class="value">%s</text>`, labelWidth+4, y+barHeight-3, html.EscapeString(noData))
			continue
		}
		c := chartColours[i%len(chartColours)]
		fmt.Fprintf(&b, `<line x1="%s" y1="%d" x2="%s" y2="%d" stroke="%s" stroke-width="2"/>`, fmtNum(x(r.Min)), mid, fmtNum(x(r.Max)), mid, c)
		w := math.Max(x(r.P90)-x(r.Median), 2)
		fmt.Fprintf(&b, `<rect x="%s" y="%d" width="%s" height="%d" fill="%s" fill-opacity="0.55" stroke="%s"/>`,
			fmtNum(x(r.Median)), y+2, fmtNum(w), barHeight-4, c, c)
		fmt.Fprintf(&b, `<line x1="%s" y1="%d" x2="%s" y2="%d" stroke="#000" stroke-width="2"/>`, fmtNum(x(r.Median)), y, fmtNum(x(r.Median)), y+barHeight)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// Stack is one row of a 100% stacked bar.
type Stack struct {
	Label string
	Parts []int64
}

// DeadlineColours are on time, late, overdue and not yet due.
var DeadlineColours = []string{"#009e73", "#e69f00", "#d55e00", "#bbbbbb"}

// Stacks draws each row as shares of its total, the parts in colours.
func Stacks(title string, rows []Stack, colours []string) template.HTML {
	var b strings.Builder
	height := len(rows)*rowHeight + 2*chartMargin
	svgOpen(&b, title, height)
	span := float64(chartWidth - labelWidth - 20)
	for i, r := range rows {
		y := chartMargin + i*rowHeight
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" class="label">%s</text>`, labelWidth-8, y+barHeight-3, html.EscapeString(r.Label))
		var total int64
		for _, p := range r.Parts {
			total += p
		}
		if total == 0 {
			continue
		}
		at := float64(labelWidth)
		for j, p := range r.Parts {
			w := float64(p) / float64(total) * span
			if w > 0 {
				fmt.Fprintf(&b, `<rect x="%s" y="%d" width="%s" height="%d" fill="%s"/>`, fmtNum(at), y, fmtNum(w), barHeight, colours[j%len(colours)])
			}
			at += w
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// Column heights and the room under them for labels.
const (
	columnsHeight = 150
	columnsAxis   = 20
)

// Columns draws a series over time as upright bars on a scale from zero
// to top (the largest value when top is 0), each with its value above it
// and every every-th its label below, so a day of hours stays readable.
func Columns(title string, cols []Bar, top float64, every int) template.HTML {
	var b strings.Builder
	svgOpen(&b, title, columnsHeight+columnsAxis+2*chartMargin)
	for _, c := range cols {
		top = math.Max(top, c.Value)
	}
	every = max(every, 1)
	left, base := 8.0, float64(chartMargin+columnsHeight)
	slot := (float64(chartWidth) - 2*left) / float64(max(len(cols), 1))
	room := float64(columnsHeight - 14) // the value's text sits above the tallest bar
	fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" class="grid"/>`, fmtNum(left), fmtNum(base), fmtNum(float64(chartWidth)-left), fmtNum(base))
	for i, c := range cols {
		h := 0.0
		if top > 0 {
			h = c.Value / top * room
		}
		x := left + float64(i)*slot
		mid := fmtNum(x + slot/2)
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`, fmtNum(x+slot*0.15), fmtNum(base-h), fmtNum(slot*0.7), fmtNum(h), chartColours[0])
		if c.Text != "" && c.Value > 0 {
			fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" class="value">%s</text>`, mid, fmtNum(base-h-3), html.EscapeString(c.Text))
		}
		if i%every == 0 {
			fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" class="axis">%s</text>`, mid, fmtNum(base+16), html.EscapeString(c.Label))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
