package pdq

import (
	"image"
	"image/color"
)

// Luma coefficients as the reference declares them (float constants).
const (
	lumaR float32 = 0.299
	lumaG float32 = 0.587
	lumaB float32 = 0.114
)

// lumaTab holds coefficient*value for each 8-bit value, the exact float32
// products the reference computes, so a pixel costs two adds.
var lumaTab = func() (t [3][256]float32) {
	for v := range 256 {
		f := float32(v)
		t[0][v] = float32(lumaR * f)
		t[1][v] = float32(lumaG * f)
		t[2][v] = float32(lumaB * f)
	}
	return t
}()

// rgbLuma is Y = 0.299R + 0.587G + 0.114B in float32, summed left to right.
func rgbLuma(r, g, b uint8) float32 {
	return (lumaTab[0][r] + lumaTab[1][g]) + lumaTab[2][b]
}

// scale16 maps a 16-bit sample to 8 bits with rounding.
func scale16(v uint16) uint8 { return uint8((uint32(v) + 128) / 257) }

// lumaRows returns a function that writes row y (0-based from the top of
// img's bounds) of luminance into dst (len = width). Common decoder outputs
// read their pixel arrays directly; alpha is ignored (the stored colour is
// used, as the reference does) and grey images use the grey value itself,
// as the reference does for one-channel input.
func lumaRows(img image.Image) func(y int, dst []float32) {
	b := img.Bounds()
	switch m := img.(type) {
	case *RGB24:
		return rgb24Rows(m)
	case *image.YCbCr:
		return ycbcrRows(m)
	case *image.NYCbCrA:
		return ycbcrRows(&m.YCbCr)
	case *image.Gray:
		return func(y int, dst []float32) {
			off := m.PixOffset(b.Min.X, b.Min.Y+y)
			for x, v := range m.Pix[off : off+len(dst)] {
				dst[x] = float32(v)
			}
		}
	case *image.Gray16:
		return func(y int, dst []float32) {
			off := m.PixOffset(b.Min.X, b.Min.Y+y)
			for x := range dst {
				p := m.Pix[off+2*x:]
				dst[x] = float32(scale16(uint16(p[0])<<8 | uint16(p[1])))
			}
		}
	case *image.NRGBA:
		return rgba8Rows(m.Pix, m.PixOffset(b.Min.X, b.Min.Y), m.Stride)
	case *image.RGBA:
		return rgba8Rows(m.Pix, m.PixOffset(b.Min.X, b.Min.Y), m.Stride)
	case *image.NRGBA64:
		return rgba16Rows(m.Pix, m.PixOffset(b.Min.X, b.Min.Y), m.Stride)
	case *image.RGBA64:
		return rgba16Rows(m.Pix, m.PixOffset(b.Min.X, b.Min.Y), m.Stride)
	case *image.Paletted:
		var pal [256]float32
		for i, c := range m.Palette {
			if i >= len(pal) {
				break
			}
			n := color.NRGBAModel.Convert(c).(color.NRGBA)
			pal[i] = rgbLuma(n.R, n.G, n.B)
		}
		return func(y int, dst []float32) {
			off := m.PixOffset(b.Min.X, b.Min.Y+y)
			for x, v := range m.Pix[off : off+len(dst)] {
				dst[x] = pal[v]
			}
		}
	case *image.CMYK:
		return func(y int, dst []float32) {
			off := m.PixOffset(b.Min.X, b.Min.Y+y)
			for x := range dst {
				p := m.Pix[off+4*x : off+4*x+4]
				r, g, bb := color.CMYKToRGB(p[0], p[1], p[2], p[3])
				dst[x] = rgbLuma(r, g, bb)
			}
		}
	default:
		return func(y int, dst []float32) {
			for x := range dst {
				n := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
				dst[x] = rgbLuma(n.R, n.G, n.B)
			}
		}
	}
}

func rgba8Rows(pix []uint8, origin, stride int) func(y int, dst []float32) {
	return func(y int, dst []float32) {
		off := origin + y*stride
		row := pix[off : off+4*len(dst)]
		for x := range dst {
			p := row[4*x : 4*x+3]
			dst[x] = rgbLuma(p[0], p[1], p[2])
		}
	}
}

func rgba16Rows(pix []uint8, origin, stride int) func(y int, dst []float32) {
	return func(y int, dst []float32) {
		off := origin + y*stride
		for x := range dst {
			p := pix[off+8*x : off+8*x+6]
			r := scale16(uint16(p[0])<<8 | uint16(p[1]))
			g := scale16(uint16(p[2])<<8 | uint16(p[3]))
			bb := scale16(uint16(p[4])<<8 | uint16(p[5]))
			dst[x] = rgbLuma(r, g, bb)
		}
	}
}

// ycbcrRows converts with color.YCbCrToRGB (what image/draw and At give at
// 8 bits), indexing the subsampled chroma planes directly.
func ycbcrRows(m *image.YCbCr) func(y int, dst []float32) {
	b := m.Rect
	shift := uint(0) // horizontal chroma subsampling as a shift: 1, 2 or 4 pixels
	switch m.SubsampleRatio {
	case image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420:
		shift = 1
	case image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410:
		shift = 2
	}
	if b.Min.X < 0 {
		// Shifts and truncating division disagree on negative
		// coordinates; such images are rare, so use COffset itself.
		return func(y int, dst []float32) {
			py := b.Min.Y + y
			for x := range dst {
				px := b.Min.X + x
				ci := m.COffset(px, py)
				r, g, bb := color.YCbCrToRGB(m.Y[m.YOffset(px, py)], m.Cb[ci], m.Cr[ci])
				dst[x] = rgbLuma(r, g, bb)
			}
		}
	}
	return func(y int, dst []float32) {
		py := b.Min.Y + y
		yi := m.YOffset(b.Min.X, py)
		// COffset(px, py) = rowBase + px>>shift - Min.X>>shift.
		ci0 := m.COffset(b.Min.X, py) - b.Min.X>>shift
		ys := m.Y[yi : yi+len(dst)]
		cb, cr := m.Cb[ci0:], m.Cr[ci0:]
		for x, yy := range ys {
			ci := (b.Min.X + x) >> shift
			r, g, bb := color.YCbCrToRGB(yy, cb[ci], cr[ci])
			dst[x] = rgbLuma(r, g, bb)
		}
	}
}
