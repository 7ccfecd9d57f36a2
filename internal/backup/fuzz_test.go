package backup

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzLibpqTarget checks that whatever URL it is given, libpqTarget never
// puts the password in what goes on pg_dump's command line, and what it
// returns still parses as a URL without pgx's own parameters.
func FuzzLibpqTarget(f *testing.F) {
	f.Add("postgres://sigap:s3cret@db:5432/sigap?sslmode=disable&search_path=t_1&pool_max_conns=4")
	f.Add("postgresql://u:p%40ss@[::1]/d")
	f.Add("postgres://h/d?search_path=a,b")
	f.Fuzz(func(t *testing.T, raw string) {
		conn, password, _, err := libpqTarget(raw)
		if err != nil {
			return
		}
		u, err := url.Parse(conn)
		if err != nil {
			t.Fatalf("libpqTarget(%q) = %q, which does not parse: %v", raw, conn, err)
		}
		if _, set := u.User.Password(); u.User != nil && set {
			t.Errorf("libpqTarget(%q) = %q keeps a password", raw, conn)
		}
		if password != "" && strings.Contains(conn, ":"+url.PathEscape(password)+"@") {
			t.Errorf("libpqTarget(%q) = %q holds the password", raw, conn)
		}
		for k := range u.Query() {
			if k == "search_path" || strings.HasPrefix(k, "pool_") {
				t.Errorf("libpqTarget(%q) = %q keeps pgx's %s", raw, conn, k)
			}
		}
	})
}
