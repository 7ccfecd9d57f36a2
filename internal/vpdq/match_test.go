package vpdq

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/pdq"
	"github.com/sigap/sigap/internal/video/videotest"
)

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func randHash(r *rand.Rand) pdq.Hash {
	return pdq.Hash{r.Uint64(), r.Uint64(), r.Uint64(), r.Uint64()}
}

// flip returns h with k distinct bits flipped.
func flip(r *rand.Rand, h pdq.Hash, k int) pdq.Hash {
	var done pdq.Hash
	for done.OnesCount() < k {
		b := r.IntN(256)
		done[b/64] |= 1 << (b % 64)
	}
	for i := range h {
		h[i] ^= done[i]
	}
	return h
}

func TestMatch(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	a, b, c := randHash(r), randHash(r), randHash(r)
	near31, far32 := flip(r, a, 31), flip(r, a, 32)
	f := func(h pdq.Hash, q int) Feature { return Feature{Hash: h, Quality: q} }
	tests := []struct {
		name         string
		q, c         Hash
		wantQ, wantC float64
	}{
		{"identical", Hash{f(a, 100), f(b, 100)}, Hash{f(a, 100), f(b, 100)}, 100, 100},
		{"distance 31 matches", Hash{f(a, 100)}, Hash{f(near31, 100)}, 100, 100},
		{"distance 32 does not", Hash{f(a, 100)}, Hash{f(far32, 100)}, 0, 0},
		{"half of the query", Hash{f(a, 100), f(b, 100)}, Hash{f(a, 100)}, 50, 100},
		{"low quality left out", Hash{f(a, 100), f(b, 49)}, Hash{f(a, 100), f(b, 100), f(c, 100)}, 100, 100.0 / 3},
		{"repeated frames count once", Hash{f(a, 100), f(a, 100), f(a, 100), f(b, 100)}, Hash{f(a, 100)}, 50, 100},
		{"nothing of quality", Hash{f(a, 10)}, Hash{f(a, 100)}, 0, 0},
		{"empty compared", Hash{f(a, 100)}, nil, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			gq, gc := Match(tc.q, tc.c, DefaultMatchOptions())
			if gq != tc.wantQ || gc != tc.wantC {
				t.Errorf("Match = %v, %v; want %v, %v", gq, gc, tc.wantQ, tc.wantC)
			}
		})
	}
}

// refDecisions are the matches the reference's own sample hashes give at
// the reference's thresholds (query share >= 80%): the chair clips match
// one another except the one whose large logo covers the chair, which
// matches only itself (about 10% either way); the padded clip matches
// nothing else.
func refMatch(a, b string) bool {
	large := func(s string) bool { return strings.Contains(s, "large-logo") }
	chair := func(s string) bool { return strings.HasPrefix(s, "chair-") }
	if a == b {
		return true
	}
	return chair(a) && chair(b) && !large(a) && !large(b)
}

func TestReferenceHashesPairwise(t *testing.T) {
	t.Parallel()
	dir := videotest.SharedDir(t)
	for _, suffix := range []string{"", "-128x128"} {
		files, err := filepath.Glob(filepath.Join(dir, "vpdq", "*"+suffix+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		hashes := map[string]Hash{}
		for _, f := range files {
			name := strings.TrimSuffix(filepath.Base(f), ".txt")
			if suffix == "" && strings.HasSuffix(name, "-128x128") {
				continue
			}
			hashes[strings.TrimSuffix(name, suffix)] = readHashFile(t, f)
		}
		if len(hashes) < 7 {
			t.Fatalf("%d sample hash files for %q", len(hashes), suffix)
		}
		for a, ha := range hashes {
			for b, hb := range hashes {
				q, c := Match(ha, hb, DefaultMatchOptions())
				if got := q >= DefaultQueryMatchPercent; got != refMatch(a, b) {
					t.Errorf("%s%s vs %s: query %.2f%%, compared %.2f%%; match %v, want %v", a, suffix, b, q, c, got, !got)
				}
			}
		}
	}
}
