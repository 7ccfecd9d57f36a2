package vpdq

import (
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/sigap/sigap/internal/pdq"
)

// randomVideo is a walk of n frames from a random start, each a few bits
// from the previous, some of low quality, some repeated, like a real
// hash; base, when set, starts the walk near it so videos overlap.
func randomVideo(r *rand.Rand, n int, base *pdq.Hash) Hash {
	h := randHash(r)
	if base != nil {
		h = flip(r, *base, r.IntN(40))
	}
	v := make(Hash, n)
	for i := range v {
		switch r.IntN(10) {
		case 0: // a still frame: same hash again
		case 1:
			h = randHash(r) // a cut
		default:
			h = flip(r, h, r.IntN(12))
		}
		v[i] = Feature{Frame: i, Quality: 30 + r.IntN(71), Hash: h}
	}
	return v
}

func checkAgainstMatch(t *testing.T, ix *Index, videos []Video, q Hash, minPercent float64) int {
	t.Helper()
	got := ix.Query(q, minPercent)
	var want []IndexMatch
	for _, v := range videos {
		qp, cp := Match(q, v.Hash, DefaultMatchOptions())
		if qp > 0 && qp >= minPercent && len(Prepare(v.Hash, DefaultMinQuality)) > 0 {
			want = append(want, IndexMatch{ID: v.ID, QueryPercent: qp, ComparedPercent: cp})
		}
	}
	key := func(m IndexMatch) uint64 { return m.ID }
	slices.SortFunc(got, func(a, b IndexMatch) int { return int(key(a)) - int(key(b)) })
	slices.SortFunc(want, func(a, b IndexMatch) int { return int(key(a)) - int(key(b)) })
	if !slices.Equal(got, want) {
		t.Fatalf("Query(%v%%) = %+v\nMatch gives %+v", minPercent, got, want)
	}
	return len(want)
}

// TestIndexAgreesWithMatch checks Query against brute-force Match on
// overlapping random videos, for an index built at once and one grown by
// Add across several segment merges.
func TestIndexAgreesWithMatch(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	var videos []Video
	var bases []pdq.Hash
	for i := range 400 {
		var base *pdq.Hash
		if len(bases) > 0 && i%3 == 0 {
			base = &bases[r.IntN(len(bases))]
		}
		h := randomVideo(r, 20+r.IntN(60), base)
		bases = append(bases, h[0].Hash)
		videos = append(videos, Video{ID: uint64(1000 + i), Hash: h})
	}
	built, skipped := BuildIndex(videos, DefaultMatchOptions())
	grown := NewIndex(DefaultMatchOptions())
	grown.pendingMax = 500 // several segments from a few thousand frames
	for _, v := range videos {
		if err := grown.Add(v.ID, v.Hash); err != nil && !slices.Contains(skipped, v.ID) {
			t.Fatalf("Add(%d): %v", v.ID, err)
		}
	}
	if pending := len(grown.frames) - grown.indexed; len(grown.segments) < 3 || pending == 0 {
		t.Fatalf("grown index has %d segments and %d pending frames; the test wants both", len(grown.segments), pending)
	}
	found := 0
	for i := range 60 {
		var q Hash
		if i%2 == 0 {
			// A trimmed, re-hashed copy of a banked video.
			src := videos[r.IntN(len(videos))].Hash
			q = slices.Clone(src[r.IntN(len(src)/2):])
			for j := range q {
				q[j].Hash = flip(r, q[j].Hash, r.IntN(20))
			}
		} else {
			q = randomVideo(r, 30, nil)
		}
		for _, p := range []float64{0, 30, 50, DefaultQueryMatchPercent, 100} {
			n := checkAgainstMatch(t, built, videos, q, p)
			checkAgainstMatch(t, grown, videos, q, p)
			if p == DefaultQueryMatchPercent {
				found += n
			}
		}
	}
	if found < 20 {
		t.Errorf("only %d matches at %v%% over 60 queries; the test wants the copies found", found, DefaultQueryMatchPercent)
	}
	if built.Len() != len(videos)-len(skipped) || grown.Len() != built.Len() {
		t.Errorf("Len: built %d, grown %d, want %d", built.Len(), grown.Len(), len(videos)-len(skipped))
	}
}

func TestIndexEdges(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 8))
	ix := NewIndex(DefaultMatchOptions())
	if got := ix.Query(randomVideo(r, 10, nil), 0); len(got) != 0 {
		t.Errorf("empty index returned %v", got)
	}
	low := Hash{{Quality: 10, Hash: randHash(r)}}
	if err := ix.Add(1, low); err != ErrEmpty {
		t.Errorf("Add(low quality) = %v, want ErrEmpty", err)
	}
	v := randomVideo(r, 10, nil)
	v[0].Quality = 100
	if err := ix.Add(2, v); err != nil {
		t.Fatal(err)
	}
	if got := ix.Query(low, 0); got != nil {
		t.Errorf("low-quality query returned %v", got)
	}
	got := ix.Query(v, 100)
	if len(got) != 1 || got[0].ID != 2 || got[0].QueryPercent != 100 || got[0].ComparedPercent != 100 {
		t.Errorf("self query = %+v", got)
	}
}

func TestIndexConcurrent(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(9, 10))
	videos := make([]Hash, 200)
	for i := range videos {
		videos[i] = randomVideo(r, 60, nil)
		videos[i][0].Quality = 100
	}
	ix := NewIndex(DefaultMatchOptions())
	var wg sync.WaitGroup
	wg.Go(func() {
		for i, v := range videos {
			if err := ix.Add(uint64(i), v); err != nil {
				t.Error(err)
			}
		}
	})
	wg.Go(func() {
		for _, v := range videos {
			ix.Query(v, 0)
		}
	})
	wg.Wait()
	for i, v := range videos {
		got := ix.Query(v, 100)
		if len(got) == 0 || got[0].QueryPercent != 100 || !slices.ContainsFunc(got, func(m IndexMatch) bool { return m.ID == uint64(i) }) {
			t.Fatalf("video %d not found: %+v", i, got)
		}
	}
}

// TestIndexThresholdEdge banks, for each query size and percentage, a
// video matching exactly the fewest query frames that reach the
// percentage, and those at the end of the query, farthest from the frames
// Query searches first: it must still be found, and one frame fewer must
// not be.
func TestIndexThresholdEdge(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(13, 14))
	for _, n := range []int{1, 2, 5, 13, 60} {
		for _, p := range []float64{1, 50, 79.9, DefaultQueryMatchPercent, 99, 100} {
			q := make(Hash, n)
			for i := range q {
				q[i] = Feature{Frame: i, Quality: 100, Hash: randHash(r)}
			}
			need := 0
			for float64(need)*100/float64(n) < p {
				need++
			}
			ix := NewIndex(DefaultMatchOptions())
			exact := slices.Clone(q[n-need:])
			if err := ix.Add(1, exact); err != nil {
				t.Fatal(err)
			}
			if need > 1 {
				if err := ix.Add(2, slices.Clone(q[n-need+1:])); err != nil {
					t.Fatal(err)
				}
			}
			got := ix.Query(q, p)
			if len(got) != 1 || got[0].ID != 1 || got[0].ComparedPercent != 100 {
				t.Errorf("n %d, %v%%: Query = %+v, want only video 1 (%d of %d frames)", n, p, got, need, n)
			}
		}
	}
}

func TestIndexRemove(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(15, 16))
	a, b := randomVideo(r, 30, nil), randomVideo(r, 30, nil)
	a[0].Quality, b[0].Quality = 100, 100
	ix := NewIndex(DefaultMatchOptions())
	for _, v := range []struct {
		id uint64
		h  Hash
	}{{1, a}, {2, b}, {1, b}} {
		if err := ix.Add(v.id, v.h); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(q Hash) []uint64 {
		var out []uint64
		for _, m := range ix.Query(q, 0) {
			out = append(out, m.ID)
		}
		slices.Sort(out)
		return out
	}
	if got := ids(b); !slices.Equal(got, []uint64{1, 2}) {
		t.Fatalf("before removal: %v", got)
	}
	if n := ix.Remove(1); n != 2 {
		t.Errorf("Remove(1) = %d, want 2 videos", n)
	}
	if got := ids(b); !slices.Equal(got, []uint64{2}) {
		t.Errorf("after removal, b found in %v, want [2]", got)
	}
	if got := ids(a); len(got) != 0 {
		t.Errorf("after removal, a found in %v", got)
	}
	if ix.Len() != 1 || ix.Remove(1) != 0 || ix.Remove(99) != 0 {
		t.Errorf("Len %d after removal, or a second Remove removed more", ix.Len())
	}
}
