package tmk

import (
	"errors"
	"math"

	"github.com/sigap/sigap/internal/pdq"
)

// The reference's constants.
const (
	FramesPerSecond = 15  // frames are resampled to 15 per second
	FrameSize       = 64  // and scaled to 64x64 before PDQF
	FeatureDim      = 256 // PDQF: the 16x16 DCT coefficients
	// DefaultLevel1 and DefaultLevel2 are tmk_default_thresholds.h's
	// cut-offs for the time-average cosine and the kernel score.
	DefaultLevel1 = 0.7
	DefaultLevel2 = 0.7
)

// Algorithm is the frame-feature magic of PDQF feature files.
const Algorithm = "PDQF"

// poullotPeriods and poullotCoefficients are the reference's
// makePoullotPeriods and makePoullotFourierCoefficients.
var (
	poullotPeriods      = [...]int32{2731, 4391, 9767, 14653}
	poullotCoefficients = [...]float32{
		0.0708041893112, 0.13937789309, 0.132897260304,
		0.122765735552, 0.109878684888, 0.09529606433,
		0.0800986647852, 0.0652590650356, 0.0515478238322,
		0.0394851531195, 0.0293374252025, 0.0211492623679,
		0.0147973073245, 0.0100512818746, 0.0066306408014,
		0.00424947117334, 0.0026467615764, 0.00160270959695,
		0.000943882629639, 0.000540841638603, 0.000301633183798,
		0.000163800158855, 8.66454753015e-05, 4.46626303151e-05,
		2.24429442235e-05, 1.09982139799e-05, 5.25823487999e-06,
		2.45358229988e-06, 1.11781474895e-06, 4.97406489221e-07,
		2.16265487234e-07, 9.19087006565e-08,
	}
)

// Features is one video's TMK feature vectors: the time average of its
// frame features and, per period and Fourier coefficient, the cosine- and
// sine-weighted sums of the L2-normalised frame features.
type Features struct {
	Algorithm       [4]byte
	FramesPerSecond int
	FrameCount      int // frames after time resampling (informational)
	Periods         []int32
	Coefficients    []float32
	Average         []float32 // Dim values
	// Cos and Sin hold len(Periods)*len(Coefficients) vectors of Dim
	// values, period-major: vector (i, j) starts at (i*len(Coefficients)+j)*Dim.
	Cos, Sin []float32
}

// Dim returns the frame-feature dimension.
func (f *Features) Dim() int { return len(f.Average) }

func (f *Features) vec(s []float32, i, j int) []float32 {
	d := f.Dim()
	o := (i*len(f.Coefficients) + j) * d
	return s[o : o+d]
}

// Builder accumulates frame features in time order, as the reference's
// ingestFrameFeature.
type Builder struct {
	f    *Features
	norm []float32
}

// NewBuilder returns a builder with the reference's periods and
// coefficients for PDQF features at 15 frames per second.
func NewBuilder() *Builder {
	f := &Features{
		FramesPerSecond: FramesPerSecond,
		Periods:         append([]int32(nil), poullotPeriods[:]...),
		Coefficients:    append([]float32(nil), poullotCoefficients[:]...),
		Average:         make([]float32, FeatureDim),
	}
	copy(f.Algorithm[:], Algorithm)
	n := len(f.Periods) * len(f.Coefficients) * FeatureDim
	f.Cos, f.Sin = make([]float32, n), make([]float32, n)
	return &Builder{f: f, norm: make([]float32, FeatureDim)}
}

// Add ingests the next frame's PDQF feature.
func (b *Builder) Add(feature *pdq.Float) {
	f := b.f
	t := f.FrameCount
	for k, v := range feature {
		f.Average[k] += v
	}
	copy(b.norm, feature[:])
	l2Normalize(b.norm)
	for i, period := range f.Periods {
		c0 := f.vec(f.Cos, i, 0)
		for k, v := range b.norm {
			c0[k] += v
		}
		for j := 1; j < len(f.Coefficients); j++ {
			arg := 2.0 * math.Pi * float64(j) * float64(t) / float64(period)
			ca, sa := math.Cos(arg), math.Sin(arg)
			cj, sj := f.vec(f.Cos, i, j), f.vec(f.Sin, i, j)
			// float += float*double in the reference: the sum is taken in
			// double and rounded once; the conversions keep Go from fusing.
			for k, v := range b.norm {
				cj[k] = float32(float64(cj[k]) + float64(float64(v)*ca))
				sj[k] = float32(float64(sj[k]) + float64(float64(v)*sa))
			}
		}
	}
	f.FrameCount++
}

// Finish averages and normalises the sums and returns the features; the
// builder must not be used afterwards.
func (b *Builder) Finish() *Features {
	f := b.f
	b.f = nil
	if f.FrameCount == 0 {
		return f
	}
	n := float32(f.FrameCount)
	for k := range f.Average {
		f.Average[k] /= n
	}
	for i := range f.Periods {
		for j, c := range f.Coefficients {
			s := float32(math.Sqrt(float64(c)))
			for _, v := range [][]float32{f.vec(f.Cos, i, j), f.vec(f.Sin, i, j)} {
				l2Normalize(v)
				for k := range v {
					v[k] *= s
				}
			}
		}
	}
	return f
}

func norm(u []float32) float32 {
	var s float32
	for _, v := range u {
		s += float32(v * v)
	}
	return float32(math.Sqrt(float64(s)))
}

func dot(u, v []float32) float32 {
	var s float32
	for i := range u {
		s += float32(u[i] * v[i])
	}
	return s
}

func l2Normalize(u []float32) {
	if n := norm(u); n > 0 {
		for k := range u {
			u[k] /= n
		}
	}
}

// ErrIncompatible is returned when two feature files were not made the same
// way (algorithm, rate, periods, coefficients or dimension differ).
var ErrIncompatible = errors.New("tmk: incompatible feature vectors")
