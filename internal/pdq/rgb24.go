package pdq

import (
	"errors"
	"image"
	"image/color"
)

// ErrShortBuffer is returned when an RGB24 raster's Pix is smaller than its
// stride and bounds say.
var ErrShortBuffer = errors.New("pdq: pixel buffer shorter than the raster")

// RGB24 is a packed 8-bit RGB raster, the layout of ffmpeg's rawvideo rgb24
// output, so decoded video frames are hashed without a copy to RGBA.
type RGB24 struct {
	Pix    []uint8
	Stride int // bytes per row, at least 3*width
	Rect   image.Rectangle
}

// NewRGB24 wraps pix (tightly packed rows) as a width x height raster.
func NewRGB24(pix []uint8, width, height int) (*RGB24, error) {
	if width < 0 || height < 0 || len(pix) < 3*width*height {
		return nil, ErrShortBuffer
	}
	return &RGB24{Pix: pix, Stride: 3 * width, Rect: image.Rect(0, 0, width, height)}, nil
}

// ColorModel is RGBA: every pixel is opaque.
func (p *RGB24) ColorModel() color.Model { return color.RGBAModel }

// Bounds returns the raster's rectangle.
func (p *RGB24) Bounds() image.Rectangle { return p.Rect }

// At returns the pixel at (x, y), transparent black outside the bounds.
func (p *RGB24) At(x, y int) color.Color {
	if !(image.Point{x, y}.In(p.Rect)) {
		return color.RGBA{}
	}
	i := p.pixOffset(x, y)
	return color.RGBA{p.Pix[i], p.Pix[i+1], p.Pix[i+2], 0xff}
}

func (p *RGB24) pixOffset(x, y int) int {
	return (y-p.Rect.Min.Y)*p.Stride + (x-p.Rect.Min.X)*3
}

func rgb24Rows(m *RGB24) func(y int, dst []float32) {
	return func(y int, dst []float32) {
		off := m.pixOffset(m.Rect.Min.X, m.Rect.Min.Y+y)
		row := m.Pix[off : off+3*len(dst)]
		for x := range dst {
			p := row[3*x : 3*x+3]
			dst[x] = rgbLuma(p[0], p[1], p[2])
		}
	}
}

// Float is the PDQF frame feature TMK uses: the 16x16 DCT coefficients PDQ
// thresholds into its 256 bits, row-major, before thresholding.
type Float [dctDim * dctDim]float32

// FloatFromImage returns the PDQF feature and quality of img (the
// reference's pdqFloat256FromFloatLuma). Images below MinHashableDim get the
// zero feature with quality 0.
func FloatFromImage(img image.Image) (Float, int, error) {
	var f Float
	if img == nil {
		return f, 0, ErrNilImage
	}
	h := hasherPool.Get().(*hasher)
	defer h.release()
	q, ok := h.dct(img)
	if !ok {
		return f, 0, nil
	}
	for i := range dctDim {
		copy(f[i*dctDim:], h.b[i][:])
	}
	return f, q, nil
}
