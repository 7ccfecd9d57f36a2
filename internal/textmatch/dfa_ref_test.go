package textmatch

import "bytes"

// byteDFA is the byte-level Aho-Corasick DFA over byte classes that the
// word-level byteDFA replaced; the tests keep it as a reference. Every pattern is
// compiled as " "+text+" " and the input is scanned as " "+input+" ", so a
// reported match always sits on word boundaries of the normalised text.
//
// trans[s+class] is the next state, premultiplied by the number of classes
// so that the scan loop needs no multiplication. States are numbered so that
// those reporting a match come last: s >= matchMin is the whole match test.
type byteDFA struct {
	classes  [256]uint8
	nClasses uint32
	trans    []uint32
	start    uint32 // state after the virtual leading space
	space    uint32 // class of ' '
	matchMin uint32 // first premultiplied state that reports a match
	// outputs of match state k (k = s/nClasses - firstMatch): outs[outStart[k]:outStart[k+1]]
	firstMatch uint32
	outStart   []uint32
	outs       []output
}

func buildByteDFA(patterns []acPattern) *byteDFA {
	a := &byteDFA{}
	// Byte classes: each byte used by a pattern gets its own class, every
	// other byte shares class 0, which always leads back towards the root.
	var used [256]bool
	used[' '] = true
	for _, p := range patterns {
		for i := 0; i < len(p.text); i++ {
			used[p.text[i]] = true
		}
	}
	n := uint32(1)
	for b := range 256 {
		if used[b] {
			a.classes[b] = uint8(n)
			n++
		}
	}
	a.nClasses = n
	a.space = uint32(a.classes[' '])

	// Trie with a dense child table; -1 is "no child".
	const none = -1
	children := make([]int32, 0, 1024*int(n))
	newState := func() int32 {
		for range n {
			children = append(children, none)
		}
		return int32(len(children)/int(n) - 1)
	}
	newState() // root = 0
	own := make(map[int32][]output)
	for _, p := range patterns {
		s := int32(0)
		padded := " " + p.text + " "
		for i := 0; i < len(padded); i++ {
			c := int32(a.classes[padded[i]])
			next := children[s*int32(n)+c]
			if next == none {
				next = newState()
				children[s*int32(n)+c] = next
			}
			s = next
		}
		own[s] = append(own[s], output{rule: p.rule, length: int32(len(p.text))})
	}
	states := len(children) / int(n)

	// BFS: failure links, full DFA transitions, inherited outputs.
	fail := make([]int32, states)
	outs := make([][]output, states)
	order := make([]int32, 0, states)
	for c := range n {
		if t := children[c]; t == none {
			children[c] = 0
		} else {
			fail[t] = 0
			order = append(order, t)
		}
	}
	for q := 0; q < len(order); q++ {
		s := order[q]
		outs[s] = append(own[s], outs[fail[s]]...)
		for c := range n {
			t := children[s*int32(n)+int32(c)]
			f := children[fail[s]*int32(n)+int32(c)]
			if t == none {
				children[s*int32(n)+int32(c)] = f
				continue
			}
			fail[t] = f
			order = append(order, t)
		}
	}

	newID, firstMatch := renumber(order, outs)
	a.firstMatch = firstMatch
	a.matchMin = a.firstMatch * n
	a.trans = make([]uint32, states*int(n))
	for s := range states {
		row := newID[s] * n
		for c := range n {
			a.trans[row+c] = newID[children[s*int(n)+int(c)]] * n
		}
	}
	a.outStart = make([]uint32, states-int(a.firstMatch)+1)
	byNew := make([][]output, states-int(a.firstMatch))
	for s := range states {
		if len(outs[s]) > 0 {
			byNew[newID[s]-a.firstMatch] = outs[s]
		}
	}
	for k, o := range byNew {
		a.outStart[k] = uint32(len(a.outs))
		a.outs = append(a.outs, o...)
	}
	a.outStart[len(byNew)] = uint32(len(a.outs))
	a.start = a.trans[a.space] // root after the virtual leading space
	return a
}

// scan runs the DFA over text and appends hits.
func (a *byteDFA) scan(text []byte, out []Hit, rules []Rule) []Hit {
	trans, classes := a.trans, &a.classes
	s, matchMin := a.start, a.matchMin
	for i := 0; i < len(text); {
		s = trans[s+uint32(classes[text[i]])]
		if s >= matchMin {
			out = a.report(s, i, out, rules)
		}
		i++
		if s == 0 {
			// Root: the word in progress is no keyword's prefix, and only a
			// space can leave the root, so jump to the next space.
			j := bytes.IndexByte(text[i:], ' ')
			if j < 0 {
				break
			}
			i += j
		}
	}
	// The virtual trailing space.
	if s = trans[s+a.space]; s >= matchMin {
		out = a.report(s, len(text), out, rules)
	}
	return out
}

// report appends the outputs of state s, whose trailing space is at end.
func (a *byteDFA) report(s uint32, end int, out []Hit, rules []Rule) []Hit {
	k := s/a.nClasses - a.firstMatch
	for _, o := range a.outs[a.outStart[k]:a.outStart[k+1]] {
		out = append(out, Hit{Rule: int(o.rule), ID: rules[o.rule].ID, Start: end - int(o.length), End: end})
	}
	return out
}
