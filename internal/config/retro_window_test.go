package config_test

import (
	"testing"
	"time"

	"github.com/sigap/sigap/internal/config"
)

func TestRetroWindow(t *testing.T) {
	t.Parallel()
	testParse(t, []parseCase[time.Duration]{
		{"default a week", nil, nil, 168 * time.Hour, ""},
		{"flag", []string{"--retro-window", "24h"}, nil, 24 * time.Hour, ""},
		{"environment", nil, map[string]string{"SIGAP_RETRO_WINDOW": "72h"}, 72 * time.Hour, ""},
		{"thirty days at most", []string{"--retro-window", "721h"}, nil, 0, "--retro-window"},
		{"negative", []string{"--retro-window", "-1h"}, nil, 0, "--retro-window"},
		{"not a duration", []string{"--retro-window", "a week"}, nil, 0, "invalid value"},
	}, func(c config.Config) time.Duration { return c.RetroWindow })
}
