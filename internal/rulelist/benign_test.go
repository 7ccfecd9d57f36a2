package rulelist

import (
	"strings"
	"testing"
)

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
