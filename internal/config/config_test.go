package config_test

import (
	"io"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/config"
)

func TestParseMetricsAccess(t *testing.T) {
	t.Parallel()
	const token = "0123456789abcdef0123"
	for _, tc := range []struct {
		name   string
		args   []string
		env    map[string]string
		token  string
		public bool
		// wantErr is a piece of the error, "" for none.
		wantErr string
	}{
		{name: "default: keys only"},
		{name: "token flag", args: []string{"--metrics-token", token}, token: token},
		{name: "token from the environment", env: map[string]string{"SIGAP_METRICS_TOKEN": token}, token: token},
		{name: "flag wins over the environment", args: []string{"--metrics-token", token}, env: map[string]string{"SIGAP_METRICS_TOKEN": "another-token-of-length"}, token: token},
		{name: "public flag", args: []string{"--metrics-public"}, public: true},
		{name: "public from the environment", env: map[string]string{"SIGAP_METRICS_PUBLIC": "1"}, public: true},
		{name: "public=0 is not public", env: map[string]string{"SIGAP_METRICS_PUBLIC": "0"}},
		{name: "short token", args: []string{"--metrics-token", "abc"}, wantErr: "at least 16"},
		{name: "token and public", args: []string{"--metrics-token", token, "--metrics-public"}, wantErr: "choose one"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := config.Parse(tc.args, func(k string) string { return tc.env[k] }, io.Discard)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Parse(%v) = %v, want an error with %q", tc.args, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%v): %v", tc.args, err)
			}
			if c.MetricsToken != tc.token || c.MetricsPublic != tc.public {
				t.Errorf("Parse(%v) = token %q public %v, want %q %v", tc.args, c.MetricsToken, c.MetricsPublic, tc.token, tc.public)
			}
		})
	}
}
