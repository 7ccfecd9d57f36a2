package jpegluma

import (
	"errors"
	"image"
	"io"
)

// Errors besides FormatError and UnsupportedError, compared with errors.Is.
var (
	// ErrNotLuma reports a JPEG whose colour model has no luma plane (RGB,
	// CMYK, YCCK); a full decoder is needed.
	ErrNotLuma = errors.New("jpegluma: colour model has no luma plane")
	// ErrTooManyPixels reports a frame header over Options.MaxPixels.
	ErrTooManyPixels = errors.New("jpegluma: image exceeds the pixel limit")
)

// Options bounds and scales one decode.
type Options struct {
	// MaxPixels is the largest width*height accepted from the frame header,
	// checked before anything is allocated. It must be positive.
	MaxPixels int64
	// Scale returns the denominator, 1, 2, 4 or 8, for an image of the
	// given full size; other answers, or a nil Scale, mean 1.
	Scale func(width, height int) int
}

// Decode reads a JPEG from r and returns its luma (or grey) plane at the
// scale opts.Scale picks: ceil(width/scale) x ceil(height/scale) pixels.
func Decode(r io.Reader, opts Options) (*image.Gray, error) {
	if opts.MaxPixels <= 0 {
		return nil, ErrTooManyPixels
	}
	d := decoder{opts: opts}
	return d.decode(r)
}
