package subject

import "testing"

func BenchmarkParse(b *testing.B) {
	inputs := []string{
		"https://t.me/s/SomeChannel/123?single",
		"t.me/somechannel/456",
		"@SomeChannel",
		"tg://resolve?domain=somechannel&post=123",
		"https://t.me/+AbC_dEf",
		"https://t.me/c/1234567/89",
		"https://example.com/a/./b/../c/?utm_source=x&b=2&a=1#frag",
		"<https://news.example.co.id/2026/11/27/berita-hoaks?fbclid=abc>.",
		"https://Bücher.example/x",
		"javascript:alert(1)",
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_, _ = Parse(inputs[i%len(inputs)])
		i++
	}
}
