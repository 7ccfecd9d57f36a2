package policy

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The deadline classes sigap uses across regimes.
const (
	ClassUrgent       = "urgent"
	ClassStandard     = "standard"
	ClassRemovalOrder = "removal_order"
)

// Categories are the content categories of the contract.
var Categories = []string{"terrorism", "violent_extremism", "csam", "public_order", "gambling",
	"pornography", "hoax", "hate_speech", "fraud", "drugs", "illegal_goods", "privacy", "ip", "other"}

// ErrUnknownRegime means a notice names a regime that neither sigap nor the policy file defines.
var ErrUnknownRegime = errors.New("policy: unknown regime")

// Regime is one legal regime: its deadline classes and the rules that pick one.
type Regime struct {
	Name string
	// Deadlines maps a class to the time the platform has to act.
	Deadlines map[string]time.Duration
	// UrgentCategories are the categories that get the urgent class by default.
	UrgentCategories []string
	// OrderClass, when set, is the class every binding order gets (EU-TCO's one hour).
	OrderClass string
	// PauseOnClarification stops the clock while the platform waits for the notifier's answer.
	PauseOnClarification bool
	// AllowPrivate lets notices name private chats (invite links, t.me/c/...).
	AllowPrivate bool
	// DefaultScope is the territorial scope when a notice gives none.
	DefaultScope []string
	// Note says where the figures come from, for people reading the policy.
	Note string
}

// Policy is the whole set of regimes and the escalation points.
type Policy struct {
	Regimes map[string]*Regime
	// EscalateAt are fractions of a deadline at which on-call contacts are alerted.
	EscalateAt []float64
	// Sessions bounds the portal's sessions (file.go).
	Sessions SessionLimits
	// Requests are the clocks of emergency and preservation requests (requests.go).
	Requests Requests
}

// SLA is the clock a notice gets.
type SLA struct {
	Regime string        `json:"regime"`
	Class  string        `json:"class"`
	Within time.Duration `json:"-"`
}

// WithinString renders the deadline the way the contract shows it ("4h", "7d", "20s").
func (s SLA) WithinString() string { return FormatDuration(s.Within) }

// Default returns the built-in regimes; sources are in docs/deadlines.md.
func Default() *Policy {
	urgentID := []string{"terrorism", "violent_extremism", "csam", "public_order"}
	return &Policy{
		EscalateAt: []float64{0.5, 0.8, 1.0}, Requests: DefaultRequests(),
		Regimes: map[string]*Regime{
			"ID-PSE": {Name: "ID-PSE", Deadlines: map[string]time.Duration{ClassUrgent: 4 * time.Hour, ClassStandard: 24 * time.Hour},
				UrgentCategories: urgentID, DefaultScope: []string{"ID"},
				Note: "PM Kominfo 5/2020 Art. 15 and SAMAN: 1x4 hours urgent, 1x24 hours otherwise"},
			"EU-TCO": {Name: "EU-TCO", Deadlines: map[string]time.Duration{ClassRemovalOrder: time.Hour, ClassUrgent: time.Hour, ClassStandard: 24 * time.Hour},
				UrgentCategories: []string{"terrorism", "violent_extremism"}, OrderClass: ClassRemovalOrder,
				PauseOnClarification: true, DefaultScope: []string{"EU"},
				Note: "Regulation (EU) 2021/784 Art. 3(3): removal orders within one hour"},
			"EU-DSA": {Name: "EU-DSA", Deadlines: map[string]time.Duration{ClassUrgent: 24 * time.Hour, ClassStandard: 72 * time.Hour},
				UrgentCategories: []string{"terrorism", "violent_extremism", "csam"}, DefaultScope: []string{"EU"},
				Note: "Regulation (EU) 2022/2065 Art. 16(6) says 'timely'; these are internal targets"},
			"DE-NETZDG": {Name: "DE-NETZDG", Deadlines: map[string]time.Duration{ClassUrgent: 24 * time.Hour, ClassStandard: 7 * 24 * time.Hour},
				UrgentCategories: []string{"terrorism", "violent_extremism", "csam", "hate_speech", "public_order"}, DefaultScope: []string{"DE"},
				Note: "NetzDG §3(2): manifestly unlawful within 24 hours, otherwise within 7 days"},
			"AU-OSA": {Name: "AU-OSA", Deadlines: map[string]time.Duration{ClassUrgent: 24 * time.Hour, ClassStandard: 24 * time.Hour},
				UrgentCategories: []string{"terrorism", "violent_extremism", "csam"}, DefaultScope: []string{"AU"},
				Note: "Online Safety Act 2021 (Cth): removal notices within 24 hours"},
		},
	}
}

// Regime returns the named regime.
func (p *Policy) Regime(name string) (*Regime, error) {
	r, ok := p.Regimes[name]
	if !ok {
		return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknownRegime, name, strings.Join(p.RegimeNames(), ", "))
	}
	return r, nil
}

// RegimeNames lists the regimes in order.
func (p *Policy) RegimeNames() []string {
	names := make([]string, 0, len(p.Regimes))
	for n := range p.Regimes {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Classify picks the deadline class for a notice: a binding order (a kind
// notice.KindSpec marks Binding) under a regime with an order class gets it;
// an urgent request or an urgent category gets the urgent class; everything
// else the standard class.
func (r *Regime) Classify(binding bool, category string, urgent bool) SLA {
	class := ClassStandard
	switch {
	case binding && r.OrderClass != "":
		class = r.OrderClass
	case urgent, slices.Contains(r.UrgentCategories, category):
		class = ClassUrgent
	}
	if _, ok := r.Deadlines[class]; !ok {
		class = ClassStandard
	}
	return SLA{Regime: r.Name, Class: class, Within: r.Deadlines[class]}
}

// FormatDuration renders d in the largest whole unit that fits, keeping
// deadlines of a day or two in hours as the regulations word them ("24h").
func FormatDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0s"
	case d > 48*time.Hour && d%(24*time.Hour) == 0:
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	case d%time.Second == 0:
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return d.String()
}

// ParseDuration reads Go duration syntax plus a whole-day suffix ("7d").
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("policy: %q is not a whole number of days", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("policy: %q is not a duration (write it like 4h, 90m, 20s or 7d)", s)
	}
	if d <= 0 {
		return 0, fmt.Errorf("policy: duration %q must be positive", s)
	}
	return d, nil
}
