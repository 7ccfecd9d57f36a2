package textnorm

import (
	"encoding/binary"
	"math/bits"
	"sync"
	"unicode/utf8"
	"unsafe"
)

// Version identifies the normalisation rules. It is stored with every
// compiled rule; any change to the tables or to the token rules must
// increment it so that stored rules are normalised again.
const Version = 1

// minJoin is the number of consecutive single-letter tokens that are joined
// into one word ("b o m b" → "bomb"). Two are left alone so that ordinary
// text with one-letter words ("a", "I", "و") is not glued together.
const minJoin = 3

// Normalize returns the normalised form of s: folded words separated by single
// spaces. It never fails; invalid UTF-8 bytes are treated as separators.
func Normalize(s string) string {
	if s == "" {
		return ""
	}
	return string(AppendString(make([]byte, 0, len(s)), s))
}

// Append appends the normalised form of src to dst and returns the extended
// buffer. Reusing dst across calls avoids all allocation on the hot path.
func Append(dst, src []byte) []byte {
	return AppendString(dst, unsafe.String(unsafe.SliceData(src), len(src)))
}

// AppendString is Append for a string input.
func AppendString(dst []byte, src string) []byte {
	return appendString(dst, src, true)
}

// appendString normalises src onto dst. Without wordPaths it is the general
// path alone, the normaliser as first written (v1): the tests compare the two,
// because the word paths must not change a single output byte.
func appendString(dst []byte, src string, wordPaths bool) []byte {
	tb := loadTables()
	n := normalizer{dst: dst, base: len(dst), tokStart: -1}
	t := tb.t
	for i := 0; i < len(src); {
		c := src[i]
		var e entry
		if wordPaths && n.tokStart < 0 {
			// Between tokens: whole words go through the word paths, which
			// fall back to the general path below when a context rule may
			// apply; a separator does nothing.
			switch {
			case c >= utf8.RuneSelf:
				if j := n.runeWords(src, i, tb); j > i {
					i = j
					continue
				}
			case tb.asciiLetter[c] != 0:
				if tb.swarLetters {
					if j := n.asciiWords(src, i, tb); j > i {
						i = j
						continue
					}
				}
				if j := n.runeWords(src, i, tb); j > i {
					i = j
					continue
				}
			case tb.asciiSep[c]:
				i++
				continue
			}
		}
		if c < utf8.RuneSelf {
			e = t[c]
			i++
			// ASCII letters dominate Indonesian and English posts: handle them
			// without the general switch.
			if e.kind() == kLetter {
				// Tight loop over a run of ASCII letters with the token state
				// in registers.
				if n.tokStart < 0 {
					n.start()
				}
				prev, runLen, slow, dst := n.prev, n.runLen, n.slow, n.dst
				count := 0
				for {
					r := e.val()
					if r == prev {
						runLen++
						slow = slow || runLen == 3
					} else {
						prev, runLen = r, 1
					}
					dst = append(dst, byte(r))
					count++
					if i >= len(src) || src[i] >= utf8.RuneSelf {
						break
					}
					e = t[src[i]]
					if e.kind() != kLetter {
						break
					}
					i++
				}
				n.prev, n.runLen, n.slow, n.dst = prev, runLen, slow, dst
				n.nRunes += count
				n.letter = true
				continue
			}
		} else {
			r, size := utf8.DecodeRuneInString(src[i:])
			i += size
			switch {
			case r == utf8.RuneError && size == 1:
				e = mk(kSep, 0)
			case r < tableSize:
				e = t[r]
			default:
				e = runtimeClass(r)
			}
		}
		if e.kind() == kMulti {
			for _, u := range tb.multi[e.val()] {
				n.unit(u)
			}
			continue
		}
		n.unit(e)
	}
	n.end()
	if n.grpCount > 0 {
		n.flushGroup(len(n.dst))
	}
	if n.pooled != nil {
		n.pooled.scratch, n.pooled.sub, n.pooled.join = n.scratch[:0], n.sub[:0], n.join[:0]
		bufferPool.Put(n.pooled)
	}
	return n.dst
}

// SWAR constants for eight ASCII bytes in a uint64.
const (
	bytes7F = 0x7f7f7f7f7f7f7f7f
	bytes80 = 0x8080808080808080
	bytes20 = 0x2020202020202020
	bytes1F = 0x1f1f1f1f1f1f1f1f // 0x80 - 'a'
	bytes05 = 0x0505050505050505 // 0x80 - ('z' + 1)
)

// asciiWords emits at once the words of ASCII letters that start at src[i],
// one after the other, as long as each is a whole token: it ends at an ASCII
// separator or at the end of src, and it has no run of three equal letters,
// so that no context rule applies to it. It returns the index after the
// last word and the separators after it (a separator between tokens does
// nothing else), or the start of the first word that the general path must
// handle, with everything before it emitted.
//
// It reads eight bytes at a time: which are letters, their lower case, and
// whether two neighbours are equal are a few word-wide operations, so a word
// costs no branch per byte. The tables guarantee (see swarLetters) that the
// ASCII letters are exactly A-Z and a-z and fold to lower case.
func (n *normalizer) asciiWords(src string, i int, tb *tables) int {
	for {
		// The word starting at src[i], an ASCII letter.
		sepPos := len(n.dst)
		dst := n.dst
		if sepPos > n.base {
			dst = append(dst, ' ')
		}
		j := i
		var p1, p2 byte // the last two letters of the previous chunk (0: none)
		var x uint64
		for {
			if len(src)-j >= 8 {
				x = binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(src[j:]), 8))
			} else {
				x = 0
				for k := len(src) - 1; k >= j; k-- {
					x = x<<8 | uint64(src[k])
				}
			}
			v := (x | bytes20) & bytes7F // lower case of the letters
			letters := (v + bytes1F) &^ (v + bytes05) &^ x & bytes80
			k := bits.TrailingZeros64(^letters&bytes80) >> 3 // leading letters, 0-8
			// Equal neighbours: byte p of eq has its high bit set when v[p] == v[p+1].
			d := v ^ v>>8
			eq := ^((d&bytes7F + bytes7F) | d | bytes7F)
			if k >= 3 && eq&(eq>>8)&(1<<(8*(k-2))-1) != 0 {
				return i // a run of three: the general path collapses it
			}
			if k >= 1 && p1 != 0 && byte(v) == p1 && (p2 == p1 || k >= 2 && byte(v>>8) == p1) {
				return i // a run of three across chunks
			}
			dst = binary.LittleEndian.AppendUint64(dst, v)
			dst = dst[:len(dst)-8+k]
			j += k
			if k < 8 {
				x >>= 8 * k // the byte after the word, if any, is now the lowest
				break
			}
			p1, p2 = byte(v>>56), byte(v>>48)
		}
		if j < len(src) && !tb.asciiSep[byte(x)] {
			return i // glued to a digit, '@', '$', an apostrophe, a control or non-ASCII character
		}
		n.dst = dst
		if j-i == 1 || n.grpCount > 0 {
			n.emitted(sepPos, j-i == 1, true)
		}
		// Separators, then the next word if it is ASCII too.
		for j < len(src) && tb.asciiSep[src[j]] {
			j++
		}
		if j >= len(src) || tb.asciiLetter[src[j]] == 0 {
			return j
		}
		i = j
	}
}

// runeWords is asciiWords for words in any script: it emits at once the
// tokens that start at src[i] when each is made only of letters and
// ignorable characters, has no run of three equal letters, and ends at a
// separator (which it consumes) or at the end of src; it goes on to the next
// word while the text stays outside ASCII. Two-byte UTF-8 sequences (Arabic,
// Cyrillic, Greek, Latin with diacritics) are decoded inline. At a digit,
// '@', '$', a rune with several output units or a run of three it returns
// the start of that word, for the general path, with everything before it
// emitted. Separators and ignorable characters between tokens are consumed:
// with no token open, the general path does nothing with them either.
func (n *normalizer) runeWords(src string, i int, tb *tables) int {
	t := tb.t
	sepPos := len(n.dst)
	dst := n.dst
	prev, runLen, count := rune(-1), 0, 0
	j := i
	for j < len(src) {
		c := src[j]
		var e entry
		size := 1
		switch {
		case c < utf8.RuneSelf:
			e = t[c]
		case c >= 0xC2 && c < 0xE0 && j+1 < len(src) && src[j+1]&0xC0 == 0x80:
			e = t[rune(c&0x1F)<<6|rune(src[j+1]&0x3F)]
			size = 2
		default:
			var r rune
			r, size = utf8.DecodeRuneInString(src[j:])
			switch {
			case r == utf8.RuneError && size == 1:
				e = mk(kSep, 0)
			case r < tableSize:
				e = t[r]
			default:
				e = runtimeClass(r)
			}
		}
		switch e.kind() {
		case kLetter:
			r := e.val()
			if r == prev {
				runLen++
				if runLen == 3 {
					return i
				}
			} else {
				prev, runLen = r, 1
			}
			if count == 0 && sepPos > n.base {
				dst = append(dst, ' ')
			}
			if r < utf8.RuneSelf {
				dst = append(dst, byte(r))
			} else {
				dst = utf8.AppendRune(dst, r)
			}
			count++
		case kDrop:
		case kSep:
			j += size
			if count > 0 {
				n.dst = dst
				if count == 1 || n.grpCount > 0 {
					n.emitted(sepPos, count == 1, true)
					dst = n.dst
				}
			}
			if j < len(src) && src[j] < utf8.RuneSelf {
				return j // ASCII goes back to the main loop and its word path
			}
			// The next word.
			i, sepPos = j, len(dst)
			prev, runLen, count = -1, 0, 0
			continue
		default:
			return i
		}
		j += size
	}
	if count > 0 {
		n.dst = dst
		if count == 1 || n.grpCount > 0 {
			n.emitted(sepPos, count == 1, true)
		}
	}
	return j
}

// buffers are the scratch space of the context rules, pooled so that a
// normalisation allocates nothing once warm.
type buffers struct{ scratch, sub, join []byte }

var bufferPool = sync.Pool{New: func() any { return new(buffers) }}

func (n *normalizer) buffers() {
	if n.pooled == nil {
		n.pooled = bufferPool.Get().(*buffers)
		n.scratch, n.sub, n.join = n.pooled.scratch, n.pooled.sub, n.pooled.join
	}
}

type normalizer struct {
	dst  []byte
	base int // len(dst) on entry: output before it is the caller's

	// Current raw token: dst[tokStart:], preceded by a space at sepPos
	// (sepPos == tokStart when the token is the first output).
	tokStart, sepPos int
	nRunes           int
	letter           bool // token has a letter
	other            bool // token has a digit, '@' or '$'
	slow             bool // token has a letter run of 3+
	prev             rune
	runLen           int

	// Current group of single-rune tokens, starting at grpStart (the
	// position of the space before its first token).
	grpStart, grpCount int
	grpLetter          bool

	// Reusable buffers: scratch holds a raw token being split, sub the
	// sub-token being built, join a group being joined (split may flush a
	// group while it still reads scratch).
	scratch, sub, join []byte
	pooled             *buffers
}

func (n *normalizer) start() {
	if len(n.dst) > n.base {
		n.sepPos = len(n.dst)
		n.dst = append(n.dst, ' ')
	} else {
		n.sepPos = len(n.dst)
	}
	n.tokStart = len(n.dst)
	n.nRunes, n.letter, n.other, n.slow, n.prev, n.runLen = 0, false, false, false, -1, 0
}

func (n *normalizer) unit(e entry) {
	switch e.kind() {
	case kLetter:
		r := e.val()
		if n.tokStart < 0 {
			n.start()
		}
		if r == n.prev {
			n.runLen++
			if n.runLen == 3 {
				n.slow = true
			}
		} else {
			n.prev, n.runLen = r, 1
		}
		n.dst = utf8.AppendRune(n.dst, r)
		n.nRunes++
		n.letter = true
	case kDigit, kDollar:
		if n.tokStart < 0 {
			n.start()
		}
		n.dst = append(n.dst, byte(e.val()))
		n.nRunes++
		n.other = true
		n.prev, n.runLen = -1, 0
	case kAt:
		if n.tokStart < 0 {
			return // a leading '@' is a mention sign, not a letter
		}
		n.dst = append(n.dst, '@')
		n.nRunes++
		n.other = true
		n.prev, n.runLen = -1, 0
	case kSep:
		n.end()
	}
}

// end finishes the current raw token.
func (n *normalizer) end() {
	if n.tokStart < 0 {
		return
	}
	tokStart, sepPos := n.tokStart, n.sepPos
	n.tokStart = -1
	if !n.other && !n.slow {
		// Letters only, no long runs: already final.
		n.emitted(sepPos, n.nRunes == 1, true)
		return
	}
	tok := n.dst[tokStart:]
	if !n.letter && allDigits(tok) {
		n.emitted(sepPos, len(tok) == 1 && leet(tok[0]) != 0, false)
		return
	}
	n.buffers()
	n.scratch = append(n.scratch[:0], tok...)
	n.dst = n.dst[:sepPos]
	n.split(n.scratch, n.letter)
}

// split applies the context rules to a raw token and emits its sub-tokens:
// without letters only its digits remain; with letters every run of
// non-letters made only of leet characters becomes letters, and any other
// digit run becomes a word of its own ("jihad2024" → "jihad 2024").
func (n *normalizer) split(tok []byte, hasLetter bool) {
	if !hasLetter {
		d := n.sub[:0]
		for _, c := range tok {
			if c >= '0' && c <= '9' {
				d = append(d, c)
			}
		}
		n.sub = d
		if len(d) > 0 {
			n.emit(d, len(d) == 1 && leet(d[0]) != 0, false)
		}
		return
	}
	cur := n.sub[:0]
	for i := 0; i < len(tok); {
		c := tok[i]
		if !isOther(c) {
			_, size := utf8.DecodeRune(tok[i:])
			cur = append(cur, tok[i:i+size]...)
			i += size
			continue
		}
		j := i
		convertible := true
		for j < len(tok) && isOther(tok[j]) {
			if leet(tok[j]) == 0 {
				convertible = false
			}
			j++
		}
		if convertible {
			for _, c := range tok[i:j] {
				cur = append(cur, leet(c))
			}
		} else {
			if len(cur) > 0 {
				cur = collapse(cur)
				n.emit(cur, utf8.RuneCount(cur) == 1, true)
				cur = cur[:0]
			}
			var digits [32]byte
			d := digits[:0]
			for _, c := range tok[i:j] {
				if c >= '0' && c <= '9' {
					d = append(d, c)
				}
			}
			if len(d) > 0 {
				n.emit(d, len(d) == 1 && leet(d[0]) != 0, false)
			}
		}
		i = j
	}
	if len(cur) > 0 {
		cur = collapse(cur)
		n.emit(cur, utf8.RuneCount(cur) == 1, true)
	}
	n.sub = cur
}

// emit appends a finished sub-token and records it.
func (n *normalizer) emit(tok []byte, candidate, letter bool) {
	sepPos := len(n.dst)
	if len(n.dst) > n.base {
		n.dst = append(n.dst, ' ')
	}
	n.dst = append(n.dst, tok...)
	n.emitted(sepPos, candidate, letter)
}

// emitted records a token already in dst at sepPos: single-rune tokens extend
// the current group, any other token closes it.
func (n *normalizer) emitted(sepPos int, candidate, letter bool) {
	if candidate {
		if n.grpCount == 0 {
			n.grpStart = sepPos
		}
		n.grpCount++
		n.grpLetter = n.grpLetter || letter
		return
	}
	if n.grpCount > 0 {
		n.flushGroup(sepPos)
	}
}

// flushGroup joins the group in dst[grpStart:end] into one word when it is
// long enough and has a letter, moving whatever follows it.
func (n *normalizer) flushGroup(end int) {
	count, hasLetter := n.grpCount, n.grpLetter
	n.grpCount, n.grpLetter = 0, false
	if count < minJoin || !hasLetter {
		return
	}
	n.buffers()
	j := n.join[:0]
	for _, c := range n.dst[n.grpStart:end] {
		if c == ' ' {
			continue
		}
		if l := leet(c); l != 0 {
			c = l
		}
		j = append(j, c)
	}
	j = collapse(j)
	n.join = j
	w := n.grpStart
	if w > n.base {
		w++ // keep the space before the group
	}
	w += copy(n.dst[w:], j)
	w += copy(n.dst[w:], n.dst[end:])
	n.dst = n.dst[:w]
}

func isOther(c byte) bool { return c >= '0' && c <= '9' || c == '@' || c == '$' }

func allDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// leet returns the letter a leet character stands for, or 0.
func leet(c byte) byte {
	switch c {
	case '4', '@':
		return 'a'
	case '3':
		return 'e'
	case '1':
		return 'i'
	case '0':
		return 'o'
	case '5', '$':
		return 's'
	case '7':
		return 't'
	}
	return 0
}

// collapse rewrites, in place, every run of three or more identical runes to
// one rune. Doubles stay: they are ordinary spelling ("allah", "saat").
func collapse(b []byte) []byte {
	w := 0
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		j := i + size
		count := 1
		for j+size <= len(b) && string(b[j:j+size]) == string(b[i:i+size]) {
			j += size
			count++
		}
		if count >= 3 {
			w += utf8.EncodeRune(b[w:], r)
		} else {
			w += copy(b[w:], b[i:j])
		}
		i = j
	}
	return b[:w]
}
