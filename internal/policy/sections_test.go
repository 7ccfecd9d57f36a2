package policy

import (
	"strings"
	"testing"
	"time"
)

// TestSections loads the requests and sessions sections of a policy file:
// their defaults, what the file sets, and the refusals, each naming the key.
func TestSections(t *testing.T) {
	t.Parallel()
	requests := func(emergency, preserve time.Duration, days, maxDays int) func(*testing.T, *Policy) {
		return func(t *testing.T, p *Policy) {
			r := p.Requests
			if r.Emergency != emergency || r.Preservation != preserve || r.PreserveDays != days || r.MaxPreserveDays != maxDays {
				t.Errorf("requests = %+v", r)
			}
			id, _ := p.Regime("ID-PSE")
			if sla := p.RequestSLA(id, ClassEmergency); sla.Within != emergency || sla.Class != ClassEmergency || sla.Regime != "ID-PSE" {
				t.Errorf("emergency SLA %+v", sla)
			}
		}
	}
	sessions := func(idle, absolute time.Duration) func(*testing.T, *Policy) {
		return func(t *testing.T, p *Policy) {
			if p.Sessions.Idle != idle || p.Sessions.Absolute != absolute {
				t.Errorf("sessions = %+v, want idle %s absolute %s", p.Sessions, idle, absolute)
			}
		}
	}
	tests := []struct {
		name, file string
		wantErr    string                    // a piece of the refusal ("" for none)
		check      func(*testing.T, *Policy) // what the loaded policy holds
	}{
		{"requests defaults", "", "", requests(time.Hour, 24*time.Hour, 90, 365)},
		{"requests overridden", "requests: {emergency: 30m, preservation: 2d, preserve_days: 30, max_preserve_days: 180}\n", "",
			requests(30*time.Minute, 48*time.Hour, 30, 180)},
		{"requests too short", "requests: {emergency: 10s}\n", "requests.emergency", nil},
		{"requests not a duration", "requests: {preservation: soon}\n", "requests.preservation", nil},
		{"requests days over the maximum", "requests: {preserve_days: 400}\n", "preserve_days 400", nil},
		{"requests unknown key", "requests: {emergancy: 1h}\n", "emergancy", nil},
		{"sessions defaults", "", "", sessions(0, 0)},
		{"sessions both", "sessions: {idle: 15m, absolute: 8h}", "", sessions(15*time.Minute, 8*time.Hour)},
		{"sessions idle only", "sessions: {idle: 45m}", "", sessions(45*time.Minute, 0)},
		{"sessions days", "sessions: {absolute: 2d}", "", sessions(0, 48*time.Hour)},
		{"sessions too short", "sessions: {idle: 10s}", "sessions.idle", nil},
		{"sessions too long", "sessions: {absolute: 30d}", "sessions.absolute", nil},
		{"sessions not a duration", "sessions: {idle: soon}", "sessions.idle", nil},
		{"sessions idle past absolute", "sessions: {idle: 2h, absolute: 1h}", "longer than", nil},
		{"sessions unknown key", "sessions: {idel: 2h}", "idel", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := Load(strings.NewReader(tt.file))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Load(%q) = %v, want an error naming %q", tt.file, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, p)
		})
	}
	// A regime's own deadline for the class wins.
	p, err := Load(strings.NewReader("regimes:\n  EU-TCO:\n    deadlines: {emergency: 20m}\n"))
	if err != nil {
		t.Fatal(err)
	}
	tco, _ := p.Regime("EU-TCO")
	if sla := p.RequestSLA(tco, ClassEmergency); sla.Within != 20*time.Minute {
		t.Errorf("EU-TCO emergency SLA %+v, want 20m", sla)
	}
}
