package store

import (
	"math"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// TestInterpolateIsPercentileCont: SQLite's percentiles, from the ranks the
// window keeps, equal PostgreSQL's percentile_cont over the whole sorted list.
func TestInterpolateIsPercentileCont(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		vs := rapid.SliceOfN(rapid.Int64Range(0, 1e10), 1, 200).Draw(t, "values")
		slices.Sort(vs)
		n := int64(len(vs))
		ranks := map[int64]int64{}
		for _, tenths := range []int64{5, 9} {
			lo := (n - 1) * tenths / 10
			ranks[lo] = vs[lo]
			if lo+1 < n {
				ranks[lo+1] = vs[lo+1]
			}
		}
		for _, tenths := range []int64{5, 9} {
			// percentile_cont: position p(n-1) between the two closest ranks.
			pos := float64(tenths) / 10 * float64(n-1)
			lo := int64(math.Floor(pos))
			want := float64(vs[lo])
			if lo+1 < n {
				want += (pos - float64(lo)) * float64(vs[lo+1]-vs[lo])
			}
			if got := interpolate(ranks, n, tenths); math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
				t.Fatalf("p%d of %v = %v, want %v", tenths*10, vs, got, want)
			}
		}
	})
}
