package textnorm

import (
	"strings"
	"testing"
	"unicode/utf8"

	"pgregory.net/rapid"
)

// interesting runes make the generator hit the context rules far more often
// than uniformly random text would.
var interesting = []rune("aAbBiIoOsStT bom jihad 0134579@$.-_'\u200B\u200D\u00AD\u0301" +
	"аоіѕ𝐚ａⓐ🅰ıØ ابيعةأإآىـَُِّ٠١٢ \t\n!#💣\uFFFD")

func genText() *rapid.Generator[string] {
	return rapid.OneOf(
		rapid.String(),
		rapid.StringOf(rapid.SampledFrom(interesting)),
	)
}

func TestIdempotent(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		s := genText().Draw(t, "s")
		once := Normalize(s)
		if !utf8.ValidString(once) {
			t.Fatalf("invalid UTF-8 output %q", once)
		}
		if twice := Normalize(once); twice != once {
			t.Fatalf("Normalize(%q) = %q, but Normalize of that = %q", s, once, twice)
		}
	})
}

var homoglyphs = map[rune][]rune{
	'a': []rune("аａ𝐚ⓐα🅰ᴀ"), 'b': []rune("Ｂ𝐛ⓑβʙ"), 'd': []rune("ԁｄ𝐝ⓓᴅ"),
	'e': []rune("еｅ𝐞ⓔε"), 'h': []rune("һｈ𝐡ⓗʜ"), 'i': []rune("іｉ𝐢ⓘιıɪ"),
	'j': []rune("јｊ𝐣ⓙϳ"), 'k': []rune("κｋ𝐤ⓚ"), 'l': []rune("ӏｌ𝐥ⓛ"),
	'm': []rune("ｍ𝐦ⓜᴍ"), 'n': []rune("ｎ𝐧ⓝɴ"), 'o': []rune("оｏ𝐨ⓞοσ"),
	'r': []rune("ｒ𝐫ⓡʀ"), 's': []rune("ѕｓ𝐬ⓢꜱ"), 't': []rune("ｔ𝐭ⓣτ"),
	'u': []rune("ｕ𝐮ⓤυ"), 'y': []rune("уｙ𝐲ⓨү"), 'f': []rune("ｆ𝐟ⓕ"),
	'g': []rune("ｇ𝐠ⓖɡ"), 'c': []rune("сｃ𝐜ⓒϲ"),
}

var leets = map[rune][]rune{'a': []rune("4@"), 'e': []rune("3"), 'i': []rune("1"), 'o': []rune("0"), 's': []rune("5$"), 't': []rune("7")}

var diacritics = []rune{0x0300, 0x0301, 0x0302, 0x0308, 0x0303, 0x030C}
var invisibles = []rune{0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD}
var tashkeel = []rune{0x064B, 0x064C, 0x064E, 0x064F, 0x0650, 0x0651, 0x0652, 0x0640}
var arabicVariants = map[rune][]rune{'ا': []rune("أإآٱ"), 'ي': []rune("ى"), 'ه': []rune("ة")}

// TestEvasionsNormaliseToTerm generates disguised spellings of known terms and
// checks that each normalises back to the term.
func TestEvasionsNormaliseToTerm(t *testing.T) {
	t.Parallel()
	latin := []string{"bom", "jihad", "isis", "daulah", "khilafah", "teror", "thaghut", "mujahidin", "bomb", "kafir"}
	arabic := []string{"بيعه", "جهاد", "الدوله", "مجاهد", "خلافه", "الاسلاميه"}
	rapid.Check(t, func(t *rapid.T) {
		isArabic := rapid.Bool().Draw(t, "arabic")
		var term string
		if isArabic {
			term = rapid.SampledFrom(arabic).Draw(t, "term")
		} else {
			term = rapid.SampledFrom(latin).Draw(t, "term")
		}
		letters := []rune(term)
		spaced := rapid.Bool().Draw(t, "spaced")
		sep := rapid.SampledFrom([]string{" ", ".", "-", "_", " . ", "*"}).Draw(t, "sep")
		// Keep one letter out of leet so the word still has a letter.
		keep := rapid.IntRange(0, len(letters)-1).Draw(t, "keep")
		var b strings.Builder
		for i, r := range letters {
			if i > 0 && spaced {
				b.WriteString(sep)
			}
			out := r
			if !isArabic {
				switch rapid.IntRange(0, 4).Draw(t, "how") {
				case 1:
					out = []rune(strings.ToUpper(string(r)))[0]
				case 2:
					if hs := homoglyphs[r]; len(hs) > 0 {
						out = rapid.SampledFrom(hs).Draw(t, "glyph")
					}
				case 3:
					// '@' at the start of a word is a mention sign, not an "a".
					if ls := leets[r]; len(ls) > 0 && i != keep && !(i == 0 || spaced) {
						out = rapid.SampledFrom(ls).Draw(t, "leet")
					} else if ls := leets[r]; len(ls) > 0 && i != keep && ls[0] != '@' {
						out = ls[0]
					}
				}
			} else if vs := arabicVariants[r]; len(vs) > 0 && rapid.Bool().Draw(t, "variant") {
				out = rapid.SampledFrom(vs).Draw(t, "v")
			}
			b.WriteRune(out)
			if !isArabic && rapid.IntRange(0, 5).Draw(t, "mark") == 0 && out == r {
				b.WriteRune(rapid.SampledFrom(diacritics).Draw(t, "diacritic"))
			}
			if isArabic && rapid.Bool().Draw(t, "harakah") {
				b.WriteRune(rapid.SampledFrom(tashkeel).Draw(t, "tashkeel"))
			}
			if rapid.IntRange(0, 4).Draw(t, "zw") == 0 {
				b.WriteRune(rapid.SampledFrom(invisibles).Draw(t, "invisible"))
			}
			// Stretch a letter that is not next to the same letter.
			alone := (i == 0 || letters[i-1] != r) && (i == len(letters)-1 || letters[i+1] != r)
			if alone && !spaced && rapid.IntRange(0, 5).Draw(t, "stretch") == 0 {
				n := rapid.IntRange(2, 5).Draw(t, "n")
				b.WriteString(strings.Repeat(string(r), n))
			}
		}
		disguised := b.String()
		if got := Normalize(disguised); got != term {
			t.Fatalf("Normalize(%q) = %q, want %q", disguised, got, term)
		}
		// In context, the term is still one word of the output.
		ctx := "ayo " + disguised + " sekarang"
		if got, want := Normalize(ctx), "ayo "+term+" sekarang"; got != want {
			t.Fatalf("Normalize(%q) = %q, want %q", ctx, got, want)
		}
	})
}
