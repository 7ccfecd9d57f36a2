package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"time"

	"gopkg.in/yaml.v3"
)

// maxFileSize bounds the policy file: a real one is a few kilobytes.
const maxFileSize = 1 << 20

// fileRegime is a regime as written in the policy file; every field is optional
// so a file can override one deadline and keep the rest.
type fileRegime struct {
	Deadlines            map[string]string `yaml:"deadlines"`
	UrgentCategories     []string          `yaml:"urgent_categories"`
	OrderClass           *string           `yaml:"order_class"`
	PauseOnClarification *bool             `yaml:"pause_on_clarification"`
	AllowPrivate         *bool             `yaml:"allow_private"`
	DefaultScope         []string          `yaml:"default_scope"`
	Note                 string            `yaml:"note"`
}

type file struct {
	Regimes    map[string]fileRegime `yaml:"regimes"`
	Escalation struct {
		At []float64 `yaml:"at"`
	} `yaml:"escalation"`
	Sessions struct {
		Idle     string `yaml:"idle"`
		Absolute string `yaml:"absolute"`
	} `yaml:"sessions"`
	Requests fileRequests `yaml:"requests"`
}

// SessionLimits ends the portal's sessions: one nobody used for Idle, and any
// one Absolute after its sign-in. A zero field takes the account package's
// default (30 minutes idle, 12 hours absolute: one shift and a margin).
type SessionLimits struct {
	Idle     time.Duration
	Absolute time.Duration
}

// maxSession bounds both session limits: a session that outlives a week is
// no longer a sign-in anyone remembers making.
const maxSession = 7 * 24 * time.Hour

// sessionLimit reads one session limit ("" keeps the default).
func sessionLimit(field, s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("policy: sessions.%s: %w", field, err)
	}
	if d < time.Minute || d > maxSession {
		return 0, fmt.Errorf("policy: sessions.%s: %s must be from 1m to 168h", field, s)
	}
	return d, nil
}

// LoadFile reads a YAML policy file over the built-in defaults.
func LoadFile(path string) (*Policy, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("policy: open %s: %w", path, err)
	}
	defer f.Close()
	p, err := Load(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("policy file %s: %w", path, err)
	}
	return p, nil
}

// Load reads a YAML policy over the built-in defaults. Unknown keys are errors,
// so a typo never silently leaves a default deadline in force.
func Load(r io.Reader) (*Policy, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("policy: read: %w", err)
	}
	if len(data) > maxFileSize {
		return nil, errors.New("policy: file larger than 1 MiB")
	}
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("policy: %w", err)
	}
	p := Default()
	names := make([]string, 0, len(f.Regimes))
	for n := range f.Regimes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := p.apply(name, f.Regimes[name]); err != nil {
			return nil, err
		}
	}
	if len(f.Escalation.At) > 0 {
		at := slices.Clone(f.Escalation.At)
		sort.Float64s(at)
		for _, x := range at {
			if x <= 0 || x > 1.5 {
				return nil, fmt.Errorf("policy: escalation.at: %v is not a fraction of a deadline between 0 and 1.5", x)
			}
		}
		p.EscalateAt = slices.Compact(at)
	}
	if err := f.Requests.apply(&p.Requests); err != nil {
		return nil, err
	}
	if p.Sessions.Idle, err = sessionLimit("idle", f.Sessions.Idle); err != nil {
		return nil, err
	}
	if p.Sessions.Absolute, err = sessionLimit("absolute", f.Sessions.Absolute); err != nil {
		return nil, err
	}
	if p.Sessions.Idle > 0 && p.Sessions.Absolute > 0 && p.Sessions.Idle > p.Sessions.Absolute {
		return nil, errors.New("policy: sessions.idle is longer than sessions.absolute")
	}
	return p, nil
}

func (p *Policy) apply(name string, fr fileRegime) error {
	if name == "" || len(name) > 32 {
		return fmt.Errorf("policy: regime name %q must be 1 to 32 characters", name)
	}
	r, ok := p.Regimes[name]
	if !ok {
		r = &Regime{Name: name, Deadlines: map[string]time.Duration{}}
		p.Regimes[name] = r
	}
	for class, s := range fr.Deadlines {
		d, err := ParseDuration(s)
		if err != nil {
			return fmt.Errorf("regimes.%s.deadlines.%s: %w", name, class, err)
		}
		r.Deadlines[class] = d
	}
	if _, ok := r.Deadlines[ClassStandard]; !ok {
		return fmt.Errorf("policy: regimes.%s.deadlines needs a %q deadline", name, ClassStandard)
	}
	for _, c := range fr.UrgentCategories {
		if !slices.Contains(Categories, c) {
			return fmt.Errorf("policy: regimes.%s.urgent_categories: unknown category %q", name, c)
		}
	}
	if fr.UrgentCategories != nil {
		r.UrgentCategories = fr.UrgentCategories
	}
	if fr.OrderClass != nil {
		if _, ok := r.Deadlines[*fr.OrderClass]; !ok && *fr.OrderClass != "" {
			return fmt.Errorf("policy: regimes.%s.order_class %q has no deadline", name, *fr.OrderClass)
		}
		r.OrderClass = *fr.OrderClass
	}
	if fr.PauseOnClarification != nil {
		r.PauseOnClarification = *fr.PauseOnClarification
	}
	if fr.AllowPrivate != nil {
		r.AllowPrivate = *fr.AllowPrivate
	}
	if fr.DefaultScope != nil {
		r.DefaultScope = fr.DefaultScope
	}
	if fr.Note != "" {
		r.Note = fr.Note
	}
	return nil
}
