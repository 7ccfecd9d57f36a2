package trust

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"go.uber.org/goleak"
	"pgregory.net/rapid"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestCheckTransition(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from, to string
		ok       bool
	}{
		{StatusApplicant, StatusActive, true},
		{StatusApplicant, StatusRevoked, true},
		{StatusApplicant, StatusSuspended, false},
		{StatusActive, StatusActive, true},
		{StatusActive, StatusSuspended, true},
		{StatusSuspended, StatusActive, true},
		{StatusRevoked, StatusActive, false},
		{StatusRevoked, StatusRevoked, false},
	}
	for _, tt := range tests {
		err := CheckTransition(tt.from, tt.to)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrTransition)) {
			t.Errorf("%s -> %s: %v, want ok=%v", tt.from, tt.to, err, tt.ok)
		}
	}
}

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestCompute(t *testing.T) {
	t.Parallel()
	outs := []Outcome{
		{NoticeID: "a", ReceivedAt: t0, Action: "remove", DecidedAt: t0.Add(2 * time.Hour)},
		{NoticeID: "a", ReceivedAt: t0, Action: "no_action", DecidedAt: t0.Add(3 * time.Hour)},
		{NoticeID: "b", ReceivedAt: t0, Action: "no_action", DecidedAt: t0.Add(time.Hour)},
		{NoticeID: "c", ReceivedAt: t0, Action: "remove", Reversed: true, DecidedAt: t0.Add(time.Hour)},
		{NoticeID: "d", ReceivedAt: t0, Action: ""},
		{NoticeID: "e", ReceivedAt: t0, Action: "remove", DecidedAt: t0.Add(5 * time.Hour)},
		{NoticeID: "e", ReceivedAt: t0},
	}
	f := Compute(outs)
	want := Figures{Notices: 5, Decided: 3, Actioned: 1, Rejected: 1, Reversed: 1, Precision: 1.0 / 3, RejectedShare: 1.0 / 3, MedianHoursToDecision: 1}
	if f != want {
		t.Errorf("Compute = %+v\nwant      %+v", f, want)
	}
}

func TestMisuseProperties(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 300).Draw(t, "n")
		var outs []Outcome
		for i := range n {
			action := rapid.SampledFrom([]string{"remove", "no_action", "cannot_execute", "restrict", ""}).Draw(t, "action")
			outs = append(outs, Outcome{NoticeID: fmt.Sprint(i), ReceivedAt: t0.Add(time.Duration(i) * time.Minute), Action: action,
				DecidedAt: t0.Add(time.Duration(i+60) * time.Minute)})
		}
		f := Compute(outs)
		if f.Actioned+f.Rejected+f.Reversed != f.Decided || f.Decided > f.Notices {
			t.Fatalf("figures do not add up: %+v", f)
		}
		over, window := DefaultMisuse.Exceeded(outs)
		if window.Decided > DefaultMisuse.Window {
			t.Fatalf("misuse window holds %d decided notices, more than %d", window.Decided, DefaultMisuse.Window)
		}
		if over && window.RejectedShare <= DefaultMisuse.Share {
			t.Fatalf("flagged as misuse at %.2f", window.RejectedShare)
		}
	})
}

func TestScopeAndQuota(t *testing.T) {
	t.Parallel()
	r := Record{Categories: []string{"hoax"}}
	if !r.InScope("hoax") || r.InScope("terrorism") || !(Record{}).InScope("terrorism") {
		t.Error("scope")
	}
	if r.Quota() != DefaultDailyQuota || (Record{DailyQuota: 5}).Quota() != 5 {
		t.Error("quota")
	}
}
