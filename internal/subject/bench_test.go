package subject

import "testing"

// benchInputs mixes the forms a notice's subjects arrive in.
var benchInputs = []struct{ name, in string }{
	{"tme_preview", "https://t.me/s/SomeChannel/123?single"},
	{"tme_bare", "t.me/somechannel/456"},
	{"at", "@SomeChannel"},
	{"tg_resolve", "tg://resolve?domain=somechannel&post=123"},
	{"invite", "https://t.me/+AbC_dEf"},
	{"private", "https://t.me/c/1234567/89"},
	{"url_messy", "https://example.com/a/./b/../c/?utm_source=x&b=2&a=1#frag"},
	{"url_prose", "<https://news.example.co.id/2026/11/27/berita-hoaks?fbclid=abc>."},
	{"url_idn", "https://Bücher.example/x"},
	{"rejected", "javascript:alert(1)"},
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_, _ = Parse(benchInputs[i%len(benchInputs)].in)
		i++
	}
}

func BenchmarkParseForm(b *testing.B) {
	for _, bi := range benchInputs {
		b.Run(bi.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = Parse(bi.in)
			}
		})
	}
}
