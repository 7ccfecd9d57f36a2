package rulelist

import (
	"embed"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/sigap/sigap/internal/textnorm"
)

// The benign corpus: a few hundred ordinary sentences (news, everyday life,
// chat) in Bahasa Indonesia, English and Arabic, one a line, "#" lines are
// comments. A keyword or regex rule that fires on many of them would fire on
// a large share of ordinary posts.
//
//go:embed benign/*.txt
var benignFS embed.FS

// MaxBenignPercent is the largest share of the benign corpus, in percent, a
// keyword or regex rule may match. 2% of the ~300 sentences is 6: a specific
// term may turn up in a sentence or two of ordinary news ("polisi menemukan
// bom rakitan"), but a rule that matches more than 1 ordinary post in 50
// would, on a platform scanning a million posts a day, file tens of thousands
// of notices about nothing and trip the daily circuit breaker on day one. The
// words that cross it are function words and their fragments ("yang", "the",
// "ال"), which no rule targeting terrorist content needs.
const MaxBenignPercent = 2

// benignCorpus is the normalised corpus with an index of its words, so a
// keyword is checked with a few map lookups instead of a scan.
type benignCorpus struct {
	sentences []string           // normalised
	padded    []string           // " " + sentence + " ", for phrase containment on word boundaries
	words     map[string][]int32 // word → indices of the sentences holding it, ascending, once each
}

var benign = sync.OnceValue(func() *benignCorpus {
	c := &benignCorpus{words: make(map[string][]int32)}
	files, err := benignFS.ReadDir("benign")
	if err != nil {
		panic(err) // embedded at build time
	}
	for _, f := range files {
		b, err := benignFS.ReadFile("benign/" + f.Name())
		if err != nil {
			panic(err)
		}
		for line := range strings.Lines(string(b)) {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			norm := textnorm.Normalize(line)
			if norm == "" {
				continue
			}
			i := int32(len(c.sentences))
			c.sentences = append(c.sentences, norm)
			c.padded = append(c.padded, " "+norm+" ")
			for w := range strings.SplitSeq(norm, " ") {
				if l := c.words[w]; len(l) == 0 || l[len(l)-1] != i {
					c.words[w] = append(l, i)
				}
			}
		}
	}
	return c
})

// Len is the number of sentences.
func (c *benignCorpus) Len() int { return len(c.sentences) }

// tooMany reports whether hits sentences exceed MaxBenignPercent of the corpus.
func (c *benignCorpus) tooMany(hits int) bool { return hits*100 > MaxBenignPercent*len(c.sentences) }

// keywordHits counts the sentences in which the normalised keyword or phrase
// occurs on word boundaries, as the scanner's automaton would find it.
func (c *benignCorpus) keywordHits(norm string) int {
	words := strings.Split(norm, " ")
	// The sentences holding the phrase are among those holding its rarest word.
	var rarest []int32
	for i, w := range words {
		l := c.words[w]
		if len(l) == 0 {
			return 0
		}
		if i == 0 || len(l) < len(rarest) {
			rarest = l
		}
	}
	if len(words) == 1 {
		return len(rarest)
	}
	pad := " " + norm + " "
	n := 0
	for _, s := range rarest {
		if strings.Contains(c.padded[s], pad) {
			n++
		}
	}
	return n
}

// regexHits counts the sentences re matches.
func (c *benignCorpus) regexHits(re *regexp.Regexp) int {
	n := 0
	for _, s := range c.sentences {
		if re.MatchString(s) {
			n++
		}
	}
	return n
}

// checkBenign refuses a keyword or regex rule (one textmatch compiled) that
// matches more than MaxBenignPercent of the benign corpus.
func checkBenign(kind, value string) error {
	c := benign()
	var hits int
	if kind == KindRegex {
		hits = c.regexHits(regexp.MustCompile(value)) // textmatch compiled it
	} else {
		hits = c.keywordHits(textnorm.Normalize(value))
	}
	if !c.tooMany(hits) {
		return nil
	}
	return refuse(ErrCommonText, fmt.Sprintf("%s %q matches %d of %d ordinary sentences (%d%%); a rule must be specific to the content it targets",
		kind, clip(value), hits, c.Len(), hits*100/c.Len()))
}
