package pdqindex

import (
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/sigap/sigap/internal/pdq"
	"pgregory.net/rapid"
)

func randHash(r *rand.Rand) pdq.Hash {
	return pdq.Hash{r.Uint64(), r.Uint64(), r.Uint64(), r.Uint64()}
}

// flipBits returns h with exactly k distinct bits flipped.
func flipBits(r *rand.Rand, h pdq.Hash, k int) pdq.Hash {
	for _, b := range r.Perm(256)[:k] {
		h[b>>6] ^= 1 << (uint(b) & 63)
	}
	return h
}

func TestSearchMatchesBruteForceRapid(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		seed := rapid.Uint64().Draw(t, "seed")
		r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
		n := rapid.IntRange(0, 300).Draw(t, "n")
		entries := make([]Entry, 0, n)
		q := randHash(r)
		for i := range n {
			h := randHash(r)
			if rapid.Bool().Draw(t, "near") {
				h = flipBits(r, q, rapid.IntRange(0, 70).Draw(t, "flips"))
			}
			entries = append(entries, Entry{Hash: h, ID: uint64(i % 50)})
		}
		maxDist := rapid.IntRange(-1, 80).Draw(t, "maxDist")
		// 11 and 12 chunks allocate 128-448 MB of tables; TestPlantedNeighbours covers them.
		chunks := rapid.IntRange(13, 16).Draw(t, "chunks")
		got := BuildWith(entries, Options{Chunks: chunks}).Search(q, maxDist, nil)
		want := NewBruteForce(entries).Search(q, maxDist, nil)
		if !slices.Equal(got, want) {
			t.Fatalf("maxDist %d: index %v, brute force %v", maxDist, got, want)
		}
	})
}

func TestPlantedNeighbours(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		n       int
		maxDist int
		chunks  int
		planted []int // distances to plant around each query
	}{
		{"default threshold", 20000, DefaultMaxDistance, 0, rangeInts(0, 40)},
		{"11 chunks", 20000, DefaultMaxDistance, 11, rangeInts(0, 40)},
		{"12 chunks", 20000, DefaultMaxDistance, 12, rangeInts(0, 40)},
		{"14 chunks radius 3", 5000, 45, 14, rangeInts(40, 50)},
		{"exact only", 5000, 0, 0, []int{0, 0, 1, 2}},
		{"radius 2", 5000, 47, 16, rangeInts(30, 50)},
		{"scan fallback", 3000, 70, 16, rangeInts(65, 75)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(uint64(tc.n), uint64(tc.maxDist)))
			entries := make([]Entry, 0, tc.n)
			for i := range tc.n {
				entries = append(entries, Entry{Hash: randHash(r), ID: uint64(i)})
			}
			type plant struct {
				id   uint64
				dist int
			}
			queries := make([]pdq.Hash, 50)
			plants := make([][]plant, len(queries))
			id := uint64(1 << 40)
			for qi := range queries {
				queries[qi] = randHash(r)
				for _, d := range tc.planted {
					entries = append(entries, Entry{Hash: flipBits(r, queries[qi], d), ID: id})
					plants[qi] = append(plants[qi], plant{id, d})
					id++
				}
			}
			r.Shuffle(len(entries), func(i, j int) { entries[i], entries[j] = entries[j], entries[i] })
			ix, bf := BuildWith(entries, Options{Chunks: tc.chunks}), NewBruteForce(entries)
			var got, want []Match
			for qi, q := range queries {
				got = ix.Search(q, tc.maxDist, got[:0])
				want = bf.Search(q, tc.maxDist, want[:0])
				if !slices.Equal(got, want) {
					t.Fatalf("query %d: index %v, brute force %v", qi, got, want)
				}
				for _, p := range plants[qi] {
					found := slices.Contains(got, Match{ID: p.id, Distance: p.dist})
					if found != (p.dist <= tc.maxDist) {
						t.Errorf("query %d: planted at distance %d found=%v with maxDist %d", qi, p.dist, found, tc.maxDist)
					}
				}
			}
		})
	}
}

func TestChooseChunks(t *testing.T) {
	t.Parallel()
	tests := []struct{ n, want int }{{0, 16}, {1000, 16}, {100_000, 15}, {1_000_000, 13}, {10_000_000, 11}, {100_000_000, 11}}
	for _, tc := range tests {
		if got := chooseChunks(tc.n); got != tc.want {
			t.Errorf("chooseChunks(%d) = %d, want %d", tc.n, got, tc.want)
		}
	}
}

func rangeInts(lo, hi int) []int {
	var s []int
	for i := lo; i <= hi; i++ {
		s = append(s, i)
	}
	return s
}

func TestEmptyAndNil(t *testing.T) {
	t.Parallel()
	var nilIx *Index
	q := pdq.Hash{1, 2, 3, 4}
	tests := []struct {
		name string
		ix   *Index
	}{
		{"nil", nilIx},
		{"empty", Build(nil)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.ix.Search(q, 31, nil); len(got) != 0 || tc.ix.Len() != 0 {
				t.Errorf("Search = %v, Len = %d", got, tc.ix.Len())
			}
		})
	}
	ix := Build([]Entry{{Hash: q, ID: 7}})
	if got := ix.Search(q, -1, nil); len(got) != 0 {
		t.Errorf("negative distance matched %v", got)
	}
	prefix := []Match{{ID: 99, Distance: 99}}
	if got := ix.Search(q, 0, prefix); !slices.Equal(got, []Match{{99, 99}, {7, 0}}) {
		t.Errorf("append to out: %v", got)
	}
}

func TestDuplicatesReportedOncePerEntry(t *testing.T) {
	t.Parallel()
	q := pdq.Hash{0xdeadbeef, 42, 7, 1}
	entries := []Entry{{q, 1}, {q, 1}, {q, 2}}
	got := Build(entries).Search(q, 31, nil)
	want := []Match{{1, 0}, {1, 0}, {2, 0}}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestLiveSwapUnderReaders swaps snapshots while readers search; each reader
// must always see one complete snapshot (run with -race).
func TestLiveSwapUnderReaders(t *testing.T) {
	t.Parallel()
	q := pdq.Hash{1, 2, 3, 4}
	snap := func(n int) *Index {
		e := make([]Entry, n)
		for i := range e {
			e[i] = Entry{Hash: q, ID: uint64(n)}
		}
		return Build(e)
	}
	live := NewLive(nil)
	if live.Load() != nil || len(live.Search(q, 31, nil)) != 0 {
		t.Fatal("new Live not empty")
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			var out []Match
			for {
				select {
				case <-stop:
					return
				default:
				}
				out = live.Search(q, 31, out[:0])
				for _, m := range out {
					if int(m.ID) != len(out) {
						t.Errorf("torn snapshot: %d matches with ID %d", len(out), m.ID)
						return
					}
				}
			}
		})
	}
	for n := 1; n <= 50; n++ {
		prev := live.Swap(snap(n))
		if prev != nil && prev.Len() != n-1 {
			t.Errorf("Swap returned snapshot of %d, want %d", prev.Len(), n-1)
		}
	}
	close(stop)
	wg.Wait()
}
