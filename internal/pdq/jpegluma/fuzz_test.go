package jpegluma

import (
	"bytes"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to Decode under a small pixel limit: it
// must return an image within the limit or an error, never panic; and where
// image/jpeg also decodes the input to YCbCr or grey, the full-scale luma
// plane must be its Y plane.
func FuzzDecode(f *testing.F) {
	files, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	for _, de := range files {
		if strings.HasSuffix(de.Name(), ".jpeg") {
			b, err := os.ReadFile(filepath.Join("testdata", de.Name()))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b, uint8(1))
		}
	}
	const limit = 1 << 16
	f.Fuzz(func(t *testing.T, data []byte, scaleSel uint8) {
		scale := 1 << (scaleSel % 4)
		img, err := Decode(bytes.NewReader(data), Options{MaxPixels: limit, Scale: func(int, int) int { return scale }})
		if err != nil {
			return
		}
		b := img.Bounds()
		if b.Min != (image.Point{}) || b.Dx() <= 0 || b.Dy() <= 0 || int64(b.Dx())*int64(b.Dy()) > limit {
			t.Fatalf("bounds %v at scale %d", b, scale)
		}
		if scale != 1 {
			return
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
		if err != nil || int64(cfg.Width)*int64(cfg.Height) > limit {
			return
		}
		std, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			return
		}
		plane, stride, ok := lumaPlane(std)
		if !ok {
			return
		}
		if std.Bounds() != b {
			t.Fatalf("bounds %v, image/jpeg %v", b, std.Bounds())
		}
		for y := range b.Dy() {
			if !bytes.Equal(plane[y*stride:y*stride+b.Dx()], img.Pix[y*img.Stride:y*img.Stride+b.Dx()]) {
				t.Fatalf("row %d differs from image/jpeg's Y plane", y)
			}
		}
	})
}
