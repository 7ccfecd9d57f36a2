package pdqindex

import (
	"cmp"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/sigap/sigap/internal/pdq"
)

// DefaultMaxDistance is upstream's match threshold (inclusive).
const DefaultMaxDistance = pdq.MatchThreshold

const (
	// maxRadius is the largest per-chunk radius probed; beyond it the probe
	// count approaches the table size and a linear scan is faster, so Search
	// scans instead. Both are exact.
	maxRadius = 3
	minChunks = 11 // 23-24-bit substrings: radius 2 at distance 31
	maxChunks = 16 // 16-bit substrings: radius 1 at distance 31
)

// Entry is one indexed hash and the caller's identifier for it. IDs need not
// be unique (a bank entry may contribute several hashes).
type Entry struct {
	Hash pdq.Hash
	ID   uint64
}

// Match is an entry within the query distance.
type Match struct {
	ID       uint64
	Distance int
}

// Options tunes Build; the zero value picks the layout from the size.
type Options struct {
	// Chunks is the number of substrings (11..16) the 256 bits are cut
	// into. More chunks mean smaller tables and more candidates per probe;
	// fewer mean fewer candidates and more probes. 0 chooses by size.
	Chunks int
}

// Index is an immutable multi-index-hashing snapshot. By the pigeonhole
// principle, if two hashes differ in at most d bits, at least one of the m
// chunks differs in at most floor(d/m) bits; Search probes every key within
// that radius in every chunk's table and verifies each candidate on all 256
// bits, so it returns exactly what a linear scan returns. Safe for concurrent
// use; a nil *Index is empty.
type Index struct {
	hashes []pdq.Hash
	ids    []uint64
	starts []uint // first bit of each chunk
	widths []uint // bits of each chunk
	tables []table
}

// table maps a chunk value to the entries having it: postings[offsets[k]:
// offsets[k+1]] are entry positions, a counting-sort layout that costs four
// bytes per entry plus four per possible key.
type table struct {
	offsets  []uint32 // 2^width + 1
	postings []uint32
}

// extract returns bits [s, s+w) of h (bit k is bit k%64 of word k/64).
func extract(h *pdq.Hash, s, w uint) uint32 {
	wi, off := s>>6, s&63
	v := h[wi&3] >> off
	if off+w > 64 {
		v |= h[(wi+1)&3] << (64 - off)
	}
	return uint32(v & (1<<w - 1))
}

// chooseChunks picks the fewest chunks whose key space is at most about
// twice the number of entries: at ten million hashes that is 11 chunks of
// 23-24 bits (about one entry per bucket, radius 2 at distance 31), while
// small lists get 16-bit chunks whose tables stay small.
func chooseChunks(n int) int {
	for m := minChunks; m < maxChunks; m++ {
		if math.Exp2(256/float64(m)) <= 2*float64(n) {
			return m
		}
	}
	return maxChunks
}

// Build indexes entries with the layout chosen for their number; see
// BuildWith.
func Build(entries []Entry) *Index { return BuildWith(entries, Options{}) }

// BuildWith indexes entries (copied; the slice may be reused). It runs the
// per-chunk counting sorts on all cores and is meant to run off the hot path.
func BuildWith(entries []Entry, opt Options) *Index {
	n := len(entries)
	if uint64(n) >= 1<<32-1 {
		panic("pdqindex: more than 2^32-2 entries")
	}
	m := opt.Chunks
	if m == 0 {
		m = chooseChunks(n)
	}
	m = min(max(m, minChunks), maxChunks)
	ix := &Index{hashes: make([]pdq.Hash, n), ids: make([]uint64, n), tables: make([]table, m)}
	var s uint
	for c := range m {
		w := uint(256 / m)
		if c < 256%m {
			w++
		}
		ix.starts, ix.widths = append(ix.starts, s), append(ix.widths, w)
		s += w
	}
	for i, e := range entries {
		ix.hashes[i], ix.ids[i] = e.Hash, e.ID
	}
	work := make(chan int, m)
	for c := range m {
		work <- c
	}
	close(work)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), m) {
		wg.Go(func() {
			for c := range work {
				ix.tables[c] = buildTable(ix.hashes, ix.starts[c], ix.widths[c])
			}
		})
	}
	wg.Wait()
	return ix
}

func buildTable(hashes []pdq.Hash, s, w uint) table {
	numKeys := 1 << w
	offsets := make([]uint32, numKeys+1)
	for i := range hashes {
		offsets[extract(&hashes[i], s, w)+1]++
	}
	for k := 1; k <= numKeys; k++ {
		offsets[k] += offsets[k-1]
	}
	postings := make([]uint32, len(hashes))
	next := make([]uint32, numKeys)
	copy(next, offsets[:numKeys])
	for i := range hashes {
		k := extract(&hashes[i], s, w)
		postings[next[k]] = uint32(i)
		next[k]++
	}
	return table{offsets: offsets, postings: postings}
}

// Len returns the number of entries.
func (ix *Index) Len() int {
	if ix == nil {
		return 0
	}
	return len(ix.hashes)
}

// Chunks returns the number of substrings the index was built with.
func (ix *Index) Chunks() int {
	if ix == nil {
		return 0
	}
	return len(ix.tables)
}

func distance(a, b *pdq.Hash) int {
	return bits.OnesCount64(a[0]^b[0]) + bits.OnesCount64(a[1]^b[1]) +
		bits.OnesCount64(a[2]^b[2]) + bits.OnesCount64(a[3]^b[3])
}

// firstChunkWithin returns the lowest chunk whose distance is <= r. A
// candidate is reported only from that chunk, so an entry found through
// several chunks is reported once, without a seen-set.
func (ix *Index) firstChunkWithin(a, b *pdq.Hash, r int) int {
	for c := range ix.tables {
		s, w := ix.starts[c], ix.widths[c]
		if bits.OnesCount32(extract(a, s, w)^extract(b, s, w)) <= r {
			return c
		}
	}
	return len(ix.tables)
}

// Search appends to out every entry within maxDist (inclusive) of q, with its
// distance, sorted by distance then ID, and returns the extended slice.
func (ix *Index) Search(q pdq.Hash, maxDist int, out []Match) []Match {
	if ix == nil || maxDist < 0 || len(ix.hashes) == 0 {
		return out
	}
	start := len(out)
	r := maxDist / len(ix.tables)
	if r > maxRadius {
		out = scan(ix.hashes, ix.ids, &q, maxDist, out)
		sortMatches(out[start:])
		return out
	}
	for c := range ix.tables {
		t := &ix.tables[c]
		w := ix.widths[c]
		key := extract(&q, ix.starts[c], w)
		out = ix.probe(t, key, &q, c, r, maxDist, out)
		if r < 1 {
			continue
		}
		for b1 := range w {
			k1 := key ^ 1<<b1
			out = ix.probe(t, k1, &q, c, r, maxDist, out)
			if r < 2 {
				continue
			}
			for b2 := b1 + 1; b2 < w; b2++ {
				k2 := k1 ^ 1<<b2
				out = ix.probe(t, k2, &q, c, r, maxDist, out)
				if r < 3 {
					continue
				}
				for b3 := b2 + 1; b3 < w; b3++ {
					out = ix.probe(t, k2^1<<b3, &q, c, r, maxDist, out)
				}
			}
		}
	}
	sortMatches(out[start:])
	return out
}

// probe verifies the entries of one bucket against the full 256 bits.
func (ix *Index) probe(t *table, key uint32, q *pdq.Hash, c, r, maxDist int, out []Match) []Match {
	lo, hi := t.offsets[key], t.offsets[key+1]
	hashes := ix.hashes
	for _, p := range t.postings[lo:hi] {
		h := &hashes[p]
		if d := distance(h, q); d <= maxDist && ix.firstChunkWithin(h, q, r) == c {
			out = append(out, Match{ID: ix.ids[p], Distance: d})
		}
	}
	return out
}

func scan(hashes []pdq.Hash, ids []uint64, q *pdq.Hash, maxDist int, out []Match) []Match {
	for i := range hashes {
		if d := distance(&hashes[i], q); d <= maxDist {
			out = append(out, Match{ID: ids[i], Distance: d})
		}
	}
	return out
}

func sortMatches(m []Match) {
	if len(m) < 2 {
		return
	}
	slices.SortFunc(m, func(a, b Match) int {
		if c := cmp.Compare(a.Distance, b.Distance); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// BruteForce is a linear scan with the same Search contract, the oracle for
// tests and benchmarks and adequate for small lists.
type BruteForce struct {
	hashes []pdq.Hash
	ids    []uint64
}

// NewBruteForce copies entries into a linear-scan matcher.
func NewBruteForce(entries []Entry) *BruteForce {
	b := &BruteForce{hashes: make([]pdq.Hash, len(entries)), ids: make([]uint64, len(entries))}
	for i, e := range entries {
		b.hashes[i], b.ids[i] = e.Hash, e.ID
	}
	return b
}

// Len returns the number of entries.
func (b *BruteForce) Len() int { return len(b.hashes) }

// Search appends every entry within maxDist of q, sorted like Index.Search.
func (b *BruteForce) Search(q pdq.Hash, maxDist int, out []Match) []Match {
	if maxDist < 0 {
		return out
	}
	start := len(out)
	out = scan(b.hashes, b.ids, &q, maxDist, out)
	sortMatches(out[start:])
	return out
}

// Live holds the current snapshot. Readers Load it without locks; a writer
// rebuilds an Index off the hot path and Swaps it in, so additions and
// removals take effect without pausing matching.
type Live struct {
	p atomic.Pointer[Index]
}

// NewLive returns a holder serving ix (which may be nil, meaning empty).
func NewLive(ix *Index) *Live {
	l := &Live{}
	l.p.Store(ix)
	return l
}

// Load returns the current snapshot; nil (an empty index) before the first
// Swap. Index methods accept a nil receiver.
func (l *Live) Load() *Index { return l.p.Load() }

// Swap installs ix and returns the previous snapshot.
func (l *Live) Swap(ix *Index) *Index { return l.p.Swap(ix) }

// Search is Load().Search.
func (l *Live) Search(q pdq.Hash, maxDist int, out []Match) []Match {
	return l.Load().Search(q, maxDist, out)
}
