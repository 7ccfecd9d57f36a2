package policy

import (
	"fmt"
	"time"
)

// The deadline classes of the request kinds that run on their own clock
// whatever the regime (notice.KindSpec.Class).
const (
	ClassEmergency    = "emergency"
	ClassPreservation = "preservation"
)

// Requests are the clocks and bounds of the authority's requests other than
// removal: an emergency (a threat to life or safety) and a preservation.
type Requests struct {
	// Emergency is the time the platform has for an emergency request (default one hour).
	Emergency time.Duration
	// Preservation is the time the platform has to confirm a preservation (default 24 hours).
	Preservation time.Duration
	// PreserveDays is how long data is kept when a preservation names no
	// period, and MaxPreserveDays the longest one request may ask for
	// (an extension is a legal hold on the evidence).
	PreserveDays, MaxPreserveDays int
}

// DefaultRequests are the clocks without a policy file: one hour for an
// emergency, a day to confirm a preservation, 90 days kept (at most 365 asked).
func DefaultRequests() Requests {
	return Requests{Emergency: time.Hour, Preservation: 24 * time.Hour, PreserveDays: 90, MaxPreserveDays: 365}
}

// fileRequests is the policy file's requests section; every field is optional.
type fileRequests struct {
	Emergency       string `yaml:"emergency"`
	Preservation    string `yaml:"preservation"`
	PreserveDays    int    `yaml:"preserve_days"`
	MaxPreserveDays int    `yaml:"max_preserve_days"`
}

// apply lays the file's requests over r.
func (f fileRequests) apply(r *Requests) error {
	for _, c := range []struct {
		name, s string
		dst     *time.Duration
	}{{"emergency", f.Emergency, &r.Emergency}, {"preservation", f.Preservation, &r.Preservation}} {
		if c.s == "" {
			continue
		}
		d, err := ParseDuration(c.s)
		if err != nil || d < time.Minute {
			return fmt.Errorf("policy: requests.%s: %q is not a duration of at least 1m", c.name, c.s)
		}
		*c.dst = d
	}
	if f.MaxPreserveDays != 0 {
		r.MaxPreserveDays = f.MaxPreserveDays
	}
	if f.PreserveDays != 0 {
		r.PreserveDays = f.PreserveDays
	}
	if r.MaxPreserveDays < 1 || r.MaxPreserveDays > 3650 || r.PreserveDays < 1 || r.PreserveDays > r.MaxPreserveDays {
		return fmt.Errorf("policy: requests: preserve_days %d must be from 1 to max_preserve_days %d (at most 3650)", r.PreserveDays, r.MaxPreserveDays)
	}
	return nil
}

// RequestSLA is the clock of a kind with its own class under regime: the class's
// deadline in the regime when the policy file gives it one there, else the
// requests section's.
func (p *Policy) RequestSLA(regime *Regime, class string) SLA {
	within := p.Requests.Emergency
	if class == ClassPreservation {
		within = p.Requests.Preservation
	}
	if d, ok := regime.Deadlines[class]; ok {
		within = d
	}
	return SLA{Regime: regime.Name, Class: class, Within: within}
}
