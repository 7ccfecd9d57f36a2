package escalate

import (
	"slices"
	"time"

	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/policy"
	"github.com/sigap/sigap/internal/store"
)

// defaultFractions are the shares of a deadline at which escalation alerts
// when the policy names none (escalation.at).
func defaultFractions() []float64 { return []float64{0.5, 0.8, 1.0} }

// DefaultUnopened is how long an urgent order may wait unopened when the
// configuration does not say.
const DefaultUnopened = 15 * time.Minute

// Rule is the escalation policy as arithmetic on a notice's clock: which
// timers a new notice starts with, where a deadline timer goes after each
// alert and where it lands when its clock moves. It reads no clock and no
// database, so intake files the first timers with the notice, in the same
// transaction, and the loop moves them on by the same rule.
type Rule struct {
	// Fractions of a deadline at which to alert, ascending.
	Fractions []float64
	// Unopened is how long an urgent order may wait before anyone opens it,
	// and then how long each next person in the on-call line has.
	Unopened time.Duration
}

// NewRule returns the rule for the policy's fractions (any order; none
// means 50/80/100%) and the unopened delay (zero or less means 15 minutes).
func NewRule(fractions []float64, unopened time.Duration) Rule {
	if len(fractions) == 0 {
		fractions = defaultFractions()
	}
	fractions = slices.Clone(fractions)
	slices.Sort(fractions)
	if unopened <= 0 {
		unopened = DefaultUnopened
	}
	return Rule{Fractions: fractions, Unopened: unopened}
}

// orDefault lets a zero Rule (a service built without one) act as the
// default policy, as the database's seeded configuration once did.
func (r Rule) orDefault() Rule {
	if len(r.Fractions) == 0 || r.Unopened <= 0 {
		return NewRule(r.Fractions, r.Unopened)
	}
	return r
}

// Start returns the timers a newly stored notice starts with: a deadline
// timer at the first fraction of its clock, and, for an urgent order only, an
// unopened timer Unopened after its receipt.
func (r Rule) Start(n *notice.Notice) []store.Timer {
	r = r.orDefault()
	f := r.Fractions[0]
	out := []store.Timer{{NoticeID: n.ID, Kind: store.TimerDeadline, Fraction: f, NextAt: store.FractionAt(n.DueAt, n.Within, f)}}
	if n.Kind == notice.KindOrder && n.Class == policy.ClassUrgent {
		out = append(out, store.Timer{NoticeID: n.ID, Kind: store.TimerUnopened, NextAt: n.ReceivedAt.Add(r.Unopened)})
	}
	return out
}

// Next returns the fraction that follows f, and false when f was the last.
func (r Rule) Next(f float64) (float64, bool) {
	for _, next := range r.orDefault().Fractions {
		if next > f+1e-9 {
			return next, true
		}
	}
	return 0, false
}
