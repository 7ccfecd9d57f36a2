package textmatch

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"slices"
	"strings"
	"unsafe"
)

// acPattern is one normalised keyword; several rules may share a text.
type acPattern struct {
	rule int32
	text string
}

type output struct {
	rule   int32
	length int32 // of the keyword in bytes
}

// automaton is an Aho-Corasick automaton over words. A keyword is a sequence
// of words of the normalised text, and a hit is the same sequence of whole
// words in the content; so instead of walking a DFA byte by byte (one
// dependent table load per byte, the tables far larger than the L2 cache at
// 10,000 keywords) the scan reads each word eight bytes at a time, finding
// the space that ends it with a SWAR test, hashes it, and looks it up once in
// a small dictionary of the words that occur in keywords. Most words of a post
// are in no keyword and send the automaton back to the root; the few that are
// advance an Aho-Corasick automaton whose alphabet is the dictionary.
//
// Splitting on every single space byte (an empty word between two spaces, a
// leading or trailing one) and comparing words byte for byte makes this
// exactly the set of hits of the byte-level automaton over " "+keyword+" "
// on " "+text+" ", for any input bytes, and hits come in the same order: by
// their end, then longest first, then in rule order.
type automaton struct {
	// Word dictionary: open addressing, linear probing, indexed by the top
	// bits of the word's hash.
	slots   []wordSlot
	shift   uint8    // 64 - log2(len(slots))
	words   []string // by slot; a word's slot is its number in the automaton
	maxWord int      // longest keyword word in bytes: longer words cannot match

	// Word-level Aho-Corasick. State 0 is the root; states that report a
	// match are numbered last, from firstMatch on. The state after a word
	// read at the root is in the word's dictionary slot.
	state      []stateInfo
	edges      []edgeSlot
	edgeShift  uint8
	firstMatch uint32
	// outputs of match state s: outs[outStart[s-firstMatch]:outStart[s-firstMatch+1]]
	outStart []uint32
	outs     []output
}

// wordSlot is one dictionary entry. head holds the first eight bytes of the
// word (zero-padded), so that a word of up to eight bytes is verified by
// comparing one register with one field, with no second load.
type wordSlot struct {
	head   uint64
	length uint32 // emptyLength in an empty slot
	root   uint32 // state after this word read at the root
}

const emptyLength = ^uint32(0)

// stateInfo is what the scan needs of a state besides its edges. kids has
// bit w%64 set for every word w with an edge from the state: in a
// match-dense text most words are in the dictionary, but almost never the
// one continuing the phrase in progress, and the filter answers that without
// a probe of the edge table.
type stateInfo struct {
	kids uint64
	fail uint32
}

// edgeSlot is one goto edge from a non-root state: key = state<<32 | word.
type edgeSlot struct {
	key  uint64
	next uint32
}

// SWAR constants: a byte of x equal to ' ' is a zero byte of x^spaces.
const (
	spaces  = 0x2020202020202020
	lowBits = 0x0101010101010101
	highBit = 0x8080808080808080
)

// Hash constants (odd multipliers with well-mixed bits).
const (
	hashSeed = 0x243f6a8885a308d3
	hashMulA = 0x9e3779b97f4a7c15
	hashMulB = 0xbf58476d1ce4e5b9
)

// mixChunk folds eight bytes of a word into the hash.
func mixChunk(h, c uint64) uint64 {
	h = (h ^ c) * hashMulA
	return h ^ h>>29
}

// finish folds the word length in; the dictionary uses the top bits.
func finish(h uint64, length int) uint64 { return (h ^ uint64(length)) * hashMulB }

// hashWord is the hash the scan computes, for a word known to hold no space:
// eight-byte little-endian chunks, the last one (possibly empty) zero-padded.
func hashWord(w string) (head, h uint64) {
	h = hashSeed
	i := 0
	for ; len(w)-i >= 8; i += 8 {
		c := binary.LittleEndian.Uint64([]byte(w[i : i+8]))
		if i == 0 {
			head = c
		}
		h = mixChunk(h, c)
	}
	var c uint64
	for k := len(w) - 1; k >= i; k-- {
		c = c<<8 | uint64(w[k])
	}
	if i == 0 {
		head = c
	}
	return head, finish(mixChunk(h, c), len(w))
}

func buildAutomaton(patterns []acPattern) *automaton {
	a := &automaton{}

	// The dictionary, at most half full. A word's number is its slot.
	var words []string // distinct, in pattern order, so that builds are repeatable
	wordID := make(map[string]uint32)
	for _, p := range patterns {
		for w := range strings.SplitSeq(p.text, " ") {
			if _, ok := wordID[w]; !ok {
				wordID[w] = 0
				words = append(words, w)
				a.maxWord = max(a.maxWord, len(w))
			}
		}
	}
	a.shift = uint8(64 - tableBits(len(words)))
	a.slots = make([]wordSlot, 1<<(64-a.shift))
	a.words = make([]string, len(a.slots))
	for i := range a.slots {
		a.slots[i].length = emptyLength // no word matches an empty slot
	}
	mask := uint64(len(a.slots) - 1)
	for _, w := range words {
		head, h := hashWord(w)
		i := h >> a.shift
		for a.slots[i].length != emptyLength {
			i = (i + 1) & mask
		}
		a.slots[i] = wordSlot{head: head, length: uint32(len(w))}
		a.words[i] = w
		wordID[w] = uint32(i)
	}

	// The trie over word numbers.
	type edgeKey struct{ s, w uint32 }
	child := make(map[edgeKey]uint32)
	nStates := uint32(1)
	own := make(map[uint32][]output)
	kids := make(map[uint32][]uint32) // state -> words of its edges, in insertion order
	for _, p := range patterns {
		s := uint32(0)
		for w := range strings.SplitSeq(p.text, " ") {
			id := wordID[w]
			next, ok := child[edgeKey{s, id}]
			if !ok {
				next = nStates
				nStates++
				child[edgeKey{s, id}] = next
				kids[s] = append(kids[s], id)
			}
			s = next
		}
		own[s] = append(own[s], output{rule: p.rule, length: int32(len(p.text))})
	}

	// BFS: failure links and inherited outputs (own first, then the
	// failure state's: longest first, as the byte automaton reports them).
	fail := make([]uint32, nStates)
	outs := make([][]output, nStates)
	order := make([]uint32, 0, nStates)
	for _, w := range kids[0] {
		order = append(order, child[edgeKey{0, w}])
	}
	for q := 0; q < len(order); q++ {
		s := order[q]
		outs[s] = append(slices.Clip(own[s]), outs[fail[s]]...)
		for _, w := range kids[s] {
			t := child[edgeKey{s, w}]
			f := fail[s]
			for {
				if g, ok := child[edgeKey{f, w}]; ok {
					fail[t] = g
					break
				}
				if f == 0 {
					fail[t] = 0
					break
				}
				f = fail[f]
			}
			order = append(order, t)
		}
	}

	newID, firstMatch := renumber(order, outs)
	a.firstMatch = firstMatch
	a.state = make([]stateInfo, nStates)
	for s := uint32(1); s < nStates; s++ {
		info := stateInfo{fail: newID[fail[s]]}
		for _, w := range kids[s] {
			info.kids |= 1 << (w % 64)
		}
		a.state[newID[s]] = info
	}
	nEdges := 0
	for k, t := range child {
		if k.s == 0 {
			a.slots[k.w].root = newID[t]
		} else {
			nEdges++
		}
	}
	a.edgeShift = uint8(64 - tableBits(nEdges))
	a.edges = make([]edgeSlot, 1<<(64-a.edgeShift))
	for k, t := range child {
		if k.s != 0 {
			a.insertEdge(uint64(newID[k.s])<<32|uint64(k.w), newID[t])
		}
	}
	byNew := make([][]output, nStates-a.firstMatch)
	for s := range nStates {
		if len(outs[s]) > 0 {
			byNew[newID[s]-a.firstMatch] = outs[s]
		}
	}
	a.outStart = make([]uint32, len(byNew)+1)
	for k, o := range byNew {
		a.outStart[k] = uint32(len(a.outs))
		a.outs = append(a.outs, o...)
	}
	a.outStart[len(byNew)] = uint32(len(a.outs))

	return a
}

// tableBits is log2 of a power-of-two table size at most half full with n
// entries (at least 2 slots).
func tableBits(n int) int { return max(1, bits.Len(uint(2*n))) }

func (a *automaton) insertEdge(key uint64, next uint32) {
	mask := uint64(len(a.edges) - 1)
	for i := (key * hashMulA) >> a.edgeShift; ; i = (i + 1) & mask {
		if a.edges[i].key == 0 {
			a.edges[i] = edgeSlot{key: key, next: next}
			return
		}
	}
}

// edge returns the goto edge of state s (not the root) on word w, or 0.
func (a *automaton) edge(s, w uint32) uint32 {
	key := uint64(s)<<32 | uint64(w)
	mask := uint64(len(a.edges) - 1)
	for i := (key * hashMulA) >> a.edgeShift; ; i = (i + 1) & mask {
		e := &a.edges[i]
		if e.key == key {
			return e.next
		}
		if e.key == 0 {
			return 0
		}
	}
}

// step is the automaton's transition from state s (not the root) on
// dictionary word w, whose transition from the root is root.
func (a *automaton) step(s, w, root uint32) uint32 {
	for s != 0 {
		info := &a.state[s]
		if info.kids>>(w%64)&1 != 0 {
			if t := a.edge(s, w); t != 0 {
				return t
			}
		}
		s = info.fail
	}
	return root
}

// load8 reads text[i:i+8], which must be in range, as a little-endian word
// with one load and no bounds check.
func load8(text []byte, i int) uint64 {
	return binary.LittleEndian.Uint64(unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(text)), i)), 8))
}

// slotAt is &slots[p] without the bounds check: p is a hash's top bits or
// masked, always below the power-of-two length.
func slotAt(slots []wordSlot, p uint64) *wordSlot {
	return (*wordSlot)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(slots)), p*uint64(unsafe.Sizeof(wordSlot{}))))
}

// loadTail reads the last len(b) < 8 bytes of the text as a little-endian
// word, with a space just after them: the end of the text ends a word.
func loadTail(b []byte) uint64 {
	c := uint64(' ')
	for k := len(b) - 1; k >= 0; k-- {
		c = c<<8 | uint64(b[k])
	}
	return c
}

// scan finds the keywords in text and appends hits.
func (a *automaton) scan(text []byte, out []Hit, rules []Rule) []Hit {
	if a.maxWord == 0 {
		return out
	}
	slots, shift, maxWord := a.slots, a.shift, a.maxWord
	mask := uint64(len(slots) - 1)
	n := len(text)
	s := uint32(0)
	for i := 0; ; {
		// The word text[i:j]: j is the next space or the end of the text.
		var c uint64
		if n-i >= 8 {
			c = load8(text, i)
		} else {
			c = loadTail(text[i:])
		}
		y := c ^ spaces
		m := (y - lowBits) &^ y & highBit
		var j int
		var h uint64
		head := c
		known := true
		if m != 0 {
			// The common case: a word of at most seven bytes.
			k := bits.TrailingZeros64(m) >> 3
			head &= 1<<(k*8) - 1
			j = i + k
			h = mixChunk(hashSeed, head)
		} else {
			h = mixChunk(hashSeed, c)
			j = i + 8
			for {
				if j-i > maxWord {
					// Longer than any keyword word: skip it.
					known = false
					if k := bytes.IndexByte(text[j:], ' '); k >= 0 {
						j += k
					} else {
						j = n
					}
					break
				}
				if n-j >= 8 {
					c = load8(text, j)
				} else {
					c = loadTail(text[j:])
				}
				y := c ^ spaces
				if m := (y - lowBits) &^ y & highBit; m != 0 {
					k := bits.TrailingZeros64(m) >> 3
					h = mixChunk(h, c&(1<<(k*8)-1))
					j += k
					break
				}
				h = mixChunk(h, c)
				j += 8
			}
		}
		length := j - i
		if known && length <= maxWord {
			h = finish(h, length)
			p := h >> shift
			found := false
			for ; ; p = (p + 1) & mask {
				sl := slotAt(slots, p)
				if sl.head == head && int(sl.length) == length &&
					(length <= 8 || string(text[i+8:j]) == a.words[p][8:]) {
					found = true
					break
				}
				if sl.length == emptyLength {
					break
				}
			}
			switch {
			case !found:
				s = 0
			case s == 0:
				s = slotAt(slots, p).root
			default:
				s = a.step(s, uint32(p), slotAt(slots, p).root)
			}
			if s >= a.firstMatch {
				out = a.report(s, j, out, rules)
			}
		} else {
			s = 0
		}
		if j >= n {
			return out
		}
		i = j + 1
	}
}

// report appends the outputs of state s, for a keyword ending at end.
func (a *automaton) report(s uint32, end int, out []Hit, rules []Rule) []Hit {
	k := s - a.firstMatch
	for _, o := range a.outs[a.outStart[k]:a.outStart[k+1]] {
		out = append(out, Hit{Rule: int(o.rule), ID: rules[o.rule].ID, Start: end - int(o.length), End: end})
	}
	return out
}

// memoryBytes is the size of the automaton's tables (word strings excluded).
func (a *automaton) memoryBytes() int {
	return len(a.slots)*16 + len(a.edges)*16 + len(a.state)*16 + len(a.outStart)*4 + len(a.outs)*8
}

// states is the number of automaton states (for diagnostics).
func (a *automaton) states() int { return len(a.state) }

// renumber numbers the states of an automaton built breadth first: the root
// (which reports nothing) stays 0, then come the states without output in
// BFS order, so that the shallow states every word start goes through share
// cache lines, then the match states, so that s >= firstMatch is the whole
// match test. order is the BFS order without the root; outs is indexed by
// the old numbers.
func renumber[S int32 | uint32](order []S, outs [][]output) (newID []uint32, firstMatch uint32) {
	newID = make([]uint32, len(outs))
	next := uint32(1)
	for _, s := range order {
		if len(outs[s]) == 0 {
			newID[s] = next
			next++
		}
	}
	firstMatch = next
	for _, s := range order {
		if len(outs[s]) > 0 {
			newID[s] = next
			next++
		}
	}
	return newID, firstMatch
}
