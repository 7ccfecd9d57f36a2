package subject

import (
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// genUsername draws a valid username in random letter case.
func genUsername(t *rapid.T) string {
	first := rapid.SampledFrom([]rune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")).Draw(t, "first")
	rest := rapid.StringOfN(rapid.SampledFrom([]rune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")), 3, 31, -1).Draw(t, "rest")
	return string(first) + rest
}

// genMessageVariant writes a link to message msg of name in one of the many ways
// people write it.
func genMessageVariant(t *rapid.T, name string, msg uint64) string {
	name = randomCase(t, name, "name case")
	id := strconv.FormatUint(msg, 10)
	if rapid.Bool().Draw(t, "leading zeros") {
		id = "00" + id
	}
	var link string
	switch rapid.IntRange(0, 3).Draw(t, "form") {
	case 0, 1:
		host := rapid.SampledFrom([]string{"t.me", "www.t.me", "telegram.me", "www.telegram.me", "telegram.dog", "www.telegram.dog"}).Draw(t, "host")
		host = randomCase(t, host, "host case")
		scheme := rapid.SampledFrom([]string{"https://", "http://", "//", "", "HTTPS://"}).Draw(t, "scheme")
		path := "/" + name + "/" + id
		if rapid.Bool().Draw(t, "preview") {
			path = "/" + randomCase(t, "s", "s case") + path
		}
		if rapid.Bool().Draw(t, "topic") {
			path = "/" + name + "/" + strconv.Itoa(rapid.IntRange(1, 999).Draw(t, "topic id")) + "/" + id
		}
		link = scheme + host + path
	case 2:
		link = "https://" + name + ".t.me/" + id
	case 3:
		link = "tg://resolve?domain=" + name + "&post=" + id
		if rapid.Bool().Draw(t, "post first") {
			link = "tg://resolve?post=" + id + "&domain=" + name
		}
		return wrap(t, link)
	}
	if rapid.Bool().Draw(t, "trailing slash") {
		link += "/"
	}
	if q := rapid.SampledFrom([]string{"", "?single", "?comment=5", "?embed=1&mode=tme", "?thread=9", "?utm_source=x"}).Draw(t, "query"); q != "" {
		link += q
	}
	if rapid.Bool().Draw(t, "fragment") {
		link += "#" + rapid.StringMatching(`[a-z0-9]{0,8}`).Draw(t, "frag")
	}
	return wrap(t, link)
}

func randomCase(t *rapid.T, s, label string) string {
	mask := rapid.Uint64().Draw(t, label)
	b := []byte(s)
	for i := range b {
		if mask>>(uint(i)%64)&1 == 1 {
			b[i] = strings.ToUpper(string(b[i]))[0]
		}
	}
	return string(b)
}

// wrap surrounds a link the way prose does.
func wrap(t *rapid.T, link string) string {
	w := rapid.SampledFrom([][2]string{{"", ""}, {" ", "\n"}, {"<", ">"}, {`"`, `".`}, {"(", ")"}, {"", "."}, {"", ","}, {"“", "”"}}).Draw(t, "wrap")
	return w[0] + link + w[1]
}

func TestPropertyMessageVariantsAgree(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		name := genUsername(t)
		msg := rapid.Uint64Range(1, 1<<40).Draw(t, "msg")
		want := "telegram:message/" + strings.ToLower(name) + "/" + strconv.FormatUint(msg, 10)
		for i := range 4 {
			link := genMessageVariant(t, name, msg)
			s, err := Parse(link)
			if err != nil {
				t.Fatalf("variant %d %q: %v", i, link, err)
			}
			if s.Canonical != want || s.Kind != KindTelegramMessage || s.Channel != strings.ToLower(name) {
				t.Fatalf("variant %d %q: got %+v, want canonical %q", i, link, s, want)
			}
		}
	})
}

// genLink draws a link-like string: a mix of schemes, hosts, paths with
// escapes, dots and Unicode, queries and fragments.
func genLink(t *rapid.T) string {
	scheme := rapid.SampledFrom([]string{"https://", "http://", "", "//", "HTTP://", "tg://", "tg:"}).Draw(t, "scheme")
	if strings.HasPrefix(scheme, "tg") {
		action := rapid.SampledFrom([]string{"resolve", "join", "privatepost", "addlist", "addstickers", "boost"}).Draw(t, "action")
		q := rapid.StringMatching(`((domain|post|invite|channel|slug|set|phone|appname)=[A-Za-z0-9_+\-%]{0,12}&?){0,3}`).Draw(t, "tg query")
		return scheme + action + "?" + q
	}
	host := rapid.SampledFrom([]string{"t.me", "T.Me", "telegram.me", "telegram.dog", "www.t.me", "somechannel.t.me", "example.com", "EXAMPLE.com.", "bücher.example", "xn--bcher-kva.example", "web.telegram.org", "192.168.1.1", "[::1]", "example.com:8080", "example.com:443", "u:p@example.org"}).Draw(t, "host")
	segs := rapid.SliceOfN(rapid.SampledFrom([]string{
		"", ".", "..", "s", "c", "+", "joinchat", "addlist", "boost", "share", "addstickers", "iv",
		"somechannel", "SomeChannel", "123", "0042", "AbC_dEf", "+AbC_dEf", "+6281234", "%2e", "%41", "%2F",
		"%zz", "a b", "é", "(x)", "x.", "x)", "~u", "a;b=c", "@", "%25",
	}), 0, 4).Draw(t, "segs")
	link := scheme + host
	if len(segs) > 0 || rapid.Bool().Draw(t, "slash") {
		link += "/" + strings.Join(segs, "/")
	}
	if rapid.Bool().Draw(t, "has query") {
		link += "?" + rapid.StringMatching(`([a-zA-Z_]{0,6}(=[a-zA-Z0-9%+.,/?:)]{0,6})?&?){0,4}`).Draw(t, "query")
	}
	if rapid.Bool().Draw(t, "has fragment") {
		link += "#" + rapid.SampledFrom([]string{"", "x", "/route", "!bang", "@somechannel", "-1001234", "?tgaddr=tg%3A%2F%2Fresolve%3Fdomain%3Dsomechannel"}).Draw(t, "fragment")
	}
	return wrap(t, link)
}

func TestPropertyURLRoundTrips(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		link := genLink(t)
		s, err := Parse(link)
		if err != nil {
			t.Skip(err) // not every generated string is a link
		}
		checkRoundTrip(t, link, s)
	})
}

// checkRoundTrip asserts that the URL of a parsed subject parses to the same subject.
func checkRoundTrip(t interface{ Fatalf(string, ...any) }, link string, s Subject) {
	again, err := Parse(s.URL)
	if err != nil {
		t.Fatalf("Parse(%q) = %+v, but Parse of its URL %q: %v", link, s, s.URL, err)
	}
	if again != s {
		t.Fatalf("Parse(%q) = %+v, but Parse(%q) = %+v", link, s, s.URL, again)
	}
	if s.Canonical == "" || s.URL == "" || s.Kind == "" {
		t.Fatalf("Parse(%q) = %+v: empty field", link, s)
	}
}
