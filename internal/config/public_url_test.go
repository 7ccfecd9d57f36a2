package config_test

import (
	"io"
	"testing"

	"github.com/sigap/sigap/internal/config"
)

func TestParsePublicURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
		ok   bool
	}{
		{ok: true},
		{args: []string{"--public-url", "https://sigap.example.go.id"}, want: "https://sigap.example.go.id", ok: true},
		{env: map[string]string{"SIGAP_PUBLIC_URL": "http://localhost:8080"}, want: "http://localhost:8080", ok: true},
		{args: []string{"--public-url", "sigap.example.go.id"}},
		{args: []string{"--public-url", "ftp://sigap.example.go.id"}},
	} {
		c, err := config.Parse(tc.args, func(k string) string { return tc.env[k] }, io.Discard)
		if (err == nil) != tc.ok || (tc.ok && c.PublicURL != tc.want) {
			t.Errorf("Parse(%v, %v) = %q, %v", tc.args, tc.env, c.PublicURL, err)
		}
	}
}
