package i18n

import (
	"maps"
	"slices"
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

// TestPlaceholdersAgree wants as many % signs, and the same verbs in the
// same order, in every language, since T passes the arguments in one order
// to both.
func TestPlaceholdersAgree(t *testing.T) {
	t.Parallel()
	for _, k := range Keys(EN) {
		want := verbPattern.FindAllString(T(EN, k), -1)
		for _, lang := range Langs {
			if got, want := strings.Count(T(lang, k), "%"), strings.Count(T(EN, k), "%"); got != want {
				t.Errorf("key %q: %d placeholders in %s, %d in %s", k, got, lang, want, EN)
			}
			if got := verbPattern.FindAllString(T(lang, k), -1); !slices.Equal(got, want) {
				t.Errorf("key %q: verbs %q in %s, %q in %s", k, got, lang, want, EN)
			}
		}
	}
}

func TestCataloguesLoaded(t *testing.T) {
	t.Parallel()
	for _, lang := range Langs {
		if n := len(Keys(lang)); n < 1000 {
			t.Errorf("%s catalogue holds %d keys; the files under messages/ hold more than 1,000", lang, n)
		}
	}
	got, err := Load(messageFiles)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range Langs {
		if !maps.Equal(got[lang], catalogue.load()[lang]) {
			t.Errorf("%s: a second load differs from the first", lang)
		}
	}
	for _, tc := range []struct{ lang, key, want string }{
		{EN, "nav.dashboard", "Dashboard"}, {ID, "yes", "ya"}, {EN, "no", "no"},
		{EN, "time.left", "%s left"}, {EN, "nav.exchange", "Exchange"}, {ID, "nav.incidents", "Insiden"},
	} {
		if got := catalogue.load()[tc.lang][tc.key]; got != tc.want {
			t.Errorf("%s %q = %q, want %q", tc.lang, tc.key, got, tc.want)
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
