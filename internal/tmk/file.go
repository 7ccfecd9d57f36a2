package tmk

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// Bounds on what Read accepts, far above what the reference writes (4
// periods, 32 coefficients, 256 dimensions: a 263,344-byte file) so that a
// hostile header cannot make Read allocate much.
const (
	maxPeriods      = 64
	maxCoefficients = 256
	maxDim          = 4096
	maxFloats       = 1 << 22
	maxPeriod       = 1 << 16
	// maxLevel2Work bounds sum(periods)*coefficients, the inner-loop count
	// of Level2 (the reference's files: about a million), so a hostile
	// file cannot make a comparison take minutes.
	maxLevel2Work = 1 << 24
)

// ErrFormat is returned (wrapped) for input that is not a .tmk feature file.
var ErrFormat = errors.New("tmk: not a TMK feature-vector file")

// header is the reference's FeatureVectorFileHeader, little-endian.
type header struct {
	Project, FileType, Algorithm [4]byte
	FramesPerSecond              int32
	NumPeriods                   int32
	NumCoefficients              int32
	Dim                          int32
	FrameCount                   int32
}

// Write writes f in the reference's binary .tmk format: the 32-byte
// header, the periods, the coefficients, the average feature, then every
// cosine vector and every sine vector, little-endian.
func (f *Features) Write(w io.Writer) error {
	if err := f.check(); err != nil {
		return err
	}
	h := header{
		FramesPerSecond: int32(f.FramesPerSecond),
		NumPeriods:      int32(len(f.Periods)),
		NumCoefficients: int32(len(f.Coefficients)),
		Dim:             int32(f.Dim()),
		FrameCount:      int32(f.FrameCount),
		Algorithm:       f.Algorithm,
	}
	copy(h.Project[:], "TMK1")
	copy(h.FileType[:], "FVEC")
	for _, v := range []any{&h, f.Periods, f.Coefficients, f.Average, f.Cos, f.Sin} {
		if err := binary.Write(w, binary.LittleEndian, v); err != nil {
			return fmt.Errorf("tmk: write: %w", err)
		}
	}
	return nil
}

// MarshalBinary returns f's .tmk file.
func (f *Features) MarshalBinary() ([]byte, error) {
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Unmarshal reads a whole .tmk file; trailing bytes are an error.
func Unmarshal(data []byte) (*Features, error) {
	r := bytes.NewReader(data)
	f, err := Read(r)
	if err != nil {
		return nil, err
	}
	if r.Len() != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes", ErrFormat, r.Len())
	}
	return f, nil
}

// Read reads one .tmk feature file from r. Only the PDQF algorithm is
// accepted, as the reference does; non-finite values are refused.
func Read(r io.Reader) (*Features, error) {
	var h header
	if err := binary.Read(r, binary.LittleEndian, &h); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrFormat, err)
	}
	if string(h.Project[:]) != "TMK1" || string(h.FileType[:]) != "FVEC" {
		return nil, fmt.Errorf("%w: magic %q %q", ErrFormat, h.Project[:], h.FileType[:])
	}
	if string(h.Algorithm[:]) != Algorithm {
		return nil, fmt.Errorf("%w: frame-feature algorithm %q, want %q", ErrFormat, h.Algorithm[:], Algorithm)
	}
	p, c, d := int(h.NumPeriods), int(h.NumCoefficients), int(h.Dim)
	if p < 1 || p > maxPeriods || c < 1 || c > maxCoefficients || d < 1 || d > maxDim ||
		p*c*d > maxFloats || h.FramesPerSecond < 1 || h.FrameCount < 0 {
		return nil, fmt.Errorf("%w: %d periods, %d coefficients, dimension %d, %d fps, %d frames",
			ErrFormat, p, c, d, h.FramesPerSecond, h.FrameCount)
	}
	f := &Features{
		Algorithm:       h.Algorithm,
		FramesPerSecond: int(h.FramesPerSecond),
		FrameCount:      int(h.FrameCount),
		Periods:         make([]int32, p),
		Coefficients:    make([]float32, c),
		Average:         make([]float32, d),
		Cos:             make([]float32, p*c*d),
		Sin:             make([]float32, p*c*d),
	}
	for _, v := range []any{f.Periods, f.Coefficients, f.Average, f.Cos, f.Sin} {
		if err := binary.Read(r, binary.LittleEndian, v); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrFormat, err)
		}
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	return f, nil
}

// check validates the shape and values: positive periods, finite floats.
func (f *Features) check() error {
	p, c, d := len(f.Periods), len(f.Coefficients), f.Dim()
	if p < 1 || c < 1 || d < 1 || len(f.Cos) != p*c*d || len(f.Sin) != p*c*d {
		return fmt.Errorf("%w: shape %d periods x %d coefficients x %d, %d cos and %d sin values",
			ErrFormat, p, c, d, len(f.Cos), len(f.Sin))
	}
	work := 0
	for _, t := range f.Periods {
		if t < 1 || t > maxPeriod {
			return fmt.Errorf("%w: period %d", ErrFormat, t)
		}
		work += int(t) * c
	}
	if work > maxLevel2Work {
		return fmt.Errorf("%w: periods and coefficients too many to compare", ErrFormat)
	}
	for _, s := range [][]float32{f.Coefficients, f.Average, f.Cos, f.Sin} {
		for _, v := range s {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("%w: non-finite value", ErrFormat)
			}
		}
	}
	return nil
}
