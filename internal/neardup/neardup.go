package neardup

import (
	"cmp"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"sync"

	"github.com/sigap/sigap/internal/splitmix"
)

// Options configure an Index. The zero value of a field takes its default.
type Options struct {
	NumHashes int     // signature length K (default 128)
	Bands     int     // LSH bands b; K must be a multiple (default 32, so 4 rows a band)
	Threshold float64 // minimum estimated Jaccard similarity of a match (default 0.8)
	Shingle   int     // words per shingle (default 3)
	Seed      uint64  // hashing seed (default 0); signatures depend on it
}

func (o Options) withDefaults() (Options, error) {
	o.NumHashes = cmp.Or(o.NumHashes, 128)
	o.Bands = cmp.Or(o.Bands, 32)
	o.Threshold = cmp.Or(o.Threshold, 0.8)
	o.Shingle = cmp.Or(o.Shingle, 3)
	switch {
	case o.NumHashes < 8 || o.NumHashes > 1024:
		return o, fmt.Errorf("neardup: NumHashes %d outside 8..1024", o.NumHashes)
	case o.Bands < 1 || o.NumHashes%o.Bands != 0:
		return o, fmt.Errorf("neardup: Bands %d does not divide NumHashes %d", o.Bands, o.NumHashes)
	case o.Threshold <= 0 || o.Threshold > 1:
		return o, fmt.Errorf("neardup: Threshold %v outside (0, 1]", o.Threshold)
	case o.Shingle < 1 || o.Shingle > 16:
		return o, fmt.Errorf("neardup: Shingle %d outside 1..16", o.Shingle)
	}
	return o, nil
}

// Errors.
var (
	ErrEmpty     = errors.New("neardup: text has no words")
	ErrDuplicate = errors.New("neardup: document ID already indexed")
)

// Signature is a MinHash signature of K values.
type Signature []uint32

// Match is one indexed document similar to the query.
type Match struct {
	ID         string
	Similarity float64 // fraction of agreeing signature positions
}

// Index holds the signatures of indexed documents and their LSH buckets.
type Index struct {
	opts Options
	rows int

	mu      sync.RWMutex
	ids     []string
	removed []bool
	sigs    []uint32          // K values per document, back to back
	heads   map[uint64]uint32 // band key → 1 + latest posting
	next    []uint32          // posting p = doc*Bands+band → 1 + previous posting in its bucket (0 ends)
	byID    map[string]uint32
}

// New returns an empty Index.
func New(opts Options) (*Index, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Index{opts: o, rows: o.NumHashes / o.Bands, heads: make(map[uint64]uint32), byID: make(map[string]uint32)}, nil
}

// Options returns the options in effect, defaults filled in.
func (ix *Index) Options() Options { return ix.opts }

// Len is the number of documents indexed and not removed.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.byID)
}

// Signature computes the signature of a normalised text (textnorm output:
// words separated by single spaces). It reports false for a text with no
// words.
func (ix *Index) Signature(normalized string) (Signature, bool) {
	return signature(normalized, ix.opts)
}

// Add indexes a normalised text under id.
func (ix *Index) Add(id, normalized string) error {
	sig, ok := ix.Signature(normalized)
	if !ok {
		return fmt.Errorf("%w: %q", ErrEmpty, id)
	}
	return ix.AddSignature(id, sig)
}

// AddSignature indexes a signature computed with the same Options.
func (ix *Index) AddSignature(id string, sig Signature) error {
	if len(sig) != ix.opts.NumHashes {
		return fmt.Errorf("neardup: signature has %d values, want %d", len(sig), ix.opts.NumHashes)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if _, dup := ix.byID[id]; dup {
		return fmt.Errorf("%w: %q", ErrDuplicate, id)
	}
	doc := uint32(len(ix.ids))
	ix.ids = append(ix.ids, id)
	ix.removed = append(ix.removed, false)
	ix.sigs = append(ix.sigs, sig...)
	ix.byID[id] = doc
	for b := range ix.opts.Bands {
		key := ix.bandKey(sig, b)
		p := doc*uint32(ix.opts.Bands) + uint32(b)
		ix.next = append(ix.next, ix.heads[key])
		ix.heads[key] = p + 1
	}
	return nil
}

// Remove stops id from matching. Its postings stay until the index is rebuilt
// (removal is rare: a decision reversed on appeal).
func (ix *Index) Remove(id string) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	doc, ok := ix.byID[id]
	if !ok {
		return false
	}
	ix.removed[doc] = true
	delete(ix.byID, id)
	return true
}

// Query appends the indexed documents whose estimated similarity to the
// normalised text is at least the threshold, most similar first.
func (ix *Index) Query(normalized string, out []Match) []Match {
	sig, ok := ix.Signature(normalized)
	if !ok {
		return out
	}
	return ix.QuerySignature(sig, out)
}

// QuerySignature is Query for a signature computed with the same Options.
func (ix *Index) QuerySignature(sig Signature, out []Match) []Match {
	if len(sig) != ix.opts.NumHashes {
		return out
	}
	k := ix.opts.NumHashes
	need := int(ix.opts.Threshold*float64(k) + 0.999999)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var seenBuf [64]uint32
	seen := seenBuf[:0]
	var seenMap map[uint32]bool // past 64 candidates (a bucket of boilerplate)
	n := len(out)
	for b := range ix.opts.Bands {
		for p := ix.heads[ix.bandKey(sig, b)]; p != 0; p = ix.next[p-1] {
			doc := (p - 1) / uint32(ix.opts.Bands)
			if ix.removed[doc] || slices.Contains(seen, doc) {
				continue
			}
			if len(seen) < cap(seenBuf) {
				seen = append(seen, doc)
			} else if seenMap == nil {
				seenMap = map[uint32]bool{doc: true}
			} else if seenMap[doc] {
				continue
			} else {
				seenMap[doc] = true
			}
			other := ix.sigs[int(doc)*k : int(doc+1)*k]
			agree := 0
			for i, v := range sig {
				if other[i] == v {
					agree++
				}
			}
			if agree >= need {
				out = append(out, Match{ID: ix.ids[doc], Similarity: float64(agree) / float64(k)})
			}
		}
	}
	slices.SortFunc(out[n:], func(a, b Match) int {
		switch {
		case a.Similarity > b.Similarity:
			return -1
		case a.Similarity < b.Similarity:
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

func (ix *Index) bandKey(sig Signature, band int) uint64 {
	h := splitmix.Mix64(uint64(band) + 0x9e3779b97f4a7c15)
	for _, v := range sig[band*ix.rows : (band+1)*ix.rows] {
		h = splitmix.Mix64(h ^ uint64(v))
	}
	return h
}

// signature computes a one-permutation MinHash with optimal densification.
func signature(text string, o Options) (Signature, bool) {
	k := uint64(o.NumHashes)
	const empty = ^uint64(0)
	var binsBuf [1024]uint64
	bins := binsBuf[:k]
	for i := range bins {
		bins[i] = empty
	}
	var window [16]uint64
	nWords := 0
	add := func(h uint64) {
		h = splitmix.Mix64(h ^ o.Seed)
		bin := h % k
		v := h >> 32
		if v < bins[bin] {
			bins[bin] = v
		}
	}
	shingle := func() uint64 {
		h := uint64(0xcbf29ce484222325)
		for i := range o.Shingle {
			h = bits.RotateLeft64(h, 17) ^ window[(nWords-o.Shingle+i)%16]
			h *= 0x100000001b3
		}
		return h
	}
	for len(text) > 0 {
		sp := strings.IndexByte(text, ' ')
		word := text
		if sp >= 0 {
			word, text = text[:sp], text[sp+1:]
		} else {
			text = ""
		}
		if word == "" {
			continue
		}
		window[nWords%16] = wordHash(word, o.Seed)
		nWords++
		if nWords >= o.Shingle {
			add(shingle())
		}
	}
	if nWords == 0 {
		return nil, false
	}
	if nWords < o.Shingle {
		// Too short for one shingle: the whole text is the shingle.
		h := uint64(0x84222325cbf29ce4)
		for i := range nWords {
			h = splitmix.Mix64(h ^ window[i])
		}
		add(h)
	}
	sig := make(Signature, k)
	for i, v := range bins {
		if v != empty {
			sig[i] = uint32(v)
			continue
		}
		// Optimal densification: borrow the value of a pseudo-randomly
		// chosen filled bin, chosen by (empty bin, attempt) only, so that
		// two texts borrow alike where their filled bins agree.
		for attempt := uint64(1); ; attempt++ {
			j := splitmix.Mix64(o.Seed^uint64(i)<<32^attempt) % k
			if bins[j] != empty {
				sig[i] = uint32(bins[j])
				break
			}
		}
	}
	return sig, true
}

func wordHash(w string, seed uint64) uint64 {
	h := uint64(14695981039346656037) ^ seed
	for i := 0; i < len(w); i++ {
		h ^= uint64(w[i])
		h *= 1099511628211
	}
	return splitmix.Mix64(h)
}
