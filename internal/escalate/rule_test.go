package escalate_test

import (
	"slices"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/escalate"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/policy"
	"github.com/sigap/sigap/internal/store"
)

func TestRuleStart(t *testing.T) {
	t.Parallel()
	received := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	type want struct {
		kind     string
		fraction float64
		at       time.Time
	}
	for _, tc := range []struct {
		name   string
		rule   escalate.Rule
		kind   string
		class  string
		within time.Duration
		want   []want
	}{
		{"urgent order: deadline at 50% and unopened after 15 minutes", escalate.NewRule(nil, 0), notice.KindOrder, policy.ClassUrgent, 4 * time.Hour,
			[]want{{store.TimerDeadline, 0.5, received.Add(2 * time.Hour)}, {store.TimerUnopened, 0, received.Add(15 * time.Minute)}}},
		{"standard order: no unopened timer", escalate.NewRule(nil, 0), notice.KindOrder, policy.ClassStandard, 24 * time.Hour,
			[]want{{store.TimerDeadline, 0.5, received.Add(12 * time.Hour)}}},
		{"urgent referral: no unopened timer", escalate.NewRule(nil, 0), notice.KindReferral, policy.ClassUrgent, 4 * time.Hour,
			[]want{{store.TimerDeadline, 0.5, received.Add(2 * time.Hour)}}},
		{"the policy's first fraction, given out of order", escalate.NewRule([]float64{0.9, 0.25, 1}, 5*time.Minute), notice.KindOrder,
			policy.ClassUrgent, 4 * time.Hour,
			[]want{{store.TimerDeadline, 0.25, received.Add(time.Hour)}, {store.TimerUnopened, 0, received.Add(5 * time.Minute)}}},
		{"the zero rule is the default policy", escalate.Rule{}, notice.KindOrder, policy.ClassUrgent, time.Hour,
			[]want{{store.TimerDeadline, 0.5, received.Add(30 * time.Minute)}, {store.TimerUnopened, 0, received.Add(15 * time.Minute)}}},
		{"rounded to the millisecond", escalate.NewRule([]float64{1.0 / 3}, 0), notice.KindReferral, policy.ClassStandard, 1001 * time.Millisecond,
			[]want{{store.TimerDeadline, 1.0 / 3, received.Add(334 * time.Millisecond)}}},
		{"80% of 4 hours to the millisecond", escalate.NewRule([]float64{0.8}, 0), notice.KindReferral, policy.ClassStandard, 4 * time.Hour,
			[]want{{store.TimerDeadline, 0.8, received.Add(192 * time.Minute)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			n := &notice.Notice{ID: "ntc_1", Kind: tc.kind, Class: tc.class, Within: tc.within, ReceivedAt: received, DueAt: received.Add(tc.within)}
			got := tc.rule.Start(n)
			if len(got) != len(tc.want) {
				t.Fatalf("timers: %+v, want %+v", got, tc.want)
			}
			for i, w := range tc.want {
				g := got[i]
				if g.NoticeID != "ntc_1" || g.Kind != w.kind || g.Step != 0 || g.Fraction != w.fraction || !g.NextAt.Equal(w.at) {
					t.Errorf("timer %d: %+v, want %+v", i, g, w)
				}
			}
		})
	}
}

func TestRuleNext(t *testing.T) {
	t.Parallel()
	def := escalate.NewRule(nil, 0)
	for _, tc := range []struct {
		name string
		rule escalate.Rule
		from float64
		want float64
		ok   bool
	}{
		{"50% to 80%", def, 0.5, 0.8, true},
		{"80% to 100%", def, 0.8, 1, true},
		{"nothing after 100%", def, 1, 0, false},
		{"a fraction between the policy's goes to the next", def, 0.6, 0.8, true},
		{"the policy's own list", escalate.NewRule([]float64{0.75, 0.25}, 0), 0.25, 0.75, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := tc.rule.Next(tc.from)
			if got != tc.want || ok != tc.ok {
				t.Errorf("Next(%v) = %v, %v; want %v, %v", tc.from, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestNewRuleKeepsTheCallersSlice(t *testing.T) {
	t.Parallel()
	in := []float64{1, 0.5}
	r := escalate.NewRule(in, 0)
	if !slices.Equal(in, []float64{1, 0.5}) || !slices.Equal(r.Fractions, []float64{0.5, 1}) || r.Unopened != 15*time.Minute {
		t.Errorf("caller's slice %v, rule %+v", in, r)
	}
}
