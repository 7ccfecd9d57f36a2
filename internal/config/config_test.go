package config_test

import (
	"testing"

	"github.com/sigap/sigap/internal/config"
)

// metricsAccess is who may read /metrics: a token's holder, or anyone.
type metricsAccess struct {
	token  string
	public bool
}

func TestParseMetricsAccess(t *testing.T) {
	t.Parallel()
	const token = "0123456789abcdef0123"
	testParse(t, []parseCase[metricsAccess]{
		{name: "default: keys only"},
		{name: "token flag", args: []string{"--metrics-token", token}, want: metricsAccess{token: token}},
		{name: "token from the environment", env: map[string]string{"SIGAP_METRICS_TOKEN": token}, want: metricsAccess{token: token}},
		{name: "flag wins over the environment", args: []string{"--metrics-token", token}, env: map[string]string{"SIGAP_METRICS_TOKEN": "another-token-of-length"}, want: metricsAccess{token: token}},
		{name: "public flag", args: []string{"--metrics-public"}, want: metricsAccess{public: true}},
		{name: "public from the environment", env: map[string]string{"SIGAP_METRICS_PUBLIC": "1"}, want: metricsAccess{public: true}},
		{name: "public=0 is not public", env: map[string]string{"SIGAP_METRICS_PUBLIC": "0"}},
		{name: "short token", args: []string{"--metrics-token", "abc"}, wantErr: "at least 16"},
		{name: "token and public", args: []string{"--metrics-token", token, "--metrics-public"}, wantErr: "choose one"},
	}, func(c config.Config) metricsAccess { return metricsAccess{c.MetricsToken, c.MetricsPublic} })
}
