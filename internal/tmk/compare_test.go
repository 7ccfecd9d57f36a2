package tmk

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/pdq"
	"github.com/sigap/sigap/internal/video/videotest"
)

// refMatch is the reference's decision on the sample videos at its default
// thresholds: the chair clips match one another except the one whose large
// logo covers the chair (level 1 about 0.45 against every other).
func refMatch(a, b string) bool {
	if a == b {
		return true
	}
	large := func(s string) bool { return strings.Contains(s, "large-logo") }
	return strings.HasPrefix(a, "chair-") && strings.HasPrefix(b, "chair-") && !large(a) && !large(b)
}

// comparePair compares fa with fb at the default thresholds and checks the
// decision is the reference's for videos a and b; pair names them in a
// failure.
func comparePair(t *testing.T, pair string, a, b string, fa, fb *Features) Score {
	t.Helper()
	s, err := Compare(fa, fb, DefaultThresholds())
	if err != nil {
		t.Fatal(err)
	}
	if s.Match != refMatch(a, b) {
		t.Errorf("%s: %+v, want match %v", pair, s, refMatch(a, b))
	}
	return s
}

func TestReferencePairs(t *testing.T) {
	t.Parallel()
	ref := referenceFeatures(t, videotest.SharedDir(t))
	for a, fa := range ref {
		for b, fb := range ref {
			s := comparePair(t, a+" vs "+b, a, b, fa, fb)
			if a == b && (math.Abs(s.Level1-1) > 1e-5 || math.Abs(s.Level2-1) > 1e-3) {
				t.Errorf("%s against itself: %+v, want about 1 and 1", a, s)
			}
			if s.Level1 < DefaultLevel1 && !math.IsNaN(s.Level2) {
				t.Errorf("%s vs %s: level 2 computed below the level-1 threshold", a, b)
			}
		}
	}
}

func randomFeatures(r *rand.Rand, n int) []pdq.Float {
	out := make([]pdq.Float, n)
	base := make([]float32, FeatureDim)
	for k := range base {
		base[k] = float32(r.NormFloat64() * 100)
	}
	for i := range out {
		for k := range out[i] {
			// Drifting content, so frames differ over time.
			base[k] += float32(r.NormFloat64() * 30)
			out[i][k] = base[k]
		}
	}
	return out
}

func build(frames []pdq.Float) *Features {
	b := NewBuilder()
	for i := range frames {
		b.Add(&frames[i])
	}
	return b.Finish()
}

// TestTimeShift checks the kernel's point: a clip and the same clip with
// unrelated frames before it score high at level 2, an unrelated clip of
// similar statistics does not.
func TestTimeShift(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	clip := randomFeatures(r, 300)
	shifted := append(randomFeatures(r, 45), clip...)
	other := randomFeatures(r, 300)
	a, b, c := build(clip), build(shifted), build(other)
	if a.FrameCount != 300 || b.FrameCount != 345 {
		t.Fatalf("frame counts %d, %d", a.FrameCount, b.FrameCount)
	}
	th := Thresholds{Level1: -1, Level2: DefaultLevel2} // always compute level 2
	same, err := Compare(a, b, th)
	if err != nil {
		t.Fatal(err)
	}
	diff, err := Compare(a, c, th)
	if err != nil {
		t.Fatal(err)
	}
	if !same.Match || same.Level2 < 0.8 {
		t.Errorf("shifted copy: %+v, want a level-2 match", same)
	}
	if diff.Level2 > same.Level2-0.3 {
		t.Errorf("unrelated clip level 2 %.3f not well below the copy's %.3f", diff.Level2, same.Level2)
	}
}

func TestCompatible(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	base := build(randomFeatures(r, 20))
	tests := []struct {
		name string
		edit func(f *Features)
	}{
		{"fps", func(f *Features) { f.FramesPerSecond = 30 }},
		{"periods", func(f *Features) { f.Periods[1]++ }},
		{"coefficient", func(f *Features) { f.Coefficients[3] *= 1.01 }},
		{"algorithm", func(f *Features) { copy(f.Algorithm[:], "XXXX") }},
		{"dimension", func(f *Features) { f.Average = f.Average[:10] }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			other := build(randomFeatures(rand.New(rand.NewPCG(3, 4)), 20))
			tc.edit(other)
			if _, err := Compare(base, other, DefaultThresholds()); !errors.Is(err, ErrIncompatible) {
				t.Errorf("err = %v, want ErrIncompatible", err)
			}
		})
	}
	if _, err := Compare(base, base, DefaultThresholds()); err != nil {
		t.Errorf("self: %v", err)
	}
}

func TestEmptyVideo(t *testing.T) {
	t.Parallel()
	f := NewBuilder().Finish()
	if f.FrameCount != 0 {
		t.Fatalf("frame count %d", f.FrameCount)
	}
	b, err := f.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if s, err := Compare(back, f, DefaultThresholds()); err != nil || s.Match || s.Level1 != 0 {
		t.Errorf("empty against empty: %+v, %v", s, err)
	}
}
