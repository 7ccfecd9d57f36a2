package video

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/sigap/sigap/internal/pdq"
)

// Spec says which frames to deliver and how to shape them.
type Spec struct {
	Width, Height int // output frame size
	// Every keeps only the decoded frames whose number is a multiple of it
	// (vPDQ's one hash per S seconds); 0 or 1 keeps every frame.
	Every int
	// FPS, when positive, resamples time to this many frames per second
	// with ffmpeg's own -r and scales with its default (bicubic) scaler,
	// the command line the TMK reference runs; Every is then ignored.
	// When zero every decoded frame is delivered in decoding order and
	// scaled with swscale's area filter without rotation metadata, as the
	// vPDQ reference's libav loop does.
	FPS int
}

// Frame is one delivered frame. Image is reused for the next frame: copy
// what must outlive the callback.
type Frame struct {
	Number int // decoded-frame number (FPS 0) or resampled frame number
	Image  *pdq.RGB24
}

// Frames decodes path and calls fn with each frame in order; fn's error
// stops decoding and is returned. It returns the number of frames
// delivered.
func (c Config) Frames(ctx context.Context, path string, spec Spec, fn func(Frame) error) (int, error) {
	c = c.withDefaults()
	if err := c.Available(); err != nil {
		return 0, err
	}
	if spec.Width <= 0 || spec.Height <= 0 {
		return 0, fmt.Errorf("video: frame size %dx%d", spec.Width, spec.Height)
	}
	if int64(spec.Width)*int64(spec.Height) > c.MaxPixels {
		return 0, fmt.Errorf("%w: %dx%d frames", ErrTooLarge, spec.Width, spec.Height)
	}
	every := max(spec.Every, 1)
	args := []string{"-nostdin", "-hide_banner", "-loglevel", "error",
		"-threads", strconv.Itoa(c.Threads), "-format_whitelist", c.formatList()}
	size := strconv.Itoa(spec.Width) + ":" + strconv.Itoa(spec.Height)
	if spec.FPS > 0 {
		every = 1
		args = append(args, "-i", inputURL(path), "-map", "0:v:0", "-s", size, "-an", "-sn", "-dn",
			"-f", "rawvideo", "-c:v", "rawvideo", "-pix_fmt", "rgb24", "-r", strconv.Itoa(spec.FPS), "pipe:1")
	} else {
		filter := "scale=" + size + ":flags=area,format=rgb24"
		if every > 1 {
			filter = "select=not(mod(n\\," + strconv.Itoa(every) + "))," + filter
		}
		args = append(args, "-noautorotate", "-i", inputURL(path), "-map", "0:v:0", "-an", "-sn", "-dn",
			"-fps_mode", "passthrough", "-vf", filter,
			"-f", "rawvideo", "-c:v", "rawvideo", "-pix_fmt", "rgb24", "pipe:1")
	}
	frameBytes := 3 * spec.Width * spec.Height
	buf := make([]byte, frameBytes)
	img, err := pdq.NewRGB24(buf, spec.Width, spec.Height)
	if err != nil {
		return 0, fmt.Errorf("video: %w", err)
	}
	n := 0
	err = c.stream(ctx, c.FFmpeg, args, func(r io.Reader) error {
		for {
			if _, err := io.ReadFull(r, buf); err != nil {
				if errors.Is(err, io.EOF) {
					return nil
				}
				if errors.Is(err, io.ErrUnexpectedEOF) {
					return fmt.Errorf("%w: truncated frame %d", ErrDecode, n)
				}
				return err
			}
			if n >= c.MaxFrames {
				return fmt.Errorf("%w: more than %d frames", ErrTooLarge, c.MaxFrames)
			}
			if err := fn(Frame{Number: n * every, Image: img}); err != nil {
				return err
			}
			n++
		}
	})
	return n, err
}
