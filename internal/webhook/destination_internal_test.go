package webhook

import (
	"context"
	"errors"
	"net/netip"
	"testing"
)

// fakeResolver answers from a map; a name it lacks does not resolve.
type fakeResolver map[string][]string

func (f fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	addrs, ok := f[host]
	if !ok {
		return nil, errors.New("no such host")
	}
	out := make([]netip.Addr, len(addrs))
	for i, a := range addrs {
		out[i] = netip.MustParseAddr(a)
	}
	return out, nil
}

func TestCheckDestination(t *testing.T) {
	t.Parallel()
	dns := fakeResolver{
		"hooks.example.org":    {"93.184.216.34"},
		"internal.example.org": {"10.1.2.3"},
		"mixed.example.org":    {"93.184.216.34", "192.168.1.5"},
		"v6only.example.org":   {"fd00::1"},
		"mapped.example.org":   {"::ffff:127.0.0.1"},
		// localhost is refused before the resolver is asked: this answer must not be used.
		"localhost": {"93.184.216.34"},
	}
	for _, tc := range []struct {
		url     string
		refused bool
	}{
		{"https://hooks.example.org/sigap", false},
		{"https://93.184.216.34/sigap", false},
		{"https://[2606:2800:220:1:248:1893:25c8:1946]/sigap", false},
		{"https://unknown.example.org/sigap", false}, // not resolvable now; the dial-time check remains
		{"http://127.0.0.1:8080/hook", true},
		{"http://127.1.2.3/hook", true},
		{"http://[::1]/hook", true},
		{"http://[::ffff:127.0.0.1]/hook", true},
		{"http://10.0.0.8/hook", true},
		{"http://172.16.0.1/hook", true},
		{"http://192.168.0.1/hook", true},
		{"http://169.254.169.254/latest/meta-data", true},
		{"http://[fe80::1%25eth0]/hook", true},
		{"http://100.64.0.1/hook", true},
		{"http://0.0.0.0/hook", true},
		{"http://[fd00::2]/hook", true},
		{"http://localhost/hook", true},
		{"http://LOCALHOST./hook", true},
		{"http://api.localhost:9000/hook", true},
		{"https://internal.example.org/hook", true},
		{"https://mixed.example.org/hook", true},
		{"https://v6only.example.org/hook", true},
		{"https://mapped.example.org/hook", true},
	} {
		err := checkDestination(t.Context(), Config{Resolver: dns}, tc.url)
		if got := errors.Is(err, ErrPrivateDestination); got != tc.refused || (!tc.refused && err != nil) {
			t.Errorf("checkDestination(%s) = %v, want refused %v", tc.url, err, tc.refused)
		}
		if err := checkDestination(t.Context(), Config{Resolver: dns, AllowPrivate: true}, tc.url); err != nil {
			t.Errorf("with AllowPrivate, checkDestination(%s) = %v, want nil", tc.url, err)
		}
	}
}
