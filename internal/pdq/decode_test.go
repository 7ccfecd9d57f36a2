package pdq

import (
	"bytes"
	"image"
	"image/jpeg"
	"os"
	"testing"
)

func TestJPEGScale(t *testing.T) {
	t.Parallel()
	tests := []struct {
		w, h, want int
	}{
		{34, 42, 1},
		{512, 384, 1},
		{922, 691, 1},
		{1023, 1023, 1},
		{1024, 768, 2},
		{768, 1024, 2},
		{1600, 1004, 2},
		{4032, 3024, 2},
		{4095, 100, 2},
		{4096, 3072, 4},
		{65535, 65535, 4},
	}
	for _, tc := range tests {
		if got := jpegScale(tc.w, tc.h); got != tc.want {
			t.Errorf("jpegScale(%d, %d) = %d, want %d", tc.w, tc.h, got, tc.want)
		}
	}
}

// TestDecodeJPEGLuma checks what DecodeBytes gives for JPEGs: the luma plane
// at jpegScale for YCbCr and grey, and the full decoder's image for CMYK.
func TestDecodeJPEGLuma(t *testing.T) {
	t.Parallel()
	photo := loadPNG(t, "testdata/images/photoA.png") // 1024x768
	gray := image.NewGray(image.Rect(0, 0, 300, 200))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i)
	}
	encode := func(img image.Image) []byte {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	// image/jpeg encodes only YCbCr and grey; the CMYK file is one of
	// image/jpeg's own test images.
	cmyk, err := os.ReadFile("jpegluma/testdata/video-001.cmyk.jpeg")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		want image.Rectangle
		gray bool
	}{
		{"ycbcr 1024x768 at half", encode(photo), image.Rect(0, 0, 512, 384), true},
		{"grey 300x200 at full", encode(gray), image.Rect(0, 0, 300, 200), true},
		{"cmyk through image/jpeg", cmyk, image.Rect(0, 0, 150, 103), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			img, format, err := DecodeBytes(tc.data, Limits{})
			if err != nil || format != "jpeg" {
				t.Fatalf("DecodeBytes: %q %v", format, err)
			}
			if _, ok := img.(*image.Gray); ok != tc.gray {
				t.Errorf("decoded to %T", img)
			}
			if img.Bounds() != tc.want {
				t.Errorf("bounds %v, want %v", img.Bounds(), tc.want)
			}
		})
	}
}
