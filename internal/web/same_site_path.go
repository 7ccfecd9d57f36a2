package web

import (
	"net/url"
	"strings"
)

// sameSitePath is back when it is a path on this site, else "/": the language
// switch redirects there, and must never become an open redirect. Browsers
// read a backslash as a slash and drop tabs and newlines, so "/\evil" and
// "/\t/evil" would leave the site; both are refused with anything else odd.
func sameSitePath(back string) string {
	if len(back) > 2000 || !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") ||
		strings.ContainsFunc(back, func(r rune) bool { return r == '\\' || r <= ' ' || r == 0x7f }) {
		return "/"
	}
	u, err := url.Parse(back)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	return back
}
