package translog

import "golang.org/x/mod/sumdb/tlog"

// Tree computes RFC 6962 root hashes over a stream of leaf hashes in O(log n)
// memory, for auditors that recompute the whole log.
type Tree struct {
	n     int64
	stack []tlog.Hash // roots of the perfect subtrees, largest first
}

// Append adds the next leaf hash.
func (t *Tree) Append(h tlog.Hash) {
	t.stack = append(t.stack, h)
	for n := t.n; n&1 == 1; n >>= 1 {
		l := len(t.stack)
		t.stack = append(t.stack[:l-2], tlog.NodeHash(t.stack[l-2], t.stack[l-1]))
	}
	t.n++
}

// Size is the number of leaves appended.
func (t *Tree) Size() int64 { return t.n }

// Root is the root hash of the tree of the leaves appended so far.
func (t *Tree) Root() tlog.Hash {
	if len(t.stack) == 0 {
		h, _ := tlog.TreeHash(0, nil)
		return h
	}
	h := t.stack[len(t.stack)-1]
	for i := len(t.stack) - 2; i >= 0; i-- {
		h = tlog.NodeHash(t.stack[i], h)
	}
	return h
}
