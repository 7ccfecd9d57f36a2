package config_test

import (
	"io"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/config"
)

func TestPublicOrigin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		origin string
		ok     bool
	}{
		{"", true},
		{"https://sigap.example.go.id", true},
		{"http://127.0.0.1:8080/", true},
		{"https://sigap.example.go.id/v1", false},
		{"ftp://sigap.example.go.id", false},
		{"sigap.example.go.id", false},
		{"https://user@sigap.example.go.id", false},
		{"https://sigap.example.go.id?x=1", false},
	}
	for _, tt := range tests {
		c, err := config.Parse([]string{"--public-origin", tt.origin}, func(string) string { return "" }, io.Discard)
		if (err == nil) != tt.ok {
			t.Errorf("--public-origin %q: err %v, want ok %v", tt.origin, err, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "--public-origin") {
			t.Errorf("--public-origin %q: the error %q does not name the flag", tt.origin, err)
		}
		if err == nil && c.PublicOrigin != tt.origin {
			t.Errorf("PublicOrigin = %q, want %q", c.PublicOrigin, tt.origin)
		}
	}
	c, err := config.Parse(nil, func(k string) string {
		if k == "SIGAP_PUBLIC_ORIGIN" {
			return "https://from.env"
		}
		return ""
	}, io.Discard)
	if err != nil || c.PublicOrigin != "https://from.env" {
		t.Errorf("SIGAP_PUBLIC_ORIGIN: %q, %v", c.PublicOrigin, err)
	}
}
