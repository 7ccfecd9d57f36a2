package config

import (
	"io"
	"strings"
	"testing"
	"time"
)

func TestRetroWindow(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		args    []string
		env     map[string]string
		want    time.Duration
		wantErr string
	}{
		{"default a week", nil, nil, 168 * time.Hour, ""},
		{"flag", []string{"--retro-window", "24h"}, nil, 24 * time.Hour, ""},
		{"environment", nil, map[string]string{"SIGAP_RETRO_WINDOW": "72h"}, 72 * time.Hour, ""},
		{"thirty days at most", []string{"--retro-window", "721h"}, nil, 0, "--retro-window"},
		{"negative", []string{"--retro-window", "-1h"}, nil, 0, "--retro-window"},
		{"not a duration", []string{"--retro-window", "a week"}, nil, 0, "invalid value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := Parse(tc.args, func(k string) string { return tc.env[k] }, io.Discard)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Parse(%v) = %v, want an error naming %q", tc.args, err, tc.wantErr)
				}
				return
			}
			if err != nil || c.RetroWindow != tc.want {
				t.Fatalf("Parse(%v): window %s, %v; want %s", tc.args, c.RetroWindow, err, tc.want)
			}
		})
	}
}
