package policy

import (
	"strings"
	"testing"
	"time"
)

func TestRequests(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file          string
		emergency, preserve time.Duration
		days, maxDays       int
		wantErr             string
	}{
		{"defaults", "", time.Hour, 24 * time.Hour, 90, 365, ""},
		{"overridden", "requests: {emergency: 30m, preservation: 2d, preserve_days: 30, max_preserve_days: 180}\n", 30 * time.Minute, 48 * time.Hour, 30, 180, ""},
		{"too short", "requests: {emergency: 10s}\n", 0, 0, 0, 0, "requests.emergency"},
		{"not a duration", "requests: {preservation: soon}\n", 0, 0, 0, 0, "requests.preservation"},
		{"days over the maximum", "requests: {preserve_days: 400}\n", 0, 0, 0, 0, "preserve_days 400"},
		{"unknown key", "requests: {emergancy: 1h}\n", 0, 0, 0, 0, "emergancy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := Load(strings.NewReader(tt.file))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Load = %v, want an error naming %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			r := p.Requests
			if r.Emergency != tt.emergency || r.Preservation != tt.preserve || r.PreserveDays != tt.days || r.MaxPreserveDays != tt.maxDays {
				t.Errorf("requests = %+v", r)
			}
			id, _ := p.Regime("ID-PSE")
			if sla := p.RequestSLA(id, ClassEmergency); sla.Within != tt.emergency || sla.Class != ClassEmergency || sla.Regime != "ID-PSE" {
				t.Errorf("emergency SLA %+v", sla)
			}
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
