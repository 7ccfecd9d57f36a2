package tmk

import (
	"fmt"
	"math"
	"slices"
)

// Thresholds are the two-level comparison's cut-offs.
type Thresholds struct {
	Level1 float64 // cosine similarity of the time averages, in [-1, 1]
	Level2 float64 // normalised kernel score at the best time offset, about [0, 1]
}

// DefaultThresholds returns the reference's defaults (0.7 and 0.7).
func DefaultThresholds() Thresholds { return Thresholds{Level1: DefaultLevel1, Level2: DefaultLevel2} }

// Score is the outcome of a two-level comparison.
type Score struct {
	Level1 float64
	// Level2 is computed only when Level1 passes its threshold (the cheap
	// level culls the expensive one, as tmk-two-level-score does); it is
	// NaN otherwise.
	Level2 float64
	Match  bool // Level1 and Level2 both at or above their thresholds
}

// Compatible reports whether a and b were made the same way, with
// ErrIncompatible when not.
func Compatible(a, b *Features) error {
	switch {
	case a.Algorithm != b.Algorithm:
		return fmt.Errorf("%w: algorithm %q != %q", ErrIncompatible, a.Algorithm[:], b.Algorithm[:])
	case a.FramesPerSecond != b.FramesPerSecond:
		return fmt.Errorf("%w: %d != %d frames per second", ErrIncompatible, a.FramesPerSecond, b.FramesPerSecond)
	case !slices.Equal(a.Periods, b.Periods):
		return fmt.Errorf("%w: periods %v != %v", ErrIncompatible, a.Periods, b.Periods)
	case a.Dim() != b.Dim():
		return fmt.Errorf("%w: dimension %d != %d", ErrIncompatible, a.Dim(), b.Dim())
	case len(a.Coefficients) != len(b.Coefficients):
		return fmt.Errorf("%w: %d != %d coefficients", ErrIncompatible, len(a.Coefficients), len(b.Coefficients))
	}
	for i, ca := range a.Coefficients {
		cb := b.Coefficients[i]
		if m := max(abs32(ca), abs32(cb)); m > 0 && abs32((ca-cb)/m) > 1e-6 {
			return fmt.Errorf("%w: coefficient %d %g != %g", ErrIncompatible, i, ca, cb)
		}
	}
	return nil
}

func abs32(v float32) float32 { return float32(math.Abs(float64(v))) }

// Compare runs the reference's two-level comparison of a and b.
func Compare(a, b *Features, th Thresholds) (Score, error) {
	if err := Compatible(a, b); err != nil {
		return Score{}, err
	}
	s := Score{Level1: float64(Level1(a, b)), Level2: math.NaN()}
	if s.Level1 >= th.Level1 {
		s.Level2 = float64(Level2(a, b))
		s.Match = s.Level2 >= th.Level2
	}
	return s, nil
}

// Level1 is the cosine similarity of the time-average features (0 when
// both are zero), the reference's computeLevel1Score. a and b must be
// Compatible.
func Level1(a, b *Features) float32 {
	nu, nv := norm(a.Average), norm(b.Average)
	if nu == 0 && nv == 0 {
		return 0
	}
	return dot(a.Average, b.Average) / (nu * nv)
}

// Level2 is the reference's computeLevel2Score: for each period, the
// kernel's value at the best time offset between the videos; the largest
// over the periods, divided by the coefficients' normaliser. a and b must
// be Compatible.
func Level2(a, b *Features) float32 {
	nc := len(a.Coefficients)
	sum := make([]float32, nc)  // cos·cos + sin·sin per coefficient
	diff := make([]float32, nc) // sin·cos - cos·sin per coefficient
	var best float32
	for i, period := range a.Periods {
		var k0 float32
		for j := range nc {
			ac, as := a.vec(a.Cos, i, j), a.vec(a.Sin, i, j)
			bc, bs := b.vec(b.Cos, i, j), b.vec(b.Sin, i, j)
			cc := dot(ac, bc)
			if j == 0 {
				k0 = cc
			}
			sum[j] = cc + dot(as, bs)
			diff[j] = dot(as, bc) - dot(ac, bs)
		}
		var maxK float32
		for offset := range int(period) {
			delta := float32(2.0 * math.Pi * float64(float32(offset)) / float64(float32(period)))
			// The reference's incremental cos/sin of j*delta (the
			// addition-formula recurrence of Numerical Recipes) in float32.
			cosJD, sinJD := float32(1), float32(0)
			beta := float32(math.Sin(float64(delta)))
			alpha := float32(math.Sin(float64(delta / 2)))
			alpha = 2 * alpha * alpha
			k := k0
			for j := 1; j < nc; j++ {
				nCos := float32(alpha*cosJD) + float32(beta*sinJD)
				nSin := float32(alpha*sinJD) - float32(beta*cosJD)
				cosJD -= nCos
				sinJD -= nSin
				k += float32(cosJD * sum[j])
				k += float32(sinJD * diff[j])
			}
			if offset == 0 || k > maxK {
				maxK = k
			}
		}
		if i == 0 || maxK > best {
			best = maxK
		}
	}
	return best / pairNormalizer(a.Coefficients)
}

// pairNormalizer is c0 + 2*(c1 + ... + cn), summed as the reference does.
func pairNormalizer(c []float32) float32 {
	if len(c) == 0 {
		return 1
	}
	n := c[0]
	for _, v := range c[1:] {
		n = float32(float64(n) + 2.0*float64(v))
	}
	return n
}
