package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// lineEvery is how often a progress report written to a file or pipe adds a
// line: often enough that a log shows the job alive, rarely enough that a
// long bulk submission does not flood it.
const lineEvery = 10 * time.Second

// progress reports a long job: a one-line bar redrawn in place on a terminal,
// and on anything else (a pipe, a log file, CI) whole lines, one every
// lineEvery and one at the end, since a carriage return there only garbles.
type progress struct {
	w       io.Writer
	unit    string
	total   int
	done_   int
	start   time.Time
	enabled bool
	// lines is set when w is not a terminal; last is when a line was written.
	lines bool
	last  time.Time
	every time.Duration
	// status, when set, replaces the rate at the line's end: a clock-driven
	// bar (seconds of a timed run) shows what the run has done instead.
	status func() string
}

// newProgress starts a report of total units on w. enabled decides whether a
// terminal gets a bar; when w is not a terminal the report is always written
// as lines, because there nothing else says the job is moving.
func newProgress(w io.Writer, unit string, total int, enabled bool) *progress {
	p := &progress{w: w, unit: unit, total: total, start: time.Now(), enabled: enabled, every: lineEvery}
	if !isTerminal(w) {
		p.lines, p.enabled = true, true
		p.last = p.start
		return p
	}
	p.draw()
	return p
}

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (p *progress) add(n int) { p.done_ += n; p.draw() }

func (p *progress) draw() {
	if !p.enabled || p.total == 0 {
		return
	}
	tail := fmt.Sprintf("%.0f/s", float64(p.done_)/max(time.Since(p.start).Seconds(), 0.001))
	if p.status != nil {
		tail = p.status()
	}
	if p.lines {
		now := time.Now()
		if p.done_ < p.total && now.Sub(p.last) < p.every {
			return
		}
		p.last = now
		fmt.Fprintf(p.w, "progress: %d/%d %s (%d%%) %s\n", p.done_, p.total, p.unit, p.done_*100/p.total, tail)
		return
	}
	const width = 30
	filled := p.done_ * width / p.total
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d %s  %s ", strings.Repeat("=", filled), strings.Repeat(" ", width-filled), p.done_, p.total, p.unit, tail)
}

func (p *progress) done() {
	if p.enabled && !p.lines {
		fmt.Fprintf(p.w, "\n")
	}
}
