package chart

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// HourRow is one hour of a count chart: its label and counts of two kinds
// (an incident's live and retroactive cases).
type HourRow struct {
	Label string
	A, B  int64
}

// CountChart draws each row as a bar of its two counts, A then B stacked,
// scaled to the largest row; legendA and legendB name the colours. The
// incident page draws its cases per hour with it.
func CountChart(title, legendA, legendB string, rows []HourRow) template.HTML {
	var b strings.Builder
	legend := rowHeight
	height := len(rows)*rowHeight + 2*chartMargin + legend
	svgOpen(&b, title, height)
	var maxV int64
	for _, r := range rows {
		maxV = max(maxV, r.A+r.B)
	}
	span := float64(chartWidth - labelWidth - valueWidth)
	for i, l := range []string{legendA, legendB} {
		x := labelWidth + i*180
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/>`, x, chartMargin, chartColours[i])
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="label">%s</text>`, x+16, chartMargin+11, html.EscapeString(l))
	}
	for i, r := range rows {
		y := chartMargin + legend + i*rowHeight
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" class="label">%s</text>`, labelWidth-8, y+barHeight-3, html.EscapeString(r.Label))
		at := float64(labelWidth)
		for j, v := range []int64{r.A, r.B} {
			if v == 0 || maxV == 0 {
				continue
			}
			w := float64(v) / float64(maxV) * span
			fmt.Fprintf(&b, `<rect x="%s" y="%d" width="%s" height="%d" fill="%s"/>`, fmtNum(at), y, fmtNum(w), barHeight, chartColours[j])
			at += w
		}
		fmt.Fprintf(&b, `<text x="%s" y="%d" class="value">%d + %d</text>`, fmtNum(at+6), y+barHeight-3, r.A, r.B)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
