package config_test

import (
	"testing"

	"github.com/sigap/sigap/internal/config"
)

func TestPublicOrigin(t *testing.T) {
	t.Parallel()
	flag := func(origin string) []string { return []string{"--public-origin", origin} }
	testParse(t, []parseCase[string]{
		{"empty", flag(""), nil, "", ""},
		{"https", flag("https://sigap.example.go.id"), nil, "https://sigap.example.go.id", ""},
		{"http with a port and a slash", flag("http://127.0.0.1:8080/"), nil, "http://127.0.0.1:8080/", ""},
		{"environment", nil, map[string]string{"SIGAP_PUBLIC_ORIGIN": "https://from.env"}, "https://from.env", ""},
		// A refusal names the flag.
		{"a path", flag("https://sigap.example.go.id/v1"), nil, "", "--public-origin"},
		{"not http", flag("ftp://sigap.example.go.id"), nil, "", "--public-origin"},
		{"no scheme", flag("sigap.example.go.id"), nil, "", "--public-origin"},
		{"a user", flag("https://user@sigap.example.go.id"), nil, "", "--public-origin"},
		{"a query", flag("https://sigap.example.go.id?x=1"), nil, "", "--public-origin"},
	}, func(c config.Config) string { return c.PublicOrigin })
}
