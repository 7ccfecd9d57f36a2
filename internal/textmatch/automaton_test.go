package textmatch

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/textnorm"
	"github.com/sigap/sigap/internal/textnorm/testcorpus"
	"pgregory.net/rapid"
)

// refHits scans text with the byte-level DFA the word automaton replaced.
func refHits(m *Matcher, patterns []acPattern, text []byte) []Hit {
	return buildByteDFA(patterns).scan(text, nil, m.rules)
}

func keywordPatterns(m *Matcher) []acPattern {
	var ps []acPattern
	for i := range m.Len() {
		if kw := m.Keyword(i); kw != "" {
			ps = append(ps, acPattern{rule: int32(i), text: kw})
		}
	}
	return ps
}

// keywordMatcher compiles one keyword rule for each of kws that
// checkKeyword accepts, with its index for an ID.
func keywordMatcher(t *rapid.T, kws []string) *Matcher {
	var rules []Rule
	for i, k := range kws {
		if checkKeyword(textnorm.Normalize(k)) == nil {
			rules = append(rules, Rule{ID: fmt.Sprint(i), Kind: KindKeyword, Pattern: k})
		}
	}
	return testcorpus.MustCompile(t, Compile, rules)
}

// TestWordAutomatonAgreesWithByteDFA checks that the word automaton reports
// exactly the hits of the byte-level DFA, in the same order, for keywords
// with shared words, phrases whose suffixes are keywords, words longer than
// the eight-byte chunk, and for any input bytes: normalised text, double,
// leading and trailing spaces, NUL and invalid UTF-8.
func TestWordAutomatonAgreesWithByteDFA(t *testing.T) {
	t.Parallel()
	short := rapid.StringOfN(rapid.SampledFrom([]rune("abبي")), 1, 4, -1)
	long := rapid.StringOfN(rapid.SampledFrom([]rune("ab")), 6, 18, -1)
	// Words that share their first eight bytes and differ only after them.
	sameHead := rapid.Map(rapid.StringOfN(rapid.SampledFrom([]rune("ab")), 0, 3, -1), func(s string) string { return "abababab" + s })
	word := rapid.OneOf(short, short, long, sameHead)
	rapid.Check(t, func(t *rapid.T) {
		kws := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) string {
			return strings.Join(rapid.SliceOfN(word, 1, 4).Draw(t, "words"), " ")
		}), 1, 40).Draw(t, "keywords")
		m := keywordMatcher(t, kws)
		var text string
		if rapid.Bool().Draw(t, "raw") {
			// Arbitrary bytes, spaces frequent.
			b := rapid.SliceOf(rapid.OneOf(rapid.Just(byte(' ')), rapid.SampledFrom([]byte("ab\x00\xff\xd8")), rapid.Byte())).Draw(t, "raw bytes")
			text = string(b)
		} else {
			text = textnorm.Normalize(strings.Join(rapid.SliceOfN(word, 0, 40).Draw(t, "text"), " "))
		}
		got := m.MatchString(text, nil)
		want := refHits(m, keywordPatterns(m), []byte(text))
		if !slices.Equal(got, want) {
			t.Fatalf("text %q keywords %q:\n got %v\nwant %v", text, kws, got, want)
		}
	})
}

// TestWordAutomatonOnCorpus compares the two automata on the benchmark's
// 10,000 keywords and posts.
func TestWordAutomatonOnCorpus(t *testing.T) {
	t.Parallel()
	m, posts := benchSetup(t, 10000, 300)
	dfa := buildByteDFA(keywordPatterns(m))
	var got, want []Hit
	total := 0
	for _, p := range posts {
		norm := []byte(textnorm.Normalize(p))
		got = m.Match(norm, got[:0])
		want = dfa.scan(norm, want[:0], m.rules)
		if !slices.Equal(got, want) {
			t.Fatalf("post %q:\n got %v\nwant %v", norm, got, want)
		}
		total += len(got)
	}
	if total == 0 {
		t.Fatal("no hits on the corpus")
	}
}

// TestNormaliseThenMatchAgreesWithByteDFA runs the whole path the scanner
// uses on raw posts (textnorm, then the word automaton) against the byte DFA
// on the same normalised text. The posts are built from the keywords' own
// words disguised as evaders write them: capitals, homoglyphs and
// fullwidth letters, leetspeak, diacritics and tashkeel, zero-width
// characters, letter runs, spaced-out letters, and any separator; hits must
// be the same, in the same order, with offsets into the normalised text.
func TestNormaliseThenMatchAgreesWithByteDFA(t *testing.T) {
	t.Parallel()
	vocab := []string{"bom", "bunuh", "diri", "jihad", "daulah", "isis", "teror", "caliphate", "join",
		"بيعة", "الدولة", "الإسلامية", "مجاهد", "khilafah", "thaghut", "mujahidin"}
	disguise := map[rune][]string{
		'a': {"a", "A", "а", "ａ", "4", "@", "á"}, 'i': {"i", "I", "і", "1", "ı", "ï"},
		'o': {"o", "O", "о", "0", "ö"}, 's': {"s", "S", "ѕ", "5", "$"}, 'e': {"e", "E", "е", "3", "é"},
		'b': {"b", "B", "ｂ"}, 'j': {"j", "J", "ј"}, 'h': {"h", "H", "һ"}, 't': {"t", "T", "7"},
		'ا': {"ا", "أ", "إ", "آ", "ٱ"}, 'ي': {"ي", "ى"}, 'ة': {"ة", "ه"},
	}
	seps := []string{" ", " ", "  ", ", ", ". ", "\n", " - ", "!! ", " #", " 💣 ", "، ", "\t"}
	rapid.Check(t, func(t *rapid.T) {
		kws := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) string {
			return strings.Join(rapid.SliceOfN(rapid.SampledFrom(vocab), 1, 3).Draw(t, "words"), " ")
		}), 1, 12).Draw(t, "keywords")
		m := keywordMatcher(t, kws)
		var post strings.Builder
		for range rapid.IntRange(0, 30).Draw(t, "words") {
			w := rapid.SampledFrom(append(vocab, "ayo", "sekarang", "the", "krisis", "2024", "ب")).Draw(t, "word")
			for k, r := range []rune(w) {
				out := string(r)
				if d := disguise[r]; len(d) > 0 {
					out = rapid.SampledFrom(d).Draw(t, "letter")
				}
				post.WriteString(out)
				switch rapid.IntRange(0, 12).Draw(t, "trick") {
				case 0:
					post.WriteString("\u200B")
				case 1:
					post.WriteString("\u064E") // fatha
				case 2:
					post.WriteString(strings.Repeat(string(r), 3))
				case 3:
					if k < len([]rune(w))-1 {
						post.WriteString(" ")
					}
				}
			}
			post.WriteString(rapid.SampledFrom(seps).Draw(t, "sep"))
		}
		norm := []byte(textnorm.Normalize(post.String()))
		got := m.Match(norm, nil)
		want := refHits(m, keywordPatterns(m), norm)
		if !slices.Equal(got, want) {
			t.Fatalf("post %q normalised %q keywords %q:\n got %v\nwant %v", post.String(), norm, kws, got, want)
		}
	})
}
