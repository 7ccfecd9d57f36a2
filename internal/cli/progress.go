package cli

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress draws a one-line bar on a terminal-like writer for long jobs.
type progress struct {
	w       io.Writer
	unit    string
	total   int
	done_   int
	start   time.Time
	enabled bool
	// status, when set, replaces the rate at the line's end: a clock-driven
	// bar (seconds of a timed run) shows what the run has done instead.
	status func() string
}

func newProgress(w io.Writer, unit string, total int, enabled bool) *progress {
	p := &progress{w: w, unit: unit, total: total, start: time.Now(), enabled: enabled}
	p.draw()
	return p
}

func (p *progress) add(n int) { p.done_ += n; p.draw() }

func (p *progress) draw() {
	if !p.enabled || p.total == 0 {
		return
	}
	const width = 30
	filled := p.done_ * width / p.total
	tail := fmt.Sprintf("%.0f/s", float64(p.done_)/max(time.Since(p.start).Seconds(), 0.001))
	if p.status != nil {
		tail = p.status()
	}
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d %s  %s ", strings.Repeat("=", filled), strings.Repeat(" ", width-filled), p.done_, p.total, p.unit, tail)
}

func (p *progress) done() {
	if p.enabled {
		fmt.Fprintf(p.w, "\n")
	}
}
