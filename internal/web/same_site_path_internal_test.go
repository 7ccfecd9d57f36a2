package web

import "testing"

func TestSameSitePath(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		back, want string
	}{
		{"/dashboard", "/dashboard"},
		{"/notices?status=open&page=2", "/notices?status=open&page=2"},
		{"/notices/abc#messages", "/notices/abc#messages"},
		{"", "/"},
		{"dashboard", "/"},
		{"https://evil.example/", "/"},
		{"http:/evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"//evil.example", "/"},
		{"///evil.example", "/"},
		{`/\evil.example`, "/"},
		{`/\/evil.example`, "/"},
		{`/a\b`, "/"},
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"/ /evil.example", "/"},
		{"/\x00", "/"},
		{"/%zz", "/"},
		{"/" + string(make([]byte, 2001)), "/"},
	} {
		if got := sameSitePath(tc.back); got != tc.want {
			t.Errorf("sameSitePath(%q) = %q, want %q", tc.back, got, tc.want)
		}
	}
}
