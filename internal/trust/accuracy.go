package trust

import (
	"slices"
	"time"

	"github.com/sigap/sigap/internal/action"
)

// Outcome is what became of one notice's case, for accuracy figures.
type Outcome struct {
	NoticeID   string
	Category   string
	ReceivedAt time.Time
	// Action is the case's decision ("" when not yet decided).
	Action string
	// Reversed is true when the decision was reversed on appeal.
	Reversed  bool
	DecidedAt time.Time
}

// Figures are a notifier's accuracy over a period.
type Figures struct {
	Notices  int `json:"notices"`
	Decided  int `json:"decided"`
	Actioned int `json:"actioned"`
	Rejected int `json:"rejected"`
	Reversed int `json:"reversed"`
	// Precision is actioned / decided (0 when nothing is decided).
	Precision float64 `json:"precision"`
	// RejectedShare is rejected / decided: notices found unfounded.
	RejectedShare float64 `json:"rejected_share"`
	// MedianHoursToDecision is from receipt to the last case decided.
	MedianHoursToDecision float64 `json:"median_hours_to_decision"`
}

// actionTaken reports decisions that restrict the content.
func actionTaken(a string) bool { return action.Restricts(a) }

// Compute folds case outcomes into per-notice figures: a notice is decided
// when all its cases are; actioned when any case was acted on (and not
// reversed); rejected when every case ended in no_action or cannot_execute.
func Compute(outcomes []Outcome) Figures {
	type agg struct {
		cases, decided  int
		acted, reversed bool
		last            time.Time
		received        time.Time
	}
	by := map[string]*agg{}
	var order []string
	for _, o := range outcomes {
		a, ok := by[o.NoticeID]
		if !ok {
			a = &agg{received: o.ReceivedAt}
			by[o.NoticeID] = a
			order = append(order, o.NoticeID)
		}
		a.cases++
		if o.Action == "" {
			continue
		}
		a.decided++
		if o.Reversed {
			a.reversed = true
		} else if actionTaken(o.Action) {
			a.acted = true
		}
		if o.DecidedAt.After(a.last) {
			a.last = o.DecidedAt
		}
	}
	var f Figures
	var hours []float64
	for _, id := range order {
		a := by[id]
		f.Notices++
		if a.decided < a.cases {
			continue
		}
		f.Decided++
		hours = append(hours, a.last.Sub(a.received).Hours())
		switch {
		case a.reversed:
			f.Reversed++
		case a.acted:
			f.Actioned++
		default:
			f.Rejected++
		}
	}
	if f.Decided > 0 {
		f.Precision = float64(f.Actioned) / float64(f.Decided)
		f.RejectedShare = float64(f.Rejected) / float64(f.Decided)
		slices.Sort(hours)
		f.MedianHoursToDecision = hours[len(hours)/2]
	}
	return f
}

// Misuse is the DSA Art. 23 threshold: more than Share of the last Window
// decided notices found unfounded.
type Misuse struct {
	Window int
	Share  float64
}

// DefaultMisuse is 30% of the last 100 decided notices.
var DefaultMisuse = Misuse{Window: 100, Share: 0.30}

// Exceeded reports whether the most recent decided notices (newest last) cross the threshold.
func (m Misuse) Exceeded(outcomes []Outcome) (bool, Figures) {
	f := Compute(lastDecided(outcomes, m.Window))
	return f.Decided >= m.Window/2 && f.RejectedShare > m.Share, f
}

// lastDecided keeps the outcomes of the n most recently received decided notices.
func lastDecided(outcomes []Outcome, n int) []Outcome {
	full := map[string]bool{}
	pending := map[string]bool{}
	for _, o := range outcomes {
		if o.Action == "" {
			pending[o.NoticeID] = true
		} else {
			full[o.NoticeID] = true
		}
	}
	var ids []string
	seen := map[string]bool{}
	for i := len(outcomes) - 1; i >= 0 && len(ids) < n; i-- {
		id := outcomes[i].NoticeID
		if full[id] && !pending[id] && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	var out []Outcome
	for _, o := range outcomes {
		if seen[o.NoticeID] {
			out = append(out, o)
		}
	}
	return out
}
