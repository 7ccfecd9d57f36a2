// Package textnorm defines, once, when two texts are "the same" for the
// filtering engine: rules and posted content are both passed through
// Normalize, and matchers compare only normalised bytes.
//
// The normaliser is one pass over the input driven by a per-rune table that
// is computed once (at first use) from golang.org/x/text/unicode/norm plus the
// curated tables in this package. Each input rune maps, with one lookup, to
// its folded output (zero or more runes) and a class (letter, digit, leet
// character, separator, ignorable). A small token finaliser then applies the
// rules that need context: leetspeak only in tokens that contain letters,
// collapse of letter runs, and the joining of letter-spaced words. Most
// words need none of them: a word of letters ending at a separator is
// emitted by a word path (eight ASCII bytes at a time, or rune by rune with
// two-byte UTF-8 decoded inline), which hands the word to the general path
// as soon as it sees a digit, a leet character or a run of three. The tests
// keep the first implementation and check the output is byte for byte the
// same.
//
// The rules, in order (see DESIGN in normalize.go for the why):
//
//   - NFKC (fullwidth, mathematical alphanumerics, circled letters,
//     ligatures, Arabic presentation forms), then NFD with every nonspacing
//     mark (Mn) removed: Latin diacritics, Arabic tashkeel/harakat, the hamza
//     carried by أ إ آ ؤ ئ, variation selectors.
//   - Unicode full case folding.
//   - Confusables: Cyrillic, Greek, Armenian, Latin small-capital and
//     enclosed/regional-indicator look-alikes of Latin letters folded to the
//     Latin letter (curated from Unicode TR39 confusables.txt; see
//     confusables.go). TR39 mappings that rewrite ASCII (m→rn, l→I, 0→O) and
//     Arabic letters are deliberately not applied.
//   - Arabic: tatweel and Quranic annotation signs dropped, alef wasla ٱ → ا,
//     alef maksura ى → ي, ta marbuta ة → ه, Persian ک → ك and ی → ي,
//     every decimal digit (Arabic-Indic ٠-٩, Extended ۰-۹ and any other
//     script) → ASCII 0-9.
//   - Zero-width, format (Cf), default-ignorable and control characters are
//     dropped (they do not split words); apostrophes are dropped too
//     ("qur'an" → "quran").
//   - Everything that is not a letter or a digit is a separator; the output
//     is the words separated by single ASCII spaces, with no leading or
//     trailing space, so word-boundary matching is a byte comparison.
//   - Leetspeak 4→a 3→e 1→i 0→o 5→s 7→t @→a $→s, only inside tokens that
//     also contain letters, and only for digit runs made entirely of those
//     digits: "d4ul4h" → "daulah" but "2024" stays and "jihad2024" becomes
//     "jihad 2024". A leading "@" is a separator (mentions).
//   - A run of three or more of the same letter collapses to one
//     ("bommmb" → "bomb"); doubles are kept ("allah", "saat").
//   - Three or more single-letter tokens in a row are joined
//     ("b o m b", "b.o.m.b", "b-o-m-b" → "bomb").
//
// Version is stored with every compiled rule; a change of any table or rule
// above must increment it so that stored rules are normalised again.
package textnorm
