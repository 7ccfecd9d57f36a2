package config_test

import (
	"testing"
	"time"

	"github.com/sigap/sigap/internal/config"
)

func TestVideoLimits(t *testing.T) {
	t.Parallel()
	const positive = "--max-decodes must be positive"
	testParse(t, []parseCase[[5]any]{ // bytes, duration, frames, timeout, decodes
		{"defaults", nil, nil, [5]any{int64(64 << 20), 10 * time.Minute, 18000, 60 * time.Second, 2}, ""},
		{"flags", []string{"--video-max-mb", "8", "--video-max-duration", "90s", "--video-max-frames", "900", "--video-timeout", "5s", "--max-decodes", "1"}, nil,
			[5]any{int64(8 << 20), 90 * time.Second, 900, 5 * time.Second, 1}, ""},
		{"environment", nil, map[string]string{"SIGAP_VIDEO_MAX_MB": "16", "SIGAP_MAX_DECODES": "4", "SIGAP_VIDEO_MAX_DURATION": "1h"},
			[5]any{int64(16 << 20), time.Hour, 18000, 60 * time.Second, 4}, ""},
		{"a flag wins over its variable", []string{"--max-decodes", "3"}, map[string]string{"SIGAP_MAX_DECODES": "4"},
			[5]any{int64(64 << 20), 10 * time.Minute, 18000, 60 * time.Second, 3}, ""},
		{"zero decodes", []string{"--max-decodes", "0"}, nil, [5]any{}, positive},
		{"negative size", []string{"--video-max-mb", "-1"}, nil, [5]any{}, positive},
	}, func(c config.Config) [5]any {
		return [5]any{c.VideoMaxBytes, c.VideoMaxDuration, c.VideoMaxFrames, c.VideoTimeout, c.MaxDecodes}
	})
}
