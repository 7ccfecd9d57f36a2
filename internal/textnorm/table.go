package textnorm

import (
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// tableSize covers the BMP and the SMP, where mathematical alphanumerics,
// enclosed letters and emoji live; runes above it are classified at run time.
const tableSize = 0x20000

type kind uint8

const (
	kSep    kind = iota // ends a word
	kDrop               // removed without ending a word
	kLetter             // one word rune (already folded)
	kDigit              // ASCII digit, value in the low bits
	kAt                 // '@': leet 'a' inside a word, separator at its start
	kDollar             // '$': leet 's' inside a word
	kMulti              // several units, index into tables.multi
)

// entry packs a kind (top 8 bits) and a rune or multi index (low 24 bits), so
// one 4-byte load classifies and folds a rune.
type entry uint32

func mk(k kind, v rune) entry { return entry(uint32(k)<<24 | uint32(v)&0xFFFFFF) }
func (e entry) kind() kind    { return kind(e >> 24) }
func (e entry) val() rune     { return rune(e & 0xFFFFFF) }

type tables struct {
	t     []entry   // tableSize entries
	multi [][]entry // outputs of more than one unit; never contain kMulti

	// The ASCII fast path's view of t: asciiLetter[c] is the folded letter
	// of ASCII byte c when t[c] is an ASCII letter, else 0; asciiSep[c] is
	// true when t[c] is a separator. Bytes from 0x80 are neither.
	asciiLetter [256]byte
	asciiSep    [256]bool
	// swarLetters records that the ASCII letters are exactly A-Z and a-z,
	// folded to lower case, as the word-at-a-time path assumes.
	swarLetters bool
}

var loadTables = sync.OnceValue(buildTables)

// buildTables computes the fold of every rune below tableSize. It runs once,
// at first use, in about a tenth of a second.
func buildTables() *tables {
	b := &builder{
		tb:    &tables{t: make([]entry, tableSize)},
		memo:  make(map[rune][]entry),
		fold:  cases.Fold(),
		multi: make(map[string]int),
	}
	for r := rune(0); r < tableSize; r++ {
		units := b.units(r, 0)
		b.tb.t[r] = b.pack(units)
	}
	for c := range utf8.RuneSelf {
		switch e := b.tb.t[c]; {
		case e.kind() == kLetter && e.val() < utf8.RuneSelf:
			b.tb.asciiLetter[c] = byte(e.val())
		case e.kind() == kSep:
			b.tb.asciiSep[c] = true
		}
	}
	b.tb.swarLetters = true
	for c := range utf8.RuneSelf {
		isLetter := c|0x20 >= 'a' && c|0x20 <= 'z'
		if isLetter && b.tb.asciiLetter[c] != byte(c|0x20) || !isLetter && b.tb.asciiLetter[c] != 0 {
			b.tb.swarLetters = false
		}
	}
	return b.tb
}

type builder struct {
	tb    *tables
	memo  map[rune][]entry
	fold  cases.Caser
	multi map[string]int
}

func (b *builder) pack(units []entry) entry {
	switch len(units) {
	case 0:
		return mk(kDrop, 0)
	case 1:
		return units[0]
	}
	key := string(entriesKey(units))
	if i, ok := b.multi[key]; ok {
		return mk(kMulti, rune(i))
	}
	i := len(b.tb.multi)
	b.tb.multi = append(b.tb.multi, append([]entry(nil), units...))
	b.multi[key] = i
	return mk(kMulti, rune(i))
}

func entriesKey(units []entry) []byte {
	k := make([]byte, 0, 4*len(units))
	for _, u := range units {
		k = append(k, byte(u>>24), byte(u>>16), byte(u>>8), byte(u))
	}
	return k
}

// units returns the folded output of r as a list of single units (no kMulti,
// no kDrop). Separators are kept so that a rune such as "⑴" still splits words.
func (b *builder) units(r rune, depth int) []entry {
	if u, ok := b.memo[r]; ok {
		return u
	}
	u := b.compute(r, depth)
	b.memo[r] = u
	return u
}

func (b *builder) compute(r rune, depth int) []entry {
	if e, ok := special(r); ok {
		if e.kind() == kDrop {
			return nil
		}
		return []entry{e}
	}
	if c, ok := confusables[r]; ok {
		return []entry{mk(kLetter, c)}
	}
	if s, ok := multiConfusables[r]; ok {
		var out []entry
		for _, c := range s {
			out = append(out, mk(kLetter, c))
		}
		return out
	}
	if ignorable(r) {
		return nil
	}
	folded := b.foldString(string(r))
	if folded == string(r) || depth > 4 {
		if e, ok := base(r); ok {
			return []entry{e}
		}
		return nil
	}
	var out []entry
	for _, c := range folded {
		if c == r {
			if e, ok := base(r); ok {
				out = append(out, e)
			}
			continue
		}
		out = append(out, b.units(c, depth+1)...)
	}
	return out
}

// foldString applies NFKC, removes nonspacing marks after canonical
// decomposition, case-folds and recomposes.
func (b *builder) foldString(s string) string {
	s = norm.NFKC.String(s)
	d := norm.NFD.String(s)
	kept := make([]rune, 0, len(d))
	for _, c := range d {
		if unicode.Is(unicode.Mn, c) || unicode.Is(unicode.Me, c) {
			continue
		}
		kept = append(kept, c)
	}
	s = b.fold.String(string(kept))
	return norm.NFC.String(s)
}

// special holds the rules that are decided on the original rune, before any
// Unicode folding.
func special(r rune) (entry, bool) {
	switch {
	case r == '@':
		return mk(kAt, '@'), true
	case r == '$':
		return mk(kDollar, '$'), true
	case r >= '0' && r <= '9':
		return mk(kDigit, r), true
	case r == '\'' || r == '`' || r == 0x2018 || r == 0x2019 || r == 0x02BC || r == 0x00B4 || r == 0x02B9:
		// Apostrophes join: "qur'an" and "quran" are the same word.
		return mk(kDrop, 0), true
	case r == 0x0640 || (r >= 0x06D6 && r <= 0x06ED):
		// Tatweel and Quranic annotation signs (some are Lm, not Mn).
		return mk(kDrop, 0), true
	case r == 0x0671 || r == 0x0672 || r == 0x0673 || r == 0x0675:
		return mk(kLetter, 0x0627), true // alef variants without decomposition → ا
	case r == 0x0649 || r == 0x06CC || r == 0x06D0 || r == 0x0678:
		return mk(kLetter, 0x064A), true // alef maksura, Persian/Urdu yeh → ي
	case r == 0x0629 || r == 0x06C0 || r == 0x06C1 || r == 0x06C2 || r == 0x06C3 || r == 0x06D5:
		return mk(kLetter, 0x0647), true // ta marbuta and heh variants → ه
	case r == 0x06A9 || r == 0x06AA:
		return mk(kLetter, 0x0643), true // keheh → ك
	case r == 0x0676 || r == 0x0677:
		return mk(kLetter, 0x0648), true // waw with high hamza → و
	case r >= 0x1F130 && r <= 0x1F149:
		return mk(kLetter, 'a'+r-0x1F130), true // squared Latin capitals
	case r >= 0x1F150 && r <= 0x1F169:
		return mk(kLetter, 'a'+r-0x1F150), true // negative circled capitals
	case r >= 0x1F170 && r <= 0x1F189:
		return mk(kLetter, 'a'+r-0x1F170), true // negative squared capitals
	case r >= 0x1F1E6 && r <= 0x1F1FF:
		return mk(kLetter, 'a'+r-0x1F1E6), true // regional indicators
	}
	return 0, false
}

// ignorable reports Default_Ignorable and format characters: invisible, so
// they must not split a word ("j\u200Bihad" is "jihad").
func ignorable(r rune) bool {
	switch {
	case r == 0x034F || r == 0x180E || r == 0x115F || r == 0x1160 || r == 0x3164 || r == 0xFFA0:
		return true
	case r >= 0xE0000 && r <= 0xE0FFF:
		return true
	}
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) ||
		unicode.Is(unicode.Variation_Selector, r)
}

// base classifies a rune that folding leaves unchanged.
func base(r rune) (entry, bool) {
	if e, ok := special(r); ok {
		return e, e.kind() != kDrop
	}
	if c, ok := confusables[r]; ok {
		return mk(kLetter, c), true
	}
	switch {
	case ignorable(r):
		return 0, false
	case unicode.Is(unicode.Cc, r):
		if unicode.IsSpace(r) {
			return mk(kSep, 0), true
		}
		return 0, false
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r):
		return 0, false
	case unicode.Is(unicode.Nd, r):
		return mk(kDigit, '0'+digitValue(r)), true
	case unicode.IsLetter(r) || unicode.Is(unicode.Mc, r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.No, r):
		return mk(kLetter, r), true
	}
	return mk(kSep, 0), true
}

// digitValue relies on Nd digits coming in aligned runs of ten.
func digitValue(r rune) rune {
	k := rune(0)
	for unicode.Is(unicode.Nd, r-1-k) {
		k++
	}
	return k % 10
}

// runtimeClass classifies runes above the table. They are rare: supplementary
// ideographs are kept as letters, tag characters dropped, the rest split.
func runtimeClass(r rune) entry {
	switch {
	case r >= 0xE0000 && r <= 0xE0FFF:
		return mk(kDrop, 0)
	case unicode.IsLetter(r):
		return mk(kLetter, r)
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Cf, r):
		return mk(kDrop, 0)
	}
	return mk(kSep, 0)
}
