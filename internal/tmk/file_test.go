package tmk

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"path/filepath"
	"testing"

	"github.com/sigap/sigap/internal/video/videotest"
)

// TestReferenceFilesRoundTrip reads the reference's .tmk files and writes
// them back byte for byte.
func TestReferenceFilesRoundTrip(t *testing.T) {
	t.Parallel()
	dir := videotest.SharedDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "tmk", "*.tmk"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .tmk files: %v", err)
	}
	for _, name := range files {
		f, b := readTMKBytes(t, name)
		if string(f.Algorithm[:]) != Algorithm || f.FramesPerSecond != 15 || f.Dim() != FeatureDim ||
			len(f.Periods) != 4 || len(f.Coefficients) != 32 || f.FrameCount < 200 {
			t.Errorf("%s: header %s %d fps, dim %d, %d periods, %d coefficients, %d frames", name,
				f.Algorithm[:], f.FramesPerSecond, f.Dim(), len(f.Periods), len(f.Coefficients), f.FrameCount)
		}
		out, err := f.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, b) {
			t.Errorf("%s: written bytes differ from the reference file", name)
		}
	}
}

// smallFile builds a valid .tmk with 1 period, 2 coefficients, dimension 3.
func smallFile(t *testing.T, edit func(h *header, body []float32), period ...int32) []byte {
	t.Helper()
	h := header{FramesPerSecond: 15, NumPeriods: 1, NumCoefficients: 2, Dim: 3, FrameCount: 9}
	copy(h.Project[:], "TMK1")
	copy(h.FileType[:], "FVEC")
	copy(h.Algorithm[:], Algorithm)
	body := make([]float32, 2+3+2*2*3) // coefficients, average, cos, sin
	for i := range body {
		body[i] = float32(i) / 10
	}
	if edit != nil {
		edit(&h, body)
	}
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, &h)
	periods := []int32{100}
	if len(period) > 0 {
		periods = period
	}
	binary.Write(&b, binary.LittleEndian, periods)
	binary.Write(&b, binary.LittleEndian, body)
	return b.Bytes()
}

func TestReadErrors(t *testing.T) {
	t.Parallel()
	good := smallFile(t, nil)
	if f, err := Unmarshal(good); err != nil || f.Dim() != 3 || f.Periods[0] != 100 {
		t.Fatalf("the small valid file: %v", err)
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"short header", good[:20]},
		{"truncated body", good[:len(good)-1]},
		{"trailing byte", append(append([]byte(nil), good...), 0)},
		{"project magic", smallFile(t, func(h *header, _ []float32) { copy(h.Project[:], "TMK2") })},
		{"file type", smallFile(t, func(h *header, _ []float32) { copy(h.FileType[:], "FEAT") })},
		{"algorithm", smallFile(t, func(h *header, _ []float32) { copy(h.Algorithm[:], "ABCD") })},
		{"no periods", smallFile(t, func(h *header, _ []float32) { h.NumPeriods = 0 })},
		{"huge dimension", smallFile(t, func(h *header, _ []float32) { h.Dim = 1 << 30 })},
		{"negative coefficients", smallFile(t, func(h *header, _ []float32) { h.NumCoefficients = -1 })},
		{"too many floats", smallFile(t, func(h *header, _ []float32) { h.NumPeriods, h.NumCoefficients, h.Dim = 64, 256, 4096 })},
		{"huge period", smallFile(t, func(h *header, _ []float32) {}, 1<<20)},
		{"zero period", smallFile(t, func(h *header, _ []float32) {}, 0)},
		{"zero fps", smallFile(t, func(h *header, _ []float32) { h.FramesPerSecond = 0 })},
		{"NaN", smallFile(t, func(_ *header, b []float32) { b[4] = float32(math.NaN()) })},
		{"infinity", smallFile(t, func(_ *header, b []float32) { b[7] = float32(math.Inf(1)) })},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := Unmarshal(tc.data); !errors.Is(err, ErrFormat) {
				t.Fatalf("err = %v, want ErrFormat", err)
			}
		})
	}
}
