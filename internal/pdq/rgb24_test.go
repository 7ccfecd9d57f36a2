package pdq

import (
	"errors"
	"image"
	"image/color"
	"math/rand/v2"
	"testing"
)

func randomNRGBA(r *rand.Rand, w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			// Smooth content with noise, so the hash is not degenerate.
			v := uint8((x*7 + y*3) % 256)
			img.SetNRGBA(x, y, color.NRGBA{v + uint8(r.IntN(40)), uint8(r.IntN(256)), v, 255})
		}
	}
	return img
}

func toRGB24(src *image.NRGBA) *RGB24 {
	b := src.Bounds()
	pix := make([]uint8, 0, 3*b.Dx()*b.Dy())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := src.NRGBAAt(x, y)
			pix = append(pix, c.R, c.G, c.B)
		}
	}
	m, err := NewRGB24(pix, b.Dx(), b.Dy())
	if err != nil {
		panic(err)
	}
	return m
}

// TestRGB24AgreesWithNRGBA hashes the same pixels as RGB24 and as NRGBA,
// at sizes that take both the filtering path and the 64x64 copy path.
func TestRGB24AgreesWithNRGBA(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for _, size := range []image.Point{{64, 64}, {128, 128}, {480, 720}, {5, 9}, {4, 100}} {
		src := randomNRGBA(r, size.X, size.Y)
		m := toRGB24(src)
		want, err := FromImage(src)
		if err != nil {
			t.Fatal(err)
		}
		got, err := FromImage(m)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%v: RGB24 %v, NRGBA %v", size, got, want)
		}
		// At's slow path agrees with the row reader too.
		if slow, _ := FromImage(wrapped{m}); slow != want {
			t.Errorf("%v: RGB24 through At %v, want %v", size, slow, want)
		}
	}
}

// TestFloatThresholdsToHash checks that PDQF is the feature PDQ
// thresholds: its bits above the median are the hash.
func TestFloatThresholdsToHash(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	for _, size := range []image.Point{{64, 64}, {200, 150}} {
		img := toRGB24(randomNRGBA(r, size.X, size.Y))
		f, q, err := FloatFromImage(img)
		if err != nil {
			t.Fatal(err)
		}
		res, err := FromImage(img)
		if err != nil {
			t.Fatal(err)
		}
		var b [dctDim][dctDim]float32
		for i := range dctDim {
			copy(b[i][:], f[i*dctDim:(i+1)*dctDim])
		}
		if h := bitsFromDCT(&b); h != res.Hash || q != res.Quality {
			t.Errorf("%v: thresholded PDQF %v q%d, hash %v q%d", size, h, q, res.Hash, res.Quality)
		}
	}
	if _, _, err := FloatFromImage(nil); !errors.Is(err, ErrNilImage) {
		t.Errorf("nil image: %v", err)
	}
	if f, q, err := FloatFromImage(image.NewGray(image.Rect(0, 0, 4, 4))); err != nil || q != 0 || f != (Float{}) {
		t.Errorf("tiny image: %v %d %v", f[:4], q, err)
	}
}

func TestNewRGB24Short(t *testing.T) {
	t.Parallel()
	if _, err := NewRGB24(make([]uint8, 11), 2, 2); !errors.Is(err, ErrShortBuffer) {
		t.Errorf("err = %v, want ErrShortBuffer", err)
	}
	m, err := NewRGB24([]uint8{1, 2, 3, 4, 5, 6}, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if c := m.At(1, 0); c != (color.RGBA{4, 5, 6, 255}) {
		t.Errorf("At(1, 0) = %v", c)
	}
	if c := m.At(2, 0); c != (color.RGBA{}) {
		t.Errorf("At outside = %v", c)
	}
}
