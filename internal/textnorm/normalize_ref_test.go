package textnorm

import (
	"sync"
	"unicode/utf8"
)

// This file keeps the first (v1) implementation of the normaliser, unchanged
// but for its names, as the reference the tests compare the optimised one
// against: the optimisations must not change a single output byte.

const refMinJoin = 3

// refAppendString is AppendString as first written.
func refAppendString(dst []byte, src string) []byte {
	tb := loadTables()
	n := refNormalizer{dst: dst, base: len(dst), tokStart: -1}
	t := tb.t
	for i := 0; i < len(src); {
		c := src[i]
		var e entry
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
		refBufferPool.Put(n.pooled)
	}
	return n.dst
}

// refBuffers are the scratch space of the context rules, pooled so that a
// normalisation allocates nothing once warm.
type refBuffers struct{ scratch, sub, join []byte }

var refBufferPool = sync.Pool{New: func() any { return new(refBuffers) }}

func (n *refNormalizer) refBuffers() {
	if n.pooled == nil {
		n.pooled = refBufferPool.Get().(*refBuffers)
		n.scratch, n.sub, n.join = n.pooled.scratch, n.pooled.sub, n.pooled.join
	}
}

type refNormalizer struct {
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

	// Reusable refBuffers: scratch holds a raw token being split, sub the
	// sub-token being built, join a group being joined (split may flush a
	// group while it still reads scratch).
	scratch, sub, join []byte
	pooled             *refBuffers
}

func (n *refNormalizer) start() {
	if len(n.dst) > n.base {
		n.sepPos = len(n.dst)
		n.dst = append(n.dst, ' ')
	} else {
		n.sepPos = len(n.dst)
	}
	n.tokStart = len(n.dst)
	n.nRunes, n.letter, n.other, n.slow, n.prev, n.runLen = 0, false, false, false, -1, 0
}

func (n *refNormalizer) unit(e entry) {
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
func (n *refNormalizer) end() {
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
	if !n.letter && refAllDigits(tok) {
		n.emitted(sepPos, len(tok) == 1 && refLeet(tok[0]) != 0, false)
		return
	}
	n.refBuffers()
	n.scratch = append(n.scratch[:0], tok...)
	n.dst = n.dst[:sepPos]
	n.split(n.scratch, n.letter)
}

// split applies the context rules to a raw token and emits its sub-tokens:
// without letters only its digits remain; with letters every run of
// non-letters made only of refLeet characters becomes letters, and any other
// digit run becomes a word of its own ("jihad2024" → "jihad 2024").
func (n *refNormalizer) split(tok []byte, hasLetter bool) {
	if !hasLetter {
		d := n.sub[:0]
		for _, c := range tok {
			if c >= '0' && c <= '9' {
				d = append(d, c)
			}
		}
		n.sub = d
		if len(d) > 0 {
			n.emit(d, len(d) == 1 && refLeet(d[0]) != 0, false)
		}
		return
	}
	cur := n.sub[:0]
	for i := 0; i < len(tok); {
		c := tok[i]
		if !refIsOther(c) {
			_, size := utf8.DecodeRune(tok[i:])
			cur = append(cur, tok[i:i+size]...)
			i += size
			continue
		}
		j := i
		convertible := true
		for j < len(tok) && refIsOther(tok[j]) {
			if refLeet(tok[j]) == 0 {
				convertible = false
			}
			j++
		}
		if convertible {
			for _, c := range tok[i:j] {
				cur = append(cur, refLeet(c))
			}
		} else {
			if len(cur) > 0 {
				cur = refCollapse(cur)
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
				n.emit(d, len(d) == 1 && refLeet(d[0]) != 0, false)
			}
		}
		i = j
	}
	if len(cur) > 0 {
		cur = refCollapse(cur)
		n.emit(cur, utf8.RuneCount(cur) == 1, true)
	}
	n.sub = cur
}

// emit appends a finished sub-token and records it.
func (n *refNormalizer) emit(tok []byte, candidate, letter bool) {
	sepPos := len(n.dst)
	if len(n.dst) > n.base {
		n.dst = append(n.dst, ' ')
	}
	n.dst = append(n.dst, tok...)
	n.emitted(sepPos, candidate, letter)
}

// emitted records a token already in dst at sepPos: single-rune tokens extend
// the current group, any other token closes it.
func (n *refNormalizer) emitted(sepPos int, candidate, letter bool) {
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
func (n *refNormalizer) flushGroup(end int) {
	count, hasLetter := n.grpCount, n.grpLetter
	n.grpCount, n.grpLetter = 0, false
	if count < refMinJoin || !hasLetter {
		return
	}
	n.refBuffers()
	j := n.join[:0]
	for _, c := range n.dst[n.grpStart:end] {
		if c == ' ' {
			continue
		}
		if l := refLeet(c); l != 0 {
			c = l
		}
		j = append(j, c)
	}
	j = refCollapse(j)
	n.join = j
	w := n.grpStart
	if w > n.base {
		w++ // keep the space before the group
	}
	w += copy(n.dst[w:], j)
	w += copy(n.dst[w:], n.dst[end:])
	n.dst = n.dst[:w]
}

func refIsOther(c byte) bool { return c >= '0' && c <= '9' || c == '@' || c == '$' }

func refAllDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// refLeet returns the letter a refLeet character stands for, or 0.
func refLeet(c byte) byte {
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

// refCollapse rewrites, in place, every run of three or more identical runes to
// one rune. Doubles stay: they are ordinary spelling ("allah", "saat").
func refCollapse(b []byte) []byte {
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
