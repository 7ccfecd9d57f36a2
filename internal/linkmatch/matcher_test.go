package linkmatch

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/textnorm/testcorpus"
	"pgregory.net/rapid"
)

var testRules = []Rule{
	{ID: "trustpositif", Kind: KindDomain, Values: []string{"judi-online.com", "*.situs-radikal.net", "www.daulah-news.org", "Bücher-Jihad.de.", "https://propaganda.example/path"}},
	{ID: "ministry-domains", Kind: KindDomain, Values: []string{"situs-radikal.net", "evil.co.id"}},
	{ID: "url-one", Kind: KindURL, Values: []string{"https://Example.com:443/video?id=7&b=2#top"}},
	{ID: "chan", Kind: KindChannel, Values: []string{"https://t.me/daulah_channel", "@amaq_agency"}},
	{ID: "msg", Kind: KindMessage, Values: []string{"t.me/khilafah_news/42"}},
}

func hitIDs(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.ID+":"+h.Matched)
	}
	sort.Strings(out)
	return out
}

// hitCase is an input and the hits a match method finds in it, as hitIDs.
type hitCase struct {
	in   string
	want []string
}

// checkHits runs a subtest per case: match (the method named fn) must find
// the hits the case wants.
func checkHits(t *testing.T, fn string, match func(string, []Hit) []Hit, cases []hitCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			if got := hitIDs(match(tc.in, nil)); !slices.Equal(got, tc.want) {
				t.Errorf("%s(%q) = %v, want %v", fn, tc.in, got, tc.want)
			}
		})
	}
}

func TestMatchLink(t *testing.T) {
	t.Parallel()
	checkHits(t, "MatchLink", testcorpus.MustCompile(t, Compile, testRules).MatchLink, []hitCase{
		{"https://judi-online.com", []string{"trustpositif:judi-online.com"}},
		{"http://WWW.Judi-Online.COM./x?y=1", []string{"trustpositif:judi-online.com"}},
		{"https://a.b.judi-online.com/", []string{"trustpositif:judi-online.com"}},
		{"https://notjudi-online.com", nil},
		{"https://judi-online.com.evil.io", nil},
		{"https://x.situs-radikal.net", []string{"ministry-domains:situs-radikal.net", "trustpositif:situs-radikal.net"}},
		{"daulah-news.org/artikel/1", []string{"trustpositif:daulah-news.org"}},
		{"https://xn--bcher-jihad-thb.de", []string{"trustpositif:xn--bcher-jihad-thb.de"}},
		{"https://bücher-jihad.de/x", []string{"trustpositif:xn--bcher-jihad-thb.de"}},
		{"propaganda.example", []string{"trustpositif:propaganda.example"}},
		{"https://www.evil.co.id/a", []string{"ministry-domains:evil.co.id"}},
		{"https://co.id", nil},
		{"http://example.com/video?b=2&id=7", []string{"url-one:url:https://example.com/video?b=2&id=7"}},
		{"https://example.com/video", nil},
		{"https://t.me/daulah_channel", []string{"chan:telegram:channel/daulah_channel"}},
		{"https://t.me/s/Daulah_Channel/991", []string{"chan:telegram:channel/daulah_channel"}},
		{"tg://resolve?domain=daulah_channel&post=5", []string{"chan:telegram:channel/daulah_channel"}},
		{"https://telegram.me/amaq_agency", []string{"chan:telegram:channel/amaq_agency"}},
		{"https://t.me/khilafah_news/42", []string{"msg:telegram:message/khilafah_news/42"}},
		{"https://t.me/s/khilafah_news/42", []string{"msg:telegram:message/khilafah_news/42"}},
		{"https://t.me/khilafah_news/43", nil},
		{"https://t.me/khilafah_news", nil},
		{"not a link", nil},
	})
}

func TestMatchText(t *testing.T) {
	t.Parallel()
	checkHits(t, "MatchText", testcorpus.MustCompile(t, Compile, testRules).MatchText, []hitCase{
		{"Baca selengkapnya di https://judi-online.com/promo ya!", []string{"trustpositif:judi-online.com"}},                                                                              // indonesian post
		{"kunjungi judi-online[.]com dan hxxp://x.situs-radikal(.)net", []string{"ministry-domains:situs-radikal.net", "trustpositif:judi-online.com", "trustpositif:situs-radikal.net"}}, // defanged
		{"تابعونا على t.me/daulah_channel للمزيد", []string{"chan:telegram:channel/daulah_channel"}},                                                                                      // telegram in arabic
		{"(lihat <https://t.me/khilafah_news/42>)", []string{"msg:telegram:message/khilafah_news/42"}},                                                                                    // in brackets
		{"ikuti @daulah_channel", nil},           // mention is not a link
		{"harga 3.14 versi v1.2 jam 10.30", nil}, // numbers are not links
		{"Selamat pagi semua, apa kabar?", nil},  // clean
	})
}

func TestCompileRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rule Rule
		want error
	}{
		{"empty id", Rule{Kind: KindDomain, Values: []string{"a.com"}}, ErrEmptyID},
		{"no values", Rule{ID: "x", Kind: KindDomain}, ErrNoValues},
		{"unknown kind", Rule{ID: "x", Values: []string{"a.com"}}, ErrUnknownKind},
		{"tld", Rule{ID: "x", Kind: KindDomain, Values: []string{"com"}}, ErrTooBroad},
		{"wildcard tld", Rule{ID: "x", Kind: KindDomain, Values: []string{"*.id"}}, ErrTooBroad},
		{"garbage domain", Rule{ID: "x", Kind: KindDomain, Values: []string{"exa mple.com"}}, ErrBadValue},
		{"empty domain", Rule{ID: "x", Kind: KindDomain, Values: []string{"  "}}, ErrBadValue},
		{"channel given a message", Rule{ID: "x", Kind: KindChannel, Values: []string{"t.me/abcde/5"}}, ErrWrongSubject},
		{"message given a channel", Rule{ID: "x", Kind: KindMessage, Values: []string{"t.me/abcde"}}, ErrWrongSubject},
		{"bad url", Rule{ID: "x", Kind: KindURL, Values: []string{"ftp://x.com/a"}}, ErrBadValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Compile([]Rule{{ID: "ok", Kind: KindDomain, Values: []string{"ok.com"}}, tt.rule})
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), `"`+tt.rule.ID+`" (#1)`) {
				t.Errorf("error %q does not name the rule", err)
			}
		})
	}
	_, err := Compile([]Rule{{ID: "a", Kind: KindDomain, Values: []string{"a.com"}}, {ID: "a", Kind: KindDomain, Values: []string{"b.com"}}})
	if !errors.Is(err, ErrDuplicateID) {
		t.Errorf("duplicate: err = %v", err)
	}
}

// TestDomainProperty: a host matches exactly when a listed domain is one of
// its label suffixes.
func TestDomainProperty(t *testing.T) {
	t.Parallel()
	label := rapid.StringMatching(`[a-z0-9]{1,6}`)
	tld := rapid.SampledFrom([]string{"com", "id", "net"})
	rapid.Check(t, func(t *rapid.T) {
		listed := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) string {
			return strings.Join(rapid.SliceOfN(label, 1, 2).Draw(t, "labels"), ".") + "." + tld.Draw(t, "tld")
		}), 1, 20).Draw(t, "listed")
		m := testcorpus.MustCompile(t, Compile, []Rule{{ID: "l", Kind: KindDomain, Values: listed}})
		host := strings.Join(rapid.SliceOfN(label, 1, 4).Draw(t, "host"), ".") + "." + tld.Draw(t, "htld")
		if rapid.Bool().Draw(t, "under") {
			host = rapid.SampledFrom(listed).Draw(t, "base")
			if rapid.Bool().Draw(t, "sub") {
				host = label.Draw(t, "sublabel") + "." + host
			}
		}
		want := false
		for _, d := range listed {
			d, _ := NormalizeDomain(d)
			if host == d || strings.HasSuffix(host, "."+d) {
				want = true
			}
		}
		got := len(m.MatchHost(host, nil)) > 0
		if got != want {
			t.Fatalf("host %q listed %v: got %v want %v", host, listed, got, want)
		}
	})
}

func TestManyRulesUseWideIndex(t *testing.T) {
	t.Parallel()
	rules := make([]Rule, 70000)
	for i := range rules {
		rules[i] = Rule{ID: fmt.Sprint(i), Kind: KindDomain, Values: []string{fmt.Sprintf("d%d.example", i)}}
	}
	m := testcorpus.MustCompile(t, Compile, rules)
	hits := m.MatchHost("www.d69999.example", nil)
	if len(hits) != 1 || hits[0].ID != "69999" {
		t.Fatalf("hits = %v", hits)
	}
}

func FuzzExtractLinks(f *testing.F) {
	for _, s := range []string{"lihat https://a.com/x", "t.me/abc", "hxxp://a[.]b", "3.14 v1.2", "\xff..\x00"} {
		f.Add(s)
	}
	m := testcorpus.MustCompile(f, Compile, testRules)
	f.Fuzz(func(t *testing.T, s string) {
		links := ExtractLinks(s, nil)
		if len(links) > maxLinksPerText {
			t.Fatalf("%d links", len(links))
		}
		m.MatchText(s, nil)
	})
}
