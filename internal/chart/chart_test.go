package chart

import (
	"flag"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/golden"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

func TestGoldenCharts(t *testing.T) {
	t.Parallel()
	hours := make([]Bar, 24)
	for i := range hours {
		hours[i] = Bar{Label: string(rune('0'+i/10)) + string(rune('0'+i%10)), Value: float64(i % 7), Text: string(rune('0' + i%7))}
	}
	for _, tc := range []struct {
		name string
		svg  string
	}{
		{"bars", string(Bars("Notices <by> status", []Bar{{"received", 3, "3"}, {"in review", 0, "0"}, {"decided", 12, "12"}}))},
		{"stacks", string(Stacks("Queue", []Stack{{"orders", []int64{1, 2, 0, 5}}, {"standard", nil}}, DeadlineColours))},
		{"columns", string(Columns("Hits per hour", hours, 0, 3))},
		{"columns_share", string(Columns("On time", []Bar{{"2026-07", 100, "100%"}, {"2026-08", 50, "50%"}, {"2026-09", 0, ""}}, 100, 1))},
		{"columns_empty", string(Columns("Nothing", nil, 0, 1))},
	} {
		if !strings.HasPrefix(tc.svg, `<svg role="img"`) || !strings.Contains(tc.svg, "<title>") || strings.Contains(tc.svg, "NaN") {
			t.Errorf("%s: not an image with a title: %.120s", tc.name, tc.svg)
		}
		golden.Check(t, tc.name+".svg", []byte(tc.svg+"\n"), *update)
	}
	if s := string(Bars("<script>", nil)); strings.Contains(s, "<script>") {
		t.Error("a title is not escaped")
	}
}
