package rulelist

import (
	"errors"
	"strings"
	"testing"
)

// TestCheckPublicSuffix: a domain that is itself a public suffix (ICANN or
// private section) is refused; sites under one are accepted.
func TestCheckPublicSuffix(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value   string
		refused bool
		stored  string
	}{
		{"co.id", true, ""},
		{"go.id", true, ""},
		{"ac.id", true, ""},
		{"or.id", true, ""},
		{"web.id", true, ""},
		{"sch.id", true, ""},
		{"CO.UK.", true, ""},
		{"*.co.uk", true, ""},
		{"com.au", true, ""},
		{"blogspot.com", true, ""},
		{"github.io", true, ""},
		{"https://go.id/", true, ""},
		{"www.go.id", true, ""},
		{"example.go.id", false, "example.go.id"},
		{"www.example.go.id", false, "example.go.id"},
		{"propaganda.example", false, "propaganda.example"},
		{"someblog.blogspot.com", false, "someblog.blogspot.com"},
		{"example.co.uk", false, "example.co.uk"},
	}
	for _, tc := range tests {
		t.Run(tc.value, func(t *testing.T) {
			t.Parallel()
			typ, stored, err := Check(KindLink, tc.value)
			if !tc.refused {
				if err != nil || typ != TypeDomain || stored != tc.stored {
					t.Fatalf("Check = %q, %q, %v; want domain %q", typ, stored, err, tc.stored)
				}
				return
			}
			if !errors.Is(err, ErrPublicSuffix) || !errors.Is(err, ErrRule) {
				t.Fatalf("want ErrPublicSuffix, got %q, %q, %v", typ, stored, err)
			}
			if !strings.Contains(err.Error(), "public suffix") {
				t.Errorf("message %q", err)
			}
		})
	}
}
