package web

import (
	"strings"
	"testing"
)

// TestBrief: a value a person can read is shown whole; a video hash of
// kilobytes is shown as its start and its length, in the page's language.
func TestBrief(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("0,100,", 1000) // 6,000 characters, like a short vPDQ
	tests := []struct {
		lang, in string
		want     string
		whole    bool
	}{
		{"en", "jihad", "jihad", true},
		{"en", strings.Repeat("é", briefRunes), strings.Repeat("é", briefRunes), true},
		{"en", long, "6000 characters in all", false},
		{"id", long, "6000 karakter seluruhnya", false},
	}
	for _, tc := range tests {
		brief := funcs(tc.lang)["brief"].(func(string) string)
		got := brief(tc.in)
		if tc.whole != (got == tc.in) || !strings.Contains(got, tc.want) {
			t.Errorf("brief(%s, %d runes) = %.80q; want whole=%v containing %q", tc.lang, len([]rune(tc.in)), got, tc.whole, tc.want)
		}
		if !tc.whole && (len([]rune(got)) > briefHead+100 || !strings.HasPrefix(got, string([]rune(tc.in)[:briefHead]))) {
			t.Errorf("brief(%s) = %.80q; want the first %d characters and a short note", tc.lang, got, briefHead)
		}
	}
}
