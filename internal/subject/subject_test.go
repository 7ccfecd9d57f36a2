package subject

import (
	"errors"
	"strings"
	"testing"
)

const (
	msg123  = "telegram:message/somechannel/123"
	chanSub = "telegram:channel/somechannel"
)

// checkParse has Parse read in as want, and read want's URL back as want.
func checkParse(t *testing.T, in string, want Subject) {
	t.Helper()
	got, err := Parse(in)
	if err != nil {
		t.Fatalf("Parse(%q): %v", in, err)
	}
	if got != want {
		t.Fatalf("Parse(%q)\n got %+v\nwant %+v", in, got, want)
	}
	again, err := Parse(got.URL)
	if err != nil || again != got {
		t.Fatalf("Parse(%q) = %+v, %v; want %+v", got.URL, again, err, got)
	}
}

func TestParseTelegram(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, canonical string
		kind                Kind
		private             bool
		channel, url        string
	}{
		{"https", "https://t.me/somechannel/123", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"http", "http://t.me/somechannel/123", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"no scheme", "t.me/somechannel/123", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"scheme-relative", "//t.me/somechannel/123", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"www", "https://www.t.me/somechannel/123", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"telegram.me", "https://telegram.me/somechannel/123", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"www.telegram.me", "www.telegram.me/somechannel/123", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"telegram.dog", "https://telegram.dog/somechannel/123", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"preview", "https://t.me/s/SomeChannel/123", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"upper-case everything", "HTTPS://T.ME/S/SOMECHANNEL/123", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"single", "https://t.me/somechannel/123?single", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"comment", "https://t.me/somechannel/123?comment=5", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"embed", "https://t.me/somechannel/123?embed=1&mode=tme", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"thread", "https://t.me/somechannel/123?thread=77", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"fragment", "https://t.me/somechannel/123#top", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"trailing slash", "https://t.me/somechannel/123/", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"double slashes", "https://t.me//somechannel//123//", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"leading zeros", "https://t.me/somechannel/000123", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"default port", "https://t.me:443/somechannel/123", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"userinfo", "https://user@t.me/somechannel/123", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"escaped", "https://t.me/%73omechannel/12%33", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"forum topic", "https://t.me/somechannel/7/123", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"subdomain", "https://somechannel.t.me/123", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"whitespace", "  \t https://t.me/somechannel/123 \n", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"angle brackets", "<https://t.me/somechannel/123>", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"quotes", `"https://t.me/somechannel/123"`, msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"curly quotes", "“https://t.me/somechannel/123”", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"parenthesised", "(https://t.me/somechannel/123)", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"sentence end", "https://t.me/somechannel/123.", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"comma", "https://t.me/somechannel/123,", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"close paren dot", "https://t.me/somechannel/123).", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"zero-width space", "\u200bhttps://t.me/somechannel/123\u200b", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"markdown bold", "**https://t.me/somechannel/123**", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"full-width host", "https://ｔ．ｍｅ/somechannel/123", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"tg resolve post", "tg://resolve?domain=SomeChannel&post=123", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"tg resolve post thread", "tg://resolve?post=123&domain=somechannel&thread=4&single", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"tg opaque", "TG:resolve?domain=somechannel&post=123", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},
		{"web client tgaddr", "https://web.telegram.org/k/#?tgaddr=tg%3A%2F%2Fresolve%3Fdomain%3Dsomechannel%26post%3D123", msg123, KindTelegramMessage, false, "somechannel", "https://t.me/somechannel/123"},

		{"channel", "https://t.me/somechannel", chanSub, KindTelegramChannel, false, "somechannel", "https://t.me/somechannel"},
		{"channel upper", "https://t.me/SomeChannel/", chanSub, KindTelegramChannel, false, "somechannel", "https://t.me/somechannel"},
		{"channel preview", "t.me/s/somechannel", chanSub, KindTelegramChannel, false, "somechannel", "https://t.me/somechannel"},
		{"channel at", "@SomeChannel", chanSub, KindTelegramChannel, false, "somechannel", "https://t.me/somechannel"},
		{"channel at in prose", "(@somechannel).", chanSub, KindTelegramChannel, false, "somechannel", "https://t.me/somechannel"},
		{"channel tg", "tg://resolve?domain=somechannel", chanSub, KindTelegramChannel, false, "somechannel", "https://t.me/somechannel"},
		{"channel subdomain", "somechannel.t.me", chanSub, KindTelegramChannel, false, "somechannel", "https://t.me/somechannel"},
		{"channel subdomain upper", "https://SomeChannel.T.ME/", chanSub, KindTelegramChannel, false, "somechannel", "https://t.me/somechannel"},
		{"bot start", "https://t.me/somechannel?start=abc", chanSub, KindTelegramChannel, false, "somechannel", "https://t.me/somechannel"},
		{"boost", "https://t.me/boost/SomeChannel", chanSub, KindTelegramChannel, false, "somechannel", "https://t.me/somechannel"},
		{"web client", "https://web.telegram.org/a/#@SomeChannel", chanSub, KindTelegramChannel, false, "somechannel", "https://t.me/somechannel"},
		{"four letters", "t.me/abcd", "telegram:channel/abcd", KindTelegramChannel, false, "abcd", "https://t.me/abcd"},
		{"32 letters", "t.me/" + strings.Repeat("a", 32), "telegram:channel/" + strings.Repeat("a", 32), KindTelegramChannel, false, strings.Repeat("a", 32), "https://t.me/" + strings.Repeat("a", 32)},

		{"invite plus", "https://t.me/+AbC_dEf", "telegram:invite/AbC_dEf", KindTelegramInvite, true, "", "https://t.me/+AbC_dEf"},
		{"invite plus escaped", "https://t.me/%2BAbC_dEf/", "telegram:invite/AbC_dEf", KindTelegramInvite, true, "", "https://t.me/+AbC_dEf"},
		{"invite joinchat", "https://t.me/joinchat/AbC_dEf", "telegram:invite/AbC_dEf", KindTelegramInvite, true, "", "https://t.me/+AbC_dEf"},
		{"invite joinchat upper", "https://telegram.me/JoinChat/AbC_dEf", "telegram:invite/AbC_dEf", KindTelegramInvite, true, "", "https://t.me/+AbC_dEf"},
		{"invite tg", "tg://join?invite=AbC_dEf", "telegram:invite/AbC_dEf", KindTelegramInvite, true, "", "https://t.me/+AbC_dEf"},
		{"invite case kept", "https://t.me/+abc_def", "telegram:invite/abc_def", KindTelegramInvite, true, "", "https://t.me/+abc_def"},
		{"numeric invite", "https://t.me/joinchat/0042", "telegram:invite/0042", KindTelegramInvite, true, "", "https://t.me/joinchat/0042"},
		{"folder", "https://t.me/addlist/AbCdEf", "telegram:addlist/AbCdEf", KindTelegramInvite, true, "", "https://t.me/addlist/AbCdEf"},
		{"folder tg", "tg://addlist?slug=AbCdEf", "telegram:addlist/AbCdEf", KindTelegramInvite, true, "", "https://t.me/addlist/AbCdEf"},

		{"private", "https://t.me/c/1234567/89", "telegram:private/1234567/89", KindTelegramPrivate, true, "", "https://t.me/c/1234567/89"},
		{"private topic", "https://t.me/c/1234567/3/89?thread=3", "telegram:private/1234567/89", KindTelegramPrivate, true, "", "https://t.me/c/1234567/89"},
		{"private tg", "tg://privatepost?channel=1234567&post=89", "telegram:private/1234567/89", KindTelegramPrivate, true, "", "https://t.me/c/1234567/89"},
		{"private tg bot api id", "tg://privatepost?channel=-1001234567&post=89", "telegram:private/1234567/89", KindTelegramPrivate, true, "", "https://t.me/c/1234567/89"},
		{"private channel", "https://t.me/c/1234567", "telegram:private/1234567", KindTelegramPrivate, true, "", "https://t.me/c/1234567"},
		{"web client private", "https://web.telegram.org/k/#-1001234567", "telegram:private/1234567", KindTelegramPrivate, true, "", "https://t.me/c/1234567"},
		{"phone", "https://t.me/+628123456789", "telegram:phone/628123456789", KindTelegramPrivate, true, "", "https://t.me/+628123456789"},
		{"phone tg", "tg://resolve?phone=+628123456789", "telegram:phone/628123456789", KindTelegramPrivate, true, "", "https://t.me/+628123456789"},

		{"stickers", "https://telegram.me/AddStickers/SomeSet", "url:https://t.me/addstickers/SomeSet", KindURL, false, "", "https://t.me/addstickers/SomeSet"},
		{"stickers tg", "tg://addstickers?set=SomeSet", "url:https://t.me/addstickers/SomeSet", KindURL, false, "", "https://t.me/addstickers/SomeSet"},
		{"share", "https://t.me/share/url?utm_source=x&url=https%3A%2F%2Fexample.com", "url:https://t.me/share/url?url=https://example.com", KindURL, false, "", "https://t.me/share/url?url=https://example.com"},
		{"proxy", "https://t.me/proxy?server=1.2.3.4&port=443&secret=ab", "url:https://t.me/proxy?port=443&secret=ab&server=1.2.3.4", KindURL, false, "", "https://t.me/proxy?port=443&secret=ab&server=1.2.3.4"},
		{"mini app", "https://t.me/SomeBot/SomeApp?startapp=x", "url:https://t.me/somebot/SomeApp?startapp=x", KindURL, false, "", "https://t.me/somebot/SomeApp?startapp=x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkParse(t, tt.in, Subject{Canonical: tt.canonical, Kind: tt.kind, Private: tt.private, Channel: tt.channel, URL: tt.url})
		})
	}
}

func TestParseURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, canonical, url string }{
		{"plain", "https://example.com/a/b?x=1", "url:https://example.com/a/b?x=1", "https://example.com/a/b?x=1"},
		{"no scheme", "example.com/a/b?x=1", "url:https://example.com/a/b?x=1", "https://example.com/a/b?x=1"},
		{"http folds to https", "http://example.com/a", "url:https://example.com/a", "http://example.com/a"},
		{"case", "HTTPS://EXAMPLE.COM/A/b", "url:https://example.com/A/b", "https://example.com/A/b"},
		{"root", "https://example.com", "url:https://example.com/", "https://example.com/"},
		{"root slash", "https://example.com/", "url:https://example.com/", "https://example.com/"},
		{"default port", "https://example.com:443/a", "url:https://example.com/a", "https://example.com/a"},
		{"default http port", "http://example.com:80/a", "url:https://example.com/a", "http://example.com/a"},
		{"other port keeps scheme", "http://example.com:8080/a", "url:http://example.com:8080/a", "http://example.com:8080/a"},
		{"port leading zeros", "https://example.com:08080/a", "url:https://example.com:8080/a", "https://example.com:8080/a"},
		{"host and port without scheme", "example.com:8080/a", "url:https://example.com:8080/a", "https://example.com:8080/a"},
		{"trailing dot host", "https://example.com./a", "url:https://example.com/a", "https://example.com/a"},
		{"trailing slash", "https://example.com/a/b/", "url:https://example.com/a/b", "https://example.com/a/b"},
		{"fragment", "https://example.com/a#section", "url:https://example.com/a", "https://example.com/a"},
		{"route fragment", "https://example.com/#/post/1", "url:https://example.com/#/post/1", "https://example.com/#/post/1"},
		{"hashbang", "https://example.com/#!post/1", "url:https://example.com/#!post/1", "https://example.com/#!post/1"},
		{"tracking", "https://example.com/a?utm_source=x&b=2&UTM_Medium=y&fbclid=z&gclid=q&a=1", "url:https://example.com/a?a=1&b=2", "https://example.com/a?a=1&b=2"},
		{"only tracking", "https://example.com/a?utm_source=x", "url:https://example.com/a", "https://example.com/a"},
		{"empty query", "https://example.com/a?", "url:https://example.com/a", "https://example.com/a"},
		{"empty params", "https://example.com/a?&&b=1&&", "url:https://example.com/a?b=1", "https://example.com/a?b=1"},
		{"sorted duplicates", "https://example.com/a?b=2&a=2&a=1", "url:https://example.com/a?a=1&a=2&b=2", "https://example.com/a?a=1&a=2&b=2"},
		{"dot segments", "https://example.com/a/./b/../c", "url:https://example.com/a/c", "https://example.com/a/c"},
		{"dot segments above root", "https://example.com/../../a", "url:https://example.com/a", "https://example.com/a"},
		{"escaped dots", "https://example.com/a/%2e%2E/c", "url:https://example.com/c", "https://example.com/c"},
		{"escapes", "https://example.com/%7euser/%41%2fb%3ac", "url:https://example.com/~user/A%2Fb:c", "https://example.com/~user/A%2Fb:c"},
		{"stray percent", "https://example.com/100%", "url:https://example.com/100%25", "https://example.com/100%25"},
		{"unicode path", "https://example.com/café", "url:https://example.com/caf%C3%A9", "https://example.com/caf%C3%A9"},
		{"idn", "https://Bücher.example/x", "url:https://xn--bcher-kva.example/x", "https://xn--bcher-kva.example/x"},
		{"idn munchen", "münchen.de", "url:https://xn--mnchen-3ya.de/", "https://xn--mnchen-3ya.de/"},
		{"idn tld", "https://пример.рф/", "url:https://xn--e1afmkfd.xn--p1ai/", "https://xn--e1afmkfd.xn--p1ai/"},
		{"punycode kept", "https://XN--BCHER-KVA.example/x", "url:https://xn--bcher-kva.example/x", "https://xn--bcher-kva.example/x"},
		{"ipv4", "http://192.168.0.1/a", "url:https://192.168.0.1/a", "http://192.168.0.1/a"},
		{"ipv6", "https://[2001:DB8:0::1]:8443/a", "url:https://[2001:db8::1]:8443/a", "https://[2001:db8::1]:8443/a"},
		{"userinfo dropped", "https://t.me@evil.example/x", "url:https://evil.example/x", "https://evil.example/x"},
		{"wikipedia parens", "https://en.wikipedia.org/wiki/Foo_(bar)", "url:https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_(bar)"},
		{"wikipedia in prose", "(https://en.wikipedia.org/wiki/Foo_(bar)).", "url:https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_(bar)"},
		{"dot kept by escape", "https://example.com/a.#frag", "url:https://example.com/a%2E", "https://example.com/a%2E"},
		{"reserved escapes decoded", "https://example.com/a%28b%29?q=%3F%2F%26%3D%2B", "url:https://example.com/a(b)?q=?/%26%3D%2B", "https://example.com/a(b)?q=?/%26%3D%2B"},
		{"question mark end", "https://example.com/a?q=%3F&utm_source=x", "url:https://example.com/a?q=%3F", "https://example.com/a?q=%3F"},
		{"plus kept", "https://example.com/s?q=a+b", "url:https://example.com/s?q=a+b", "https://example.com/s?q=a+b"},
		{"telegram.org is a url", "https://telegram.org/faq", "url:https://telegram.org/faq", "https://telegram.org/faq"},
		{"t.me other port", "https://t.me:8443/x", "url:https://t.me:8443/x", "https://t.me:8443/x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkParse(t, tt.in, Subject{Canonical: tt.canonical, Kind: KindURL, URL: tt.url})
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     error
	}{
		{"empty", "", ErrNotALink},
		{"blank", "  \t\n ", ErrNotALink},
		{"quotes only", `""`, ErrNotALink},
		{"too long", "https://example.com/" + strings.Repeat("a", MaxLen), ErrTooLong},
		{"too long after escaping", "https://example.com/" + strings.Repeat("é", 700), ErrTooLong},
		{"invalid utf8", "https://example.com/\xff", ErrNotALink},
		{"control", "https://example.com/\x00a", ErrNotALink},
		{"bidi override", "https://example.com/\u202ea", ErrNotALink},
		{"inner space", "see https://t.me/somechannel/123", ErrNotALink},
		{"prose", "hello", ErrNotALink},
		{"no dot", "https://localhost/a", ErrNotALink},
		{"no dot with port", "localhost:8080/a", ErrNotALink},
		{"abbreviation", "e.g.", ErrNotALink},
		{"numeric tld", "https://example.123/a", ErrNotALink},
		{"empty label", "https://example..com/a", ErrNotALink},
		{"bad host char", "https://exa!mple.com/a", ErrNotALink},
		{"bad port", "https://example.com:99999/a", ErrNotALink},
		{"missing slashes", "https:example.com/a", ErrNotALink},
		{"bad ipv6", "https://[zz::1]/a", ErrNotALink},
		{"javascript", "javascript:alert(1)", ErrUnsupportedScheme},
		{"data", "data:text/html,<b>x</b>", ErrUnsupportedScheme},
		{"file", "file:///etc/passwd", ErrUnsupportedScheme},
		{"ftp", "ftp://example.com/a", ErrUnsupportedScheme},
		{"mailto", "mailto:a@example.com", ErrUnsupportedScheme},
		{"tg other", "tg://msg_url?url=x", ErrUnsupportedScheme},
		{"bare t.me", "https://t.me/", ErrNotALink},
		{"preview alone", "https://t.me/s/", ErrNotALink},
		{"joinchat without hash", "https://t.me/joinchat", ErrNotALink},
		{"joinchat bad hash", "https://t.me/joinchat/a.b", ErrNotALink},
		{"plus alone", "https://t.me/+", ErrNotALink},
		{"addlist without slug", "https://t.me/addlist", ErrNotALink},
		{"private without id", "https://t.me/c/", ErrNotALink},
		{"private bad id", "https://t.me/c/abc/1", ErrNotALink},
		{"private zero msg", "https://t.me/c/123/0", ErrNotALink},
		{"message zero", "https://t.me/somechannel/0", ErrNotALink},
		{"message huge", "https://t.me/somechannel/99999999999999999999", ErrNotALink},
		{"tg resolve no domain", "tg://resolve?post=1", ErrNotALink},
		{"tg bad post", "tg://resolve?domain=somechannel&post=x", ErrNotALink},
		{"tg join no invite", "tg://join", ErrNotALink},
		{"web client home", "https://web.telegram.org/k/", ErrNotALink},
		{"short username", "https://t.me/abc", ErrInvalidUsername},
		{"long username", "https://t.me/" + strings.Repeat("a", 33), ErrInvalidUsername},
		{"digit first", "https://t.me/1channel", ErrInvalidUsername},
		{"underscore first", "@_channel", ErrInvalidUsername},
		{"hyphen", "https://t.me/some-channel", ErrInvalidUsername},
		{"unicode username", "https://t.me/кириллица", ErrInvalidUsername},
		{"at short", "@abc", ErrInvalidUsername},
		{"deep subdomain", "https://a.somechannel.t.me/", ErrInvalidUsername},
		{"service path as username", "https://t.me/s/joinchat", ErrInvalidUsername},
		{"service path as at", "@share", ErrInvalidUsername},
		{"service path as subdomain", "https://proxy.t.me/", ErrInvalidUsername},
		{"tg bad domain", "tg://resolve?domain=a-b", ErrInvalidUsername},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Parse(%q) = %+v, %v; want error %v", tt.in, got, err, tt.want)
			}
			if got != (Subject{}) {
				t.Fatalf("Parse(%q) returned %+v with its error", tt.in, got)
			}
			if !strings.HasPrefix(err.Error(), "subject: ") {
				t.Fatalf("error %q lacks the package prefix", err)
			}
		})
	}
}

func TestChannelSubject(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"https://t.me/s/SomeChannel/123", chanSub, true},
		{"https://t.me/SomeChannel", chanSub, true},
		{"https://t.me/+AbCdEf", "", false},
		{"https://t.me/c/1234567/89", "", false},
		{"https://example.com/a", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			s, err := Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := s.ChannelSubject()
			if got != tt.want || ok != tt.ok {
				t.Fatalf("ChannelSubject() = %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
	if got, ok := (Subject{}).ChannelSubject(); got != "" || ok {
		t.Fatalf("zero Subject: ChannelSubject() = %q, %v", got, ok)
	}
}

func TestPunycode(t *testing.T) {
	t.Parallel()
	// RFC 3492 section 7.1 samples and common names.
	tests := []struct{ in, want string }{
		{"bücher", "xn--bcher-kva"},
		{"münchen", "xn--mnchen-3ya"},
		{"пример", "xn--e1afmkfd"},
		{"他们为什么不说中文", "xn--ihqwcrb4cv8a8dqg056pqjye"},
		{"ドメイン名例", "xn--eckwd4c7cu47r2wf"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := punycode(tt.in)
			if err != nil || got != tt.want {
				t.Fatalf("punycode(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
	if _, err := punycode(strings.Repeat("ü", 64)); err == nil {
		t.Fatal("punycode accepted a 64-rune label")
	}
}

func TestTrimProse(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"  x.com/a  ", "x.com/a"},
		{"<x.com/a>", "x.com/a"},
		{"'x.com/a',", "x.com/a"},
		{"«x.com/a»", "x.com/a"},
		{"x.com/a_(b)", "x.com/a_(b)"},
		{"x.com/a_(b))", "x.com/a_(b)"},
		{"[x.com/a]", "x.com/a"},
		{"x.com/a...", "x.com/a"},
		{"\ufeffx.com/a\u200e", "x.com/a"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := trimProse(tt.in); got != tt.want {
				t.Fatalf("trimProse(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}
