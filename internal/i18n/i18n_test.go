package i18n

import (
	"strings"
	"testing"
)

func TestEveryKeyInEveryLanguage(t *testing.T) {
	t.Parallel()
	for _, a := range Langs {
		for _, b := range Langs {
			for _, k := range Keys(a) {
				if !Has(b, k) {
					t.Errorf("key %q is in %s but missing from %s", k, a, b)
				}
			}
		}
	}
}

func TestPlaceholdersAgree(t *testing.T) {
	t.Parallel()
	for _, k := range Keys(EN) {
		if got, want := strings.Count(T(ID, k), "%"), strings.Count(T(EN, k), "%"); got != want {
			t.Errorf("key %q: %d placeholders in id, %d in en", k, got, want)
		}
	}
}

func TestMatch(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ header, want string }{
		{"", ID}, {"id-ID,id;q=0.9", ID}, {"en-US,en;q=0.9", EN}, {"en-GB", EN}, {"fr-FR", ID},
		{"fr;q=0.9, en;q=0.5", EN}, {"ms-MY", ID}, {"!!!garbage", ID}, {"en;q=0.1, id;q=0.9", ID},
	} {
		if got := Match(tc.header); got != tc.want {
			t.Errorf("Match(%q) = %q, want %q", tc.header, got, tc.want)
		}
	}
}

func TestMissingKeyShowsKey(t *testing.T) {
	t.Parallel()
	if got := T(EN, "no.such.key"); got != "no.such.key" {
		t.Errorf("T of a missing key = %q", got)
	}
	if got := T("xx", "nav.dashboard"); got != T(ID, "nav.dashboard") {
		t.Errorf("unknown language should fall back to Indonesian, got %q", got)
	}
}
