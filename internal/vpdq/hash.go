package vpdq

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/sigap/sigap/internal/pdq"
	"github.com/sigap/sigap/internal/video"
)

// HashOptions are vpdq-hash-video's options.
type HashOptions struct {
	// SecondsPerHash hashes one frame per this many seconds (frames whose
	// number is a multiple of int(SecondsPerHash*frame rate)); 0 hashes
	// every frame.
	SecondsPerHash float64
	// Downsample scales frames to Downsample x Downsample before hashing;
	// 0 hashes them at the video's own size.
	Downsample int
	// Workers is how many goroutines hash frames while ffmpeg decodes the
	// next ones (the reference hashes on every core by default); 0 means
	// GOMAXPROCS. The result does not depend on it.
	Workers int
}

// ErrOptions is returned for negative or non-finite options.
var ErrOptions = errors.New("vpdq: invalid options")

// HashFile decodes the video at path with ffmpeg (bounded by cfg) and
// returns the PDQ hash of each selected frame, as vpdq-hash-video does:
// frames are converted to RGB24 with swscale's area filter, at the video's
// own size unless opt.Downsample is set, and stamped frame/frame-rate
// seconds.
func HashFile(ctx context.Context, cfg video.Config, path string, opt HashOptions) (Hash, error) {
	if opt.SecondsPerHash < 0 || math.IsNaN(opt.SecondsPerHash) || math.IsInf(opt.SecondsPerHash, 0) || opt.Downsample < 0 {
		return nil, fmt.Errorf("%w: seconds per hash %v, downsample %d", ErrOptions, opt.SecondsPerHash, opt.Downsample)
	}
	info, err := cfg.Probe(ctx, path)
	if err != nil {
		return nil, err
	}
	w, hgt := info.Width, info.Height
	if opt.Downsample > 0 {
		w, hgt = opt.Downsample, opt.Downsample
	}
	if w < pdq.MinHashableDim || hgt < pdq.MinHashableDim {
		// The reference fails on such frames rather than hash them as zero.
		return nil, fmt.Errorf("vpdq: %dx%d frames are below the minimum hashable size %d", w, hgt, pdq.MinHashableDim)
	}
	every := frameMod(opt.SecondsPerHash, info.FrameRate)
	rate := float32(info.FrameRate)
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	type job struct {
		frame int
		pix   []byte
	}
	jobs := make(chan job, workers)
	spare := make(chan []byte, 2*workers) // frame buffers to reuse
	var (
		mu  sync.Mutex
		out Hash
		wg  sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				img, err := pdq.NewRGB24(j.pix, w, hgt)
				var res pdq.Result
				if err == nil {
					res, err = pdq.FromImage(img)
				}
				if err != nil {
					// Cannot happen for a full frame; keep the frame out
					// rather than invent a hash.
					continue
				}
				mu.Lock()
				out = append(out, Feature{
					Frame:     j.frame,
					Quality:   res.Quality,
					Hash:      res.Hash,
					Timestamp: float64(float32(j.frame) / rate),
				})
				mu.Unlock()
				select {
				case spare <- j.pix:
				default:
				}
			}
		})
	}
	_, err = cfg.Frames(ctx, path, video.Spec{Width: w, Height: hgt, Every: every}, func(f video.Frame) error {
		var buf []byte
		select {
		case buf = <-spare:
		default:
			buf = make([]byte, len(f.Image.Pix))
		}
		copy(buf, f.Image.Pix)
		jobs <- job{frame: f.Number, pix: buf} // waits while every worker is busy
		return nil
	})
	close(jobs)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b Feature) int { return a.Frame - b.Frame })
	return out, nil
}

// frameMod is the reference's frame step: int(seconds*rate), at least 1.
func frameMod(secondsPerHash, rate float64) int {
	m := secondsPerHash * rate
	if m < 1 {
		return 1
	}
	if m > math.MaxInt32 {
		return math.MaxInt32
	}
	return int(m)
}
