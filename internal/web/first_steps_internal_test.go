package web

import (
	"testing"

	"github.com/sigap/sigap/internal/org"
)

// TestHasAuthority: only an authority's organisation ends the first step of
// a fresh platform; the platform itself and flaggers do not.
func TestHasAuthority(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		orgs []org.Org
		want bool
	}{
		{"none", nil, false},
		{"the platform alone", []org.Org{{Kind: org.KindPlatform}}, false},
		{"a flagger", []org.Org{{Kind: org.KindPlatform}, {Kind: org.KindFlagger}}, false},
		{"an authority", []org.Org{{Kind: org.KindPlatform}, {Kind: org.KindAuthority}}, true},
	} {
		if got := hasAuthority(tc.orgs); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
