package subject

import (
	"errors"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"https://t.me/s/SomeChannel/123?single", "t.me/somechannel", "@somechannel", "tg://resolve?domain=x&post=1",
		"https://t.me/+AbC_dEf", "https://t.me/c/1234567/89", "tg://privatepost?channel=1&post=2",
		"https://example.com/a/./b/../c/?utm_source=x&b=2&a=1#f", "https://Bücher.example/x", "javascript:alert(1)",
		"(https://en.wikipedia.org/wiki/A_(b)).", "https://web.telegram.org/k/#@somechannel",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := Parse(in)
		if err != nil {
			if !errors.Is(err, ErrNotALink) && !errors.Is(err, ErrUnsupportedScheme) &&
				!errors.Is(err, ErrTooLong) && !errors.Is(err, ErrInvalidUsername) {
				t.Fatalf("Parse(%q): error %v wraps no sentinel", in, err)
			}
			if s != (Subject{}) {
				t.Fatalf("Parse(%q): %+v returned with error", in, s)
			}
			return
		}
		checkRoundTrip(t, in, s)
	})
}
