package rulelist

import (
	"errors"
	"strings"
	"testing"
)

// TestCheckBenign: keyword and regex rules that match ordinary sentences are
// refused with a message giving the share; specific rules pass.
func TestCheckBenign(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind, value string
		refused     bool
		msg         string // part of the message when refused
	}{
		{KindRegex, "yang", true, `regex "yang" matches`},
		{KindRegex, "the", true, `regex "the" matches`},
		{KindRegex, `\bdan\b`, true, "ordinary sentences"},
		{KindRegex, "kota", true, "a rule must be specific"},
		{KindRegex, "ال", false, ""}, // two letters: refused as too short by textmatch, checked below
		{KindKeyword, "kota", true, `keyword "kota" matches`},
		{KindKeyword, "hari ini", false, ""}, // 4 of 300: below the line
		{KindKeyword, "weather", false, ""},
		{KindKeyword, "bom bunuh diri", false, ""},
		{KindKeyword, "perang suci", false, ""},
		{KindKeyword, "senjata rakitan", false, ""},
		{KindKeyword, "ragam kata", false, ""},
		{KindRegex, `daulah\s+islamiy+ah`, false, ""},
		{KindRegex, `j[i1]h[a4]d`, false, ""},
		{KindKeyword, "الدولة الإسلامية", false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.kind+"/"+tc.value, func(t *testing.T) {
			t.Parallel()
			_, _, err := Check(tc.kind, tc.value)
			if tc.value == "ال" {
				if err == nil {
					t.Fatal("a two-byte regex was accepted")
				}
				return
			}
			if !tc.refused {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrCommonText) || !errors.Is(err, ErrRule) {
				t.Fatalf("want ErrCommonText and ErrRule, got %v", err)
			}
			if !strings.Contains(err.Error(), tc.msg) || strings.Contains(err.Error(), "rulelist:") {
				t.Errorf("message %q: want %q and no package prefix", err, tc.msg)
			}
		})
	}
}

// TestBenignCorpus: the corpus holds a few hundred sentences of each
// language, and the word index agrees with a plain scan.
func TestBenignCorpus(t *testing.T) {
	t.Parallel()
	c := benign()
	if c.Len() < 290 {
		t.Fatalf("corpus has %d sentences", c.Len())
	}
	tests := []string{"yang", "hari ini", "the", "di kota", "weather is nice", "xyzzy", "ini adalah rumah"}
	for _, kw := range tests {
		want := 0
		for _, s := range c.padded {
			if strings.Contains(s, " "+kw+" ") {
				want++
			}
		}
		if got := c.keywordHits(kw); got != want {
			t.Errorf("keywordHits(%q) = %d, a scan finds %d", kw, got, want)
		}
	}
}
