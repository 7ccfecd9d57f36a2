package jpegluma

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
)

const testLimit = 1 << 24

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decodeAt(data []byte, scale int) (*image.Gray, error) {
	return Decode(bytes.NewReader(data), Options{MaxPixels: testLimit, Scale: func(int, int) int { return scale }})
}

// stdLuma decodes data with image/jpeg and returns its Y (or grey) plane
// cropped to the image, one row after another.
func stdLuma(t testing.TB, data []byte) (pix []byte, w, h int) {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("image/jpeg: %v", err)
	}
	b := img.Bounds()
	w, h = b.Dx(), b.Dy()
	plane, stride, ok := lumaPlane(img)
	if !ok {
		t.Fatalf("image/jpeg gave %T", img)
	}
	for y := range h {
		pix = append(pix, plane[y*stride:y*stride+w]...)
	}
	return pix, w, h
}

// lumaPlane is the Y (or grey) plane of an image image/jpeg decoded, and
// its stride; ok is false for any other kind of image.
func lumaPlane(img image.Image) (plane []byte, stride int, ok bool) {
	switch m := img.(type) {
	case *image.YCbCr:
		return m.Y, m.YStride, true
	case *image.Gray:
		return m.Pix, m.Stride, true
	}
	return nil, 0, false
}

func grayPix(g *image.Gray) []byte {
	var pix []byte
	b := g.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		off := g.PixOffset(b.Min.X, y)
		pix = append(pix, g.Pix[off:off+b.Dx()]...)
	}
	return pix
}

// TestDecodeFullScaleMatchesImageJPEG checks that at scale 1 the luma plane
// is the one image/jpeg decodes, pixel for pixel, in every subsampling,
// baseline and progressive, with restart markers and grey.
func TestDecodeFullScaleMatchesImageJPEG(t *testing.T) {
	t.Parallel()
	files := []string{
		"video-001.q50.410.jpeg", "video-001.q50.411.jpeg", "video-001.q50.420.jpeg",
		"video-001.q50.422.jpeg", "video-001.q50.440.jpeg", "video-001.q50.444.jpeg",
		"video-001.q50.420.progressive.jpeg", "video-001.q50.444.progressive.jpeg",
		"video-001.q50.410.progressive.jpeg", "video-001.separate.dc.progression.progressive.jpeg",
		"video-001.restart2.jpeg", "video-001.221212.jpeg",
		"video-005.gray.q50.jpeg", "video-005.gray.q50.2x2.progressive.jpeg",
	}
	for _, name := range files {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data := readTestdata(t, name)
			want, w, h := stdLuma(t, data)
			got, err := decodeAt(data, 1)
			if err != nil {
				t.Fatal(err)
			}
			if b := got.Bounds(); b.Dx() != w || b.Dy() != h {
				t.Fatalf("size %v, want %dx%d", b, w, h)
			}
			if !bytes.Equal(grayPix(got), want) {
				t.Fatal("luma plane differs from image/jpeg's Y plane")
			}
		})
	}
}

// TestDecodeScaled checks the size at each scale and that each pixel is
// close to the mean of the full-scale block it stands for (the scaled IDCT
// drops the high frequencies, so it is not exactly the mean).
func TestDecodeScaled(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file    string
		scale   int
		maxMean float64 // mean |scaled - block mean| over the image
	}{
		{"video-001.q50.420.jpeg", 2, 3},
		{"video-001.q50.420.jpeg", 4, 3},
		{"video-001.q50.420.jpeg", 8, 1},
		{"video-001.q50.444.progressive.jpeg", 2, 3},
		{"video-001.q50.444.progressive.jpeg", 4, 3},
		{"video-001.restart2.jpeg", 2, 3},
		{"video-005.gray.q50.jpeg", 2, 3},
		{"video-005.gray.q50.2x2.progressive.jpeg", 4, 3},
		{"video-005.gray.q50.2x2.progressive.jpeg", 8, 1},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s/1:%d", tc.file, tc.scale), func(t *testing.T) {
			t.Parallel()
			data := readTestdata(t, tc.file)
			full, w, h := stdLuma(t, data)
			got, err := decodeAt(data, tc.scale)
			if err != nil {
				t.Fatal(err)
			}
			s := tc.scale
			sw, sh := (w+s-1)/s, (h+s-1)/s
			if b := got.Bounds(); b.Dx() != sw || b.Dy() != sh {
				t.Fatalf("scale %d: size %v, want %dx%d", s, b, sw, sh)
			}
			var sum float64
			for y := range sh {
				for x := range sw {
					var acc, n float64
					for yy := y * s; yy < min((y+1)*s, h); yy++ {
						for xx := x * s; xx < min((x+1)*s, w); xx++ {
							acc += float64(full[yy*w+xx])
							n++
						}
					}
					d := float64(got.GrayAt(x, y).Y) - acc/n
					if d < 0 {
						d = -d
					}
					sum += d
				}
			}
			if mean := sum / float64(sw*sh); mean > tc.maxMean {
				t.Errorf("scale %d: mean distance from block means %.2f, want <= %.1f", s, mean, tc.maxMean)
			} else {
				t.Logf("scale %d: mean distance from block means %.2f", s, mean)
			}
		})
	}
}

// TestDecodeFlat checks that a uniform image keeps its level at every
// scale (the reduced IDCTs' DC gain is the full one's).
func TestDecodeFlat(t *testing.T) {
	t.Parallel()
	src := image.NewGray(image.Rect(0, 0, 40, 24))
	for i := range src.Pix {
		src.Pix[i] = 77
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, src, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []int{1, 2, 4, 8} {
		got, err := decodeAt(buf.Bytes(), s)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range grayPix(got) {
			if v != 77 {
				t.Fatalf("scale %d: pixel %d is %d, want 77", s, i, v)
			}
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	good := readTestdata(t, "video-001.q50.420.jpeg")
	zeroWidth := bytes.Clone(good)
	// The SOF0 segment: FF C0, length, precision, height, width.
	sof := bytes.Index(zeroWidth, []byte{0xff, 0xc0})
	zeroWidth[sof+7], zeroWidth[sof+8] = 0, 0
	huge := bytes.Clone(good)
	huge[sof+5], huge[sof+6], huge[sof+7], huge[sof+8] = 0xff, 0xff, 0xff, 0xff
	tests := []struct {
		name      string
		data      []byte
		maxPixels int64
		want      error // nil: any error
	}{
		{"cmyk", readTestdata(t, "video-001.cmyk.jpeg"), testLimit, ErrNotLuma},
		{"rgb", readTestdata(t, "video-001.rgb.jpeg"), testLimit, ErrNotLuma},
		{"over the pixel limit", good, 150*103 - 1, ErrTooManyPixels},
		{"no limit", good, 0, ErrTooManyPixels},
		{"65535x65535 header", huge, 50_000_000, ErrTooManyPixels},
		{"zero width", zeroWidth, testLimit, nil},
		{"truncated baseline", good[:len(good)/2], testLimit, nil},
		{"not a jpeg", []byte("GIF89a"), testLimit, nil},
		{"empty", nil, testLimit, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			img, err := Decode(bytes.NewReader(tc.data), Options{MaxPixels: tc.maxPixels})
			if err == nil {
				t.Fatalf("decoded %v, want an error", img.Bounds())
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := Decode(bytes.NewReader(good), Options{MaxPixels: 150 * 103}); err != nil {
		t.Fatalf("exactly at the limit: %v", err)
	}
}

// TestDecodeGrayModel checks that the result is a plain grey image at the
// origin, which internal/pdq reads without conversion.
func TestDecodeGrayModel(t *testing.T) {
	t.Parallel()
	got, err := decodeAt(readTestdata(t, "video-001.q50.420.jpeg"), 2)
	if err != nil {
		t.Fatal(err)
	}
	if got.ColorModel() != color.GrayModel || got.Bounds().Min != (image.Point{}) {
		t.Fatalf("model %v bounds %v", got.ColorModel(), got.Bounds())
	}
}
