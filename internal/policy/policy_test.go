package policy

import (
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestClassify(t *testing.T) {
	t.Parallel()
	p := Default()
	tests := []struct {
		regime, kind, category string
		urgent                 bool
		class                  string
		within                 time.Duration
	}{
		{"ID-PSE", "order", "terrorism", false, ClassUrgent, 4 * time.Hour},
		{"ID-PSE", "order", "csam", false, ClassUrgent, 4 * time.Hour},
		{"ID-PSE", "order", "public_order", false, ClassUrgent, 4 * time.Hour},
		{"ID-PSE", "order", "gambling", false, ClassStandard, 24 * time.Hour},
		{"ID-PSE", "referral", "gambling", true, ClassUrgent, 4 * time.Hour},
		{"EU-TCO", "order", "terrorism", false, ClassRemovalOrder, time.Hour},
		{"EU-TCO", "referral", "hoax", false, ClassStandard, 24 * time.Hour},
		{"DE-NETZDG", "flag", "hate_speech", false, ClassUrgent, 24 * time.Hour},
		{"DE-NETZDG", "flag", "ip", false, ClassStandard, 7 * 24 * time.Hour},
		{"AU-OSA", "order", "fraud", false, ClassStandard, 24 * time.Hour},
		{"EU-DSA", "report", "fraud", false, ClassStandard, 72 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.regime+"/"+tt.kind+"/"+tt.category, func(t *testing.T) {
			t.Parallel()
			r, err := p.Regime(tt.regime)
			if err != nil {
				t.Fatal(err)
			}
			sla := r.Classify(tt.kind == "order", tt.category, tt.urgent)
			if sla.Class != tt.class || sla.Within != tt.within || sla.Regime != tt.regime {
				t.Errorf("got %+v, want class %s within %s", sla, tt.class, tt.within)
			}
		})
	}
	if _, err := p.Regime("XX"); err == nil {
		t.Error("unknown regime accepted")
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	p, err := Load(strings.NewReader(`
regimes:
  ID-PSE:
    deadlines: {urgent: 20s, standard: 24h}
  X-LOCAL:
    deadlines: {standard: 7d, urgent: 90m}
    urgent_categories: [terrorism]
    pause_on_clarification: true
escalation:
  at: [0.8, 0.5, 1.0]
`))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := p.Regime("ID-PSE")
	if got := r.Classify(true, "terrorism", false).Within; got != 20*time.Second {
		t.Errorf("ID-PSE urgent = %s, want 20s from the file", got)
	}
	x, err := p.Regime("X-LOCAL")
	if err != nil || x.Classify(false, "ip", false).Within != 7*24*time.Hour || !x.PauseOnClarification {
		t.Errorf("X-LOCAL = %+v, %v", x, err)
	}
	if len(p.EscalateAt) != 3 || p.EscalateAt[0] != 0.5 {
		t.Errorf("escalation = %v, want sorted [0.5 0.8 1]", p.EscalateAt)
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"bad duration":     "regimes: {ID-PSE: {deadlines: {urgent: soon}}}",
		"negative":         "regimes: {ID-PSE: {deadlines: {urgent: -4h}}}",
		"unknown key":      "regimes: {ID-PSE: {deadline: {urgent: 4h}}}",
		"no standard":      "regimes: {NEW: {deadlines: {urgent: 4h}}}",
		"bad category":     "regimes: {ID-PSE: {urgent_categories: [spam]}}",
		"fraction":         "escalation: {at: [2]}",
		"not yaml":         "regimes: [",
		"order class gone": "regimes: {NEW: {deadlines: {standard: 1h}, order_class: fast}}",
	}
	for name, doc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := Load(strings.NewReader(doc)); err == nil {
				t.Errorf("accepted %q", doc)
			}
		})
	}
}

func TestFormatDuration(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{4 * time.Hour: "4h", 168 * time.Hour: "7d", 20 * time.Second: "20s",
		90 * time.Minute: "90m", time.Hour: "1h", 24 * time.Hour: "24h", 48 * time.Hour: "48h", 72 * time.Hour: "3d",
		1500 * time.Millisecond: "1.5s"} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%s) = %q, want %q", d, got, want)
		}
		if want != "1.5s" {
			if back, err := ParseDuration(want); err != nil || back != d {
				t.Errorf("ParseDuration(%q) = %s, %v", want, back, err)
			}
		}
	}
}

func FuzzLoad(f *testing.F) {
	f.Add("regimes: {ID-PSE: {deadlines: {urgent: 4h, standard: 24h}}}\nescalation: {at: [0.5]}")
	f.Add("regimes: {X: {deadlines: {standard: 3d}, allow_private: true}}")
	f.Fuzz(func(t *testing.T, doc string) {
		p, err := Load(strings.NewReader(doc))
		if err != nil {
			return
		}
		for _, name := range p.RegimeNames() {
			r, _ := p.Regime(name)
			if sla := r.Classify(true, "terrorism", true); sla.Within <= 0 {
				t.Fatalf("regime %s gives a non-positive deadline %s", name, sla.Within)
			}
		}
	})
}
