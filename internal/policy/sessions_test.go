package policy

import (
	"strings"
	"testing"
	"time"
)

func TestSessionLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, yaml     string
		idle, absolute time.Duration
		err            string
	}{
		{name: "defaults", yaml: ""},
		{name: "both", yaml: "sessions: {idle: 15m, absolute: 8h}", idle: 15 * time.Minute, absolute: 8 * time.Hour},
		{name: "idle only", yaml: "sessions: {idle: 45m}", idle: 45 * time.Minute},
		{name: "days", yaml: "sessions: {absolute: 2d}", absolute: 48 * time.Hour},
		{name: "too short", yaml: "sessions: {idle: 10s}", err: "sessions.idle"},
		{name: "too long", yaml: "sessions: {absolute: 30d}", err: "sessions.absolute"},
		{name: "not a duration", yaml: "sessions: {idle: soon}", err: "sessions.idle"},
		{name: "idle past absolute", yaml: "sessions: {idle: 2h, absolute: 1h}", err: "longer than"},
		{name: "unknown key", yaml: "sessions: {idel: 2h}", err: "idel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := Load(strings.NewReader(tt.yaml))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Load(%q) = %v, want an error naming %q", tt.yaml, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Sessions.Idle != tt.idle || p.Sessions.Absolute != tt.absolute {
				t.Errorf("sessions = %+v, want idle %s absolute %s", p.Sessions, tt.idle, tt.absolute)
			}
		})
	}
}
