package vpdq

import (
	"cmp"
	"slices"
	"sync"

	"github.com/sigap/sigap/internal/pdq"
	"github.com/sigap/sigap/internal/pdqindex"
)

// defaultPendingMax is how many frames Add keeps in a linearly scanned
// buffer before indexing them as a segment.
const defaultPendingMax = 4096

// IndexMatch is a banked video sharing at least one frame with the query,
// with the reference's two percentages.
type IndexMatch struct {
	ID              uint64
	QueryPercent    float64 // share of the query's frames found in the video
	ComparedPercent float64 // share of the video's frames found in the query
}

// Video is one video to index.
type Video struct {
	ID   uint64
	Hash Hash
}

// Index finds the banked videos that share frames with a query without
// comparing every query frame with every banked frame: each banked frame
// (prepared as Prepare does) goes into multi-index-hashing segments
// (pdqindex), and a query costs one index search per distinct query frame.
// Its percentages are exactly Match's. Added videos sit in a small linear
// buffer, then in segments merged like a binary counter, so adding is
// amortised O(log n) rebuilding per frame. Safe for concurrent use.
type Index struct {
	opt        MatchOptions
	pendingMax int

	mu       sync.RWMutex
	ids      []uint64   // per video
	counts   []int32    // prepared frames per video
	owner    []uint32   // global frame position -> video
	segments []segment  // oldest and largest first
	pending  []pdq.Hash // frames at positions pendingAt...
}

type segment struct {
	ix     *pdqindex.Index // entry IDs are global frame positions
	hashes []pdq.Hash
	start  int
}

// NewIndex returns an empty index matching with opt.
func NewIndex(opt MatchOptions) *Index { return &Index{opt: opt, pendingMax: defaultPendingMax} }

// BuildIndex indexes many videos at once in one segment, faster than Add
// one by one. Videos with no frame of enough quality are skipped and
// their IDs returned.
func BuildIndex(videos []Video, opt MatchOptions) (*Index, []uint64) {
	ix := NewIndex(opt)
	var skipped []uint64
	var all []pdq.Hash
	for _, v := range videos {
		hs := Prepare(v.Hash, opt.MinQuality)
		if len(hs) == 0 {
			skipped = append(skipped, v.ID)
			continue
		}
		ix.appendVideo(v.ID, hs)
		all = append(all, hs...)
	}
	if len(all) > 0 {
		ix.segments = append(ix.segments, newSegment(all, 0))
	}
	return ix, skipped
}

func newSegment(hashes []pdq.Hash, start int) segment {
	entries := make([]pdqindex.Entry, len(hashes))
	for i, h := range hashes {
		entries[i] = pdqindex.Entry{Hash: h, ID: uint64(start + i)}
	}
	return segment{ix: pdqindex.Build(entries), hashes: hashes, start: start}
}

func (ix *Index) appendVideo(id uint64, hs []pdq.Hash) {
	v := uint32(len(ix.ids))
	ix.ids = append(ix.ids, id)
	ix.counts = append(ix.counts, int32(len(hs)))
	for range hs {
		ix.owner = append(ix.owner, v)
	}
}

// Len returns the number of indexed videos.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.ids)
}

// Add indexes one video under id (IDs need not be unique; each Add is its
// own video). A video with no frame of enough quality is refused with
// ErrEmpty, as the reference refuses to index it.
func (ix *Index) Add(id uint64, h Hash) error {
	hs := Prepare(h, ix.opt.MinQuality)
	if len(hs) == 0 {
		return ErrEmpty
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.appendVideo(id, hs)
	ix.pending = append(ix.pending, hs...)
	if len(ix.pending) < ix.pendingMax {
		return nil
	}
	start := len(ix.owner) - len(ix.pending)
	seg := newSegment(slices.Clip(ix.pending), start)
	ix.pending = nil
	// Merge while the newest segment is at least as large as the one
	// before it, like carries in a binary counter, so there are about
	// log2(frames/pendingMax) segments and each frame is re-indexed about
	// as many times.
	for n := len(ix.segments); n > 0 && len(seg.hashes) >= len(ix.segments[n-1].hashes); n-- {
		prev := ix.segments[n-1]
		seg = newSegment(append(slices.Clip(prev.hashes), seg.hashes...), prev.start)
		ix.segments = ix.segments[:n-1]
	}
	ix.segments = append(ix.segments, seg)
	return nil
}

// Query returns every indexed video sharing at least one frame with q
// (frames within MaxDistance, both of at least MinQuality), with Match's
// percentages, best query percentage first, then best compared
// percentage, then ID.
func (ix *Index) Query(q Hash) []IndexMatch {
	qh := Prepare(q, ix.opt.MinQuality)
	if len(qh) == 0 {
		return nil
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	type acc struct {
		lastQuery int // last query frame counted, so each counts once
		queries   int
		frames    int
	}
	byVideo := make(map[uint32]*acc)
	seenFrame := make(map[uint32]struct{})
	pendingStart := len(ix.owner) - len(ix.pending)
	var buf []pdqindex.Match
	hit := func(qi int, pos uint32) {
		v := ix.owner[pos]
		a := byVideo[v]
		if a == nil {
			a = &acc{lastQuery: -1}
			byVideo[v] = a
		}
		if a.lastQuery != qi {
			a.lastQuery = qi
			a.queries++
		}
		if _, ok := seenFrame[pos]; !ok {
			seenFrame[pos] = struct{}{}
			a.frames++
		}
	}
	for qi, h := range qh {
		for _, s := range ix.segments {
			buf = s.ix.Search(h, ix.opt.MaxDistance, buf[:0])
			for _, m := range buf {
				hit(qi, uint32(m.ID))
			}
		}
		for i := range ix.pending {
			if pdq.Distance(h, ix.pending[i]) <= ix.opt.MaxDistance {
				hit(qi, uint32(pendingStart+i))
			}
		}
	}
	out := make([]IndexMatch, 0, len(byVideo))
	for v, a := range byVideo {
		out = append(out, IndexMatch{
			ID:              ix.ids[v],
			QueryPercent:    float64(a.queries) * 100 / float64(len(qh)),
			ComparedPercent: float64(a.frames) * 100 / float64(ix.counts[v]),
		})
	}
	slices.SortFunc(out, func(a, b IndexMatch) int {
		return cmp.Or(cmp.Compare(b.QueryPercent, a.QueryPercent),
			cmp.Compare(b.ComparedPercent, a.ComparedPercent), cmp.Compare(a.ID, b.ID))
	})
	return out
}
