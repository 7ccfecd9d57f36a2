package pdq

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/webp"

	"github.com/sigap/sigap/internal/pdq/jpegluma"
)

// Default decoding limits.
const (
	DefaultMaxBytes  = 32 << 20   // 32 MiB of encoded input
	DefaultMaxPixels = 50_000_000 // 50 megapixels
)

// Decoding errors, compared with errors.Is.
var (
	ErrTooLarge      = errors.New("pdq: input exceeds the byte limit")
	ErrTooManyPixels = errors.New("pdq: image exceeds the pixel limit")
	ErrUnknownFmt    = errors.New("pdq: unsupported image format (want JPEG, PNG, GIF or WebP)")
	ErrDecode        = errors.New("pdq: cannot decode image")
	ErrEmpty         = errors.New("pdq: empty input")
)

// Limits bounds the work done on untrusted input. Zero fields take the
// defaults.
type Limits struct {
	MaxBytes  int64 // encoded size
	MaxPixels int64 // width*height from the header, checked before decoding
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = DefaultMaxPixels
	}
	return l
}

type codec struct {
	name   string
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

var (
	codecJPEG = codec{"jpeg", jpeg.DecodeConfig, jpeg.Decode}
	codecPNG  = codec{"png", png.DecodeConfig, png.Decode}
	codecGIF  = codec{"gif", gif.DecodeConfig, gif.Decode}
	codecWebP = codec{"webp", webp.DecodeConfig, webp.Decode}
)

// sniff picks the decoder from the magic bytes. It does not use the global
// image format registry, so formats other packages register (TIFF, BMP...)
// are never reached through here.
func sniff(b []byte) (codec, bool) {
	switch {
	case bytes.HasPrefix(b, []byte{0xff, 0xd8}):
		return codecJPEG, true
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return codecPNG, true
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return codecGIF, true
	case len(b) >= 12 && bytes.Equal(b[:4], []byte("RIFF")) && bytes.Equal(b[8:12], []byte("WEBP")):
		return codecWebP, true
	}
	return codec{}, false
}

// Decode reads at most lim.MaxBytes from r, checks the header's dimensions
// against lim.MaxPixels before decoding, and decodes the image. It returns
// the format name ("jpeg", "png", "gif", "webp"). Decoder panics on hostile
// input are turned into ErrDecode.
func Decode(r io.Reader, lim Limits) (image.Image, string, error) {
	lim = lim.withDefaults()
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		return nil, "", fmt.Errorf("pdq: read: %w", err)
	}
	return DecodeBytes(data, lim)
}

// DecodeBytes is Decode for input already in memory.
//
// The image is decoded for hashing: a greyscale or YCbCr JPEG (nearly all
// of them) decodes to its luma plane only, an *image.Gray, and at half or
// a quarter of its size when it is large (see jpegScale), which is what
// makes hashing a JPEG more than twice as fast as the C++ reference.
func DecodeBytes(data []byte, lim Limits) (img image.Image, format string, err error) {
	lim = lim.withDefaults()
	if int64(len(data)) > lim.MaxBytes {
		return nil, "", fmt.Errorf("%w (%d bytes)", ErrTooLarge, lim.MaxBytes)
	}
	if len(data) == 0 {
		return nil, "", ErrEmpty
	}
	c, ok := sniff(data)
	if !ok {
		return nil, "", ErrUnknownFmt
	}
	if c.name == "jpeg" {
		img, err := decodeJPEGLuma(data, lim)
		if !errors.Is(err, jpegluma.ErrNotLuma) {
			return img, c.name, err
		}
		// RGB, CMYK and YCCK JPEGs: the full decoder below.
	}
	defer func() {
		// Last resort: the stdlib and x/image decoders are not supposed to
		// panic, but a panic on hostile input must not take the service down.
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("%w: %s decoder panicked: %v", ErrDecode, c.name, p)
		}
	}()
	cfg, err := c.config(bytes.NewReader(data))
	if err != nil {
		return nil, c.name, fmt.Errorf("%w: %s header: %v", ErrDecode, c.name, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, c.name, fmt.Errorf("%w: %s header gives %dx%d", ErrDecode, c.name, cfg.Width, cfg.Height)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > lim.MaxPixels {
		return nil, c.name, fmt.Errorf("%w: %dx%d is %d pixels, limit %d", ErrTooManyPixels, cfg.Width, cfg.Height, px, lim.MaxPixels)
	}
	img, err = c.decode(bytes.NewReader(data))
	if err != nil {
		return nil, c.name, fmt.Errorf("%w: %s: %v", ErrDecode, c.name, err)
	}
	// The pixel check above trusted the header; make sure the decoder did
	// not produce something bigger.
	if b := img.Bounds(); int64(b.Dx())*int64(b.Dy()) > lim.MaxPixels {
		return nil, c.name, fmt.Errorf("%w: decoded %dx%d", ErrTooManyPixels, b.Dx(), b.Dy())
	}
	return img, c.name, nil
}

// HashReader decodes an image from r within lim and returns its PDQ hash.
func HashReader(r io.Reader, lim Limits) (Result, error) {
	img, _, err := Decode(r, lim)
	if err != nil {
		return Result{}, err
	}
	return FromImage(img)
}

// DihedralReader decodes an image from r within lim and returns its eight
// dihedral hashes and quality.
func DihedralReader(r io.Reader, lim Limits) ([8]Hash, int, error) {
	img, _, err := Decode(r, lim)
	if err != nil {
		return [8]Hash{}, 0, err
	}
	return Dihedral(img)
}

// The smallest longer side a JPEG keeps when it is decoded at reduced scale:
// at 1/2 the reference CLI's pre-resize size (DOWNSAMPLE_DIMS = 512), at
// 1/4 twice that.
const (
	jpegHalfMinSide    = 512
	jpegQuarterMinSide = 1024
)

// jpegScale is the IDCT scale denominator for a JPEG of width x height.
// Only images larger than the reference CLI's 512-pixel variant are shrunk,
// and PDQ's tent filter then still averages windows of at least 4 pixels
// along the longer side. Hashing at half size moved the hashes 0 to 10 bits
// from the reference's full-size ones on the test images and on resized
// copies (2 to 6 typical, docs/benchmarks/pdq.md), as much as the
// reference's own 512 pre-resize moves them; an exact float box average
// instead of the scaled IDCT gave the very same hashes, so the cost is the
// smaller size itself. The 2x2 IDCT of 1/4 scale moved them more (up to 10
// bits at 2048 to 3200 pixels), so it is kept for images whose quarter is
// still 1024 pixels long; 1/8 (the DC coefficient alone) is not used.
func jpegScale(width, height int) int {
	long := max(width, height)
	switch {
	case long/4 >= jpegQuarterMinSide:
		return 4
	case long/2 >= jpegHalfMinSide:
		return 2
	}
	return 1
}

// decodeJPEGLuma decodes a JPEG's luma plane at jpegScale and maps the
// decoder's errors to this package's.
func decodeJPEGLuma(data []byte, lim Limits) (img *image.Gray, err error) {
	defer func() {
		// The decoder is image/jpeg's, which is not supposed to panic;
		// still, a panic on hostile input must not take the service down.
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("%w: jpeg decoder panicked: %v", ErrDecode, p)
		}
	}()
	img, err = jpegluma.Decode(bytes.NewReader(data), jpegluma.Options{MaxPixels: lim.MaxPixels, Scale: jpegScale})
	switch {
	case err == nil:
		return img, nil
	case errors.Is(err, jpegluma.ErrNotLuma):
		return nil, err
	case errors.Is(err, jpegluma.ErrTooManyPixels):
		return nil, fmt.Errorf("%w: %v", ErrTooManyPixels, err)
	}
	return nil, fmt.Errorf("%w: jpeg: %v", ErrDecode, err)
}
