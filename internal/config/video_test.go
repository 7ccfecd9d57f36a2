package config

import (
	"io"
	"testing"
	"time"
)

func TestVideoLimits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		args    []string
		env     map[string]string
		want    [5]any // bytes, duration, frames, timeout, decodes
		wantErr bool
	}{
		{"defaults", nil, nil, [5]any{int64(64 << 20), 10 * time.Minute, 18000, 60 * time.Second, 2}, false},
		{"flags", []string{"--video-max-mb", "8", "--video-max-duration", "90s", "--video-max-frames", "900", "--video-timeout", "5s", "--max-decodes", "1"}, nil,
			[5]any{int64(8 << 20), 90 * time.Second, 900, 5 * time.Second, 1}, false},
		{"environment", nil, map[string]string{"SIGAP_VIDEO_MAX_MB": "16", "SIGAP_MAX_DECODES": "4", "SIGAP_VIDEO_MAX_DURATION": "1h"},
			[5]any{int64(16 << 20), time.Hour, 18000, 60 * time.Second, 4}, false},
		{"a flag wins over its variable", []string{"--max-decodes", "3"}, map[string]string{"SIGAP_MAX_DECODES": "4"},
			[5]any{int64(64 << 20), 10 * time.Minute, 18000, 60 * time.Second, 3}, false},
		{"zero decodes", []string{"--max-decodes", "0"}, nil, [5]any{}, true},
		{"negative size", []string{"--video-max-mb", "-1"}, nil, [5]any{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := Parse(tc.args, func(k string) string { return tc.env[k] }, io.Discard)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("Parse(%v) accepted %+v", tc.args, c)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := [5]any{c.VideoMaxBytes, c.VideoMaxDuration, c.VideoMaxFrames, c.VideoTimeout, c.MaxDecodes}; got != tc.want {
				t.Errorf("Parse(%v) = %v, want %v", tc.args, got, tc.want)
			}
		})
	}
}
