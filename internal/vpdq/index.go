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

// IndexMatch is a banked video sharing frames with the query, with the
// reference's two percentages.
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

// Index finds the banked videos whose frames cover a query, without
// comparing every query frame with every banked frame. Every banked frame
// (prepared as Prepare does) is in multi-index-hashing segments
// (pdqindex). A query with a minimum query percentage p needs to search
// only n-ceil(p*n/100)+1 of its n frames: a video matching at least that
// share of the query must match one of them (about a fifth of the frames
// at the reference's 80%). The videos found are then compared frame by
// frame, so the percentages are exactly Match's. Added videos sit in a
// small linearly scanned buffer, then in segments merged like the carries
// of a binary counter, so adding costs amortised O(log n) re-indexing per
// frame. Safe for concurrent use.
type Index struct {
	opt        MatchOptions
	pendingMax int

	mu       sync.RWMutex
	ids      []uint64   // per video
	removed  []bool     // per video: left out of answers
	live     int        // videos not removed
	first    []uint32   // per video: its frames are frames[first:first+count]
	count    []uint32   // per video
	owner    []uint32   // frame position -> video
	frames   []pdq.Hash // every prepared frame, video after video
	segments []segment  // covering frames[:indexed], oldest and largest first
	indexed  int        // frames[indexed:] are scanned linearly
}

type segment struct {
	ix         *pdqindex.Index // entry IDs are frame positions
	start, len int
}

// NewIndex returns an empty index matching with opt.
func NewIndex(opt MatchOptions) *Index { return &Index{opt: opt, pendingMax: defaultPendingMax} }

// BuildIndex indexes many videos at once in one segment, faster than Add
// one by one. Videos with no frame of enough quality are skipped and their
// IDs returned.
func BuildIndex(videos []Video, opt MatchOptions) (*Index, []uint64) {
	ix := NewIndex(opt)
	var skipped []uint64
	for _, v := range videos {
		hs := Prepare(v.Hash, opt.MinQuality)
		if len(hs) == 0 {
			skipped = append(skipped, v.ID)
			continue
		}
		ix.appendVideo(v.ID, hs)
	}
	if len(ix.frames) > 0 {
		ix.segments = append(ix.segments, ix.newSegment(0, len(ix.frames)))
		ix.indexed = len(ix.frames)
	}
	return ix, skipped
}

func (ix *Index) newSegment(start, end int) segment {
	entries := make([]pdqindex.Entry, end-start)
	for i := range entries {
		entries[i] = pdqindex.Entry{Hash: ix.frames[start+i], ID: uint64(start + i)}
	}
	return segment{ix: pdqindex.Build(entries), start: start, len: end - start}
}

func (ix *Index) appendVideo(id uint64, hs []pdq.Hash) {
	v := uint32(len(ix.ids))
	ix.ids = append(ix.ids, id)
	ix.removed = append(ix.removed, false)
	ix.live++
	ix.first = append(ix.first, uint32(len(ix.frames)))
	ix.count = append(ix.count, uint32(len(hs)))
	ix.frames = append(ix.frames, hs...)
	for range hs {
		ix.owner = append(ix.owner, v)
	}
}

// Len returns the number of indexed videos not removed.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.live
}

// Remove leaves every video added under id out of later answers and
// returns how many there were. Their frames stay in the index until it is
// rebuilt (BuildIndex), so a bank that removes much should rebuild.
func (ix *Index) Remove(id uint64) int {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	n := 0
	for v, vid := range ix.ids {
		if vid == id && !ix.removed[v] {
			ix.removed[v] = true
			n++
		}
	}
	ix.live -= n
	return n
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
	if len(ix.frames)-ix.indexed < ix.pendingMax {
		return nil
	}
	start := ix.indexed
	// Merge while the new segment is at least as large as the one before
	// it, so there are about log2(frames/pendingMax) segments.
	for n := len(ix.segments); n > 0 && len(ix.frames)-start >= ix.segments[n-1].len; n-- {
		start = ix.segments[n-1].start
		ix.segments = ix.segments[:n-1]
	}
	ix.segments = append(ix.segments, ix.newSegment(start, len(ix.frames)))
	ix.indexed = len(ix.frames)
	return nil
}

// Query returns the indexed videos matching at least minQueryPercent of
// q's frames (frames within MaxDistance, both of at least MinQuality), and
// at least one frame when minQueryPercent <= 0, with Match's percentages;
// best query percentage first, then best compared percentage, then ID.
// The reference's index uses DefaultQueryMatchPercent.
func (ix *Index) Query(q Hash, minQueryPercent float64) []IndexMatch {
	qh := Prepare(q, ix.opt.MinQuality)
	n := len(qh)
	if n == 0 {
		return nil
	}
	// The fewest matched query frames that reach the percentage, computed
	// with Match's own expression.
	need := 0
	for need <= n && float64(need)*100/float64(n) < minQueryPercent {
		need++
	}
	if need > n {
		return nil
	}
	need = max(need, 1)
	searched := n - need + 1

	ix.mu.RLock()
	defer ix.mu.RUnlock()
	candidates := make(map[uint32]struct{})
	var buf []pdqindex.Match
	for i := range searched {
		// Any subset would do; neighbouring frames share most index
		// buckets, so a run of them costs fewer cache misses than a spread.
		h := qh[i]
		for _, s := range ix.segments {
			buf = s.ix.Search(h, ix.opt.MaxDistance, buf[:0])
			for _, m := range buf {
				candidates[ix.owner[m.ID]] = struct{}{}
			}
		}
		for p := ix.indexed; p < len(ix.frames); p++ {
			if pdq.Distance(h, ix.frames[p]) <= ix.opt.MaxDistance {
				candidates[ix.owner[p]] = struct{}{}
			}
		}
	}
	out := make([]IndexMatch, 0, len(candidates))
	queryHit := make([]bool, n)
	for v := range candidates {
		if ix.removed[v] {
			continue
		}
		frames := ix.frames[ix.first[v] : ix.first[v]+ix.count[v]]
		clear(queryHit)
		framesHit := 0
		for _, f := range frames {
			hit := false
			for i := range qh {
				if pdq.Distance(qh[i], f) <= ix.opt.MaxDistance {
					queryHit[i], hit = true, true
				}
			}
			if hit {
				framesHit++
			}
		}
		queries := 0
		for _, b := range queryHit {
			if b {
				queries++
			}
		}
		if queries < need {
			continue
		}
		out = append(out, IndexMatch{
			ID:              ix.ids[v],
			QueryPercent:    float64(queries) * 100 / float64(n),
			ComparedPercent: float64(framesHit) * 100 / float64(len(frames)),
		})
	}
	slices.SortFunc(out, func(a, b IndexMatch) int {
		return cmp.Or(cmp.Compare(b.QueryPercent, a.QueryPercent),
			cmp.Compare(b.ComparedPercent, a.ComparedPercent), cmp.Compare(a.ID, b.ID))
	})
	return out
}
