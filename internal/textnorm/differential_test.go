package textnorm

import (
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/textnorm/testcorpus"
	"pgregory.net/rapid"
)

// genMixed builds text from pieces that exercise the fast paths and their
// fall-backs: ASCII words of every length around the eight-byte chunk, in
// both cases, with runs of a letter; words glued to digits, leet characters,
// apostrophes, zero-width characters and diacritics; Arabic with tashkeel,
// tatweel and letter variants; confusables and fullwidth letters; spaced-out
// letters; every kind of separator; invalid UTF-8.
func genMixed() *rapid.Generator[string] {
	asciiWord := rapid.OneOf(
		rapid.StringOfN(rapid.SampledFrom([]rune("abcdeijmosxyzABIOSZ")), 1, 20, -1),
		// Two letters and a capital: runs of three fall anywhere, also
		// across the eight-byte chunks.
		rapid.StringOfN(rapid.SampledFrom([]rune("aAb")), 1, 26, -1),
	)
	runWord := rapid.Custom(func(t *rapid.T) string {
		l := rapid.SampledFrom([]string{"a", "b", "o", "A", "ب", "ا", "і", "ｊ"}).Draw(t, "l")
		return rapid.StringOfN(rapid.SampledFrom([]rune("abo")), 0, 12, -1).Draw(t, "pre") +
			strings.Repeat(l, rapid.IntRange(1, 5).Draw(t, "n")) +
			rapid.StringOfN(rapid.SampledFrom([]rune("abo")), 0, 12, -1).Draw(t, "post")
	})
	arabic := rapid.StringOfN(rapid.SampledFrom([]rune("ابتجدةىيأإآٱـَُِّْ")), 1, 8, -1)
	piece := rapid.OneOf(
		asciiWord, asciiWord, asciiWord, runWord, arabic,
		rapid.SampledFrom([]string{
			" ", " ", " ", "  ", ".", ", ", "-", "_", "\n", "\t", "!", "?", "#", "'", "`", "@", "$",
			"0", "1", "4", "3", "7", "2024", "d4ul4h", "j1h4d", "b o m b", "b.o.m.b", "a b", "x y z w",
			"\u200B", "\u200D", "\u00AD", "\u0301", "\uFEFF", "\x00", "\x7f", "\xff", "\xc3", "\xd8",
			"é", "É", "ß", "İ", "ı", "ﬁ", "ｊｉｈａｄ", "ј𝗂һаd", "ⓑⓞⓜ", "🅰", "💣", "“", "”", "…", "٠١٢", "۱۲",
			"ﺍﻟﺪﻭﻟﺔ", "مُجَاهِد", "\uFFFD", "𝐚", "ᴀ", "ʙ",
		}),
	)
	return rapid.OneOf(
		rapid.String(),
		rapid.StringOf(rapid.SampledFrom(interesting)),
		rapid.Map(rapid.SliceOf(piece), func(ps []string) string { return strings.Join(ps, "") }),
	)
}

// TestAgreesWithReference checks the optimised normaliser against the first
// implementation, byte for byte, with and without a prefix in dst.
func TestAgreesWithReference(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		s := genMixed().Draw(t, "s")
		want := string(refAppendString(nil, s))
		if got := Normalize(s); got != want {
			t.Fatalf("Normalize(%q) = %q, reference %q", s, got, want)
		}
		prefix := rapid.SampledFrom([]string{"", "x", "ab "}).Draw(t, "prefix")
		want = string(refAppendString([]byte(prefix), s))
		if got := string(AppendString([]byte(prefix), s)); got != want {
			t.Fatalf("AppendString(%q, %q) = %q, reference %q", prefix, s, got, want)
		}
	})
}

// TestCorpusAgreesWithReference does the same on the benchmark posts.
func TestCorpusAgreesWithReference(t *testing.T) {
	t.Parallel()
	var got, want []byte
	for _, p := range testcorpus.New(1).Posts(500) {
		got = AppendString(got[:0], p)
		want = refAppendString(want[:0], p)
		if string(got) != string(want) {
			t.Fatalf("post %q:\n got %q\nwant %q", p, got, want)
		}
	}
}

// TestRunsAtEveryOffset puts a run of one letter (in spellings that fold
// to it) at every offset of words around the eight-byte chunk, in every
// context, because a random generator rarely places a run of three across
// a chunk boundary. Scripts: ASCII, Arabic (with tashkeel inside the run),
// Cyrillic confusables, Latin with diacritics, fullwidth.
func TestRunsAtEveryOffset(t *testing.T) {
	t.Parallel()
	scripts := []struct{ other, run []string }{
		{[]string{"a", "b"}, []string{"c", "C"}},
		{[]string{"ب", "ت"}, []string{"ا", "أ", "اَ"}},
		{[]string{"б", "г"}, []string{"а", "a", "А"}},
		{[]string{"é", "b"}, []string{"ü", "u", "Ü"}},
		{[]string{"ｂ", "ｃ"}, []string{"ａ", "a"}},
	}
	befores := []string{"", "x ", "1", "ab'", "، "}
	afters := []string{"", " ", ".", " y", "1", "'", "é", "\u200B", "@", "،", "ﻻ", "💣", "\xff"}
	var got []byte
	for _, sc := range scripts {
		seq := func(parts []string, n, from int) string {
			var b strings.Builder
			for k := range n {
				b.WriteString(parts[(k+from)%len(parts)])
			}
			return b.String()
		}
		for p := range 19 {
			for r := 1; r <= 5; r++ {
				for q := range 11 {
					word := seq(sc.other, p, 0) + seq(sc.run, r, 0) + seq(sc.other, q, 1)
					for _, b := range befores {
						for _, a := range afters {
							s := b + word + a
							got = AppendString(got[:0], s)
							if want := refAppendString(nil, s); string(got) != string(want) {
								t.Fatalf("AppendString(%q) = %q, reference %q", s, got, want)
							}
						}
					}
				}
			}
		}
	}
}

// TestASCIIFastPathEnabled fails if a table change ever makes an ASCII letter
// fold to anything but its lower case: the word-at-a-time path would then be
// switched off silently, and the benchmarks would drop.
func TestASCIIFastPathEnabled(t *testing.T) {
	t.Parallel()
	if !loadTables().swarLetters {
		t.Fatal("the ASCII letters no longer fold to a-z: the fast path is off")
	}
}
