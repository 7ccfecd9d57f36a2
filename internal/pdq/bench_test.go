package pdq

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"
)

// bench1024JPEG encodes testdata's 1024x768 photo as a quality-90 4:2:0 JPEG,
// the input shape of the C++ reference timings in the issue.
func bench1024JPEG(b *testing.B) []byte {
	img := loadPNG(b, "testdata/images/photoA.png")
	if img.Bounds().Dx() != 1024 || img.Bounds().Dy() != 768 {
		b.Fatalf("photoA.png is %v, want 1024x768", img.Bounds())
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func BenchmarkJPEG1024x768(b *testing.B) {
	data := bench1024JPEG(b)
	decoded, _, err := DecodeBytes(data, Limits{})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("decode+hash", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			img, _, err := DecodeBytes(data, Limits{})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := FromImage(img); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := DecodeBytes(data, Limits{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hash", func(b *testing.B) {
		for b.Loop() {
			if _, err := FromImage(decoded); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("dihedral", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := Dihedral(decoded); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hash-rgba", func(b *testing.B) {
		rgba := image.NewNRGBA(decoded.Bounds())
		for y := range 768 {
			for x := range 1024 {
				rgba.Set(x, y, decoded.At(x, y))
			}
		}
		b.ResetTimer()
		for b.Loop() {
			if _, err := FromImage(rgba); err != nil {
				b.Fatal(err)
			}
		}
	})
}
