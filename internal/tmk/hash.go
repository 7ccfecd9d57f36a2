package tmk

import (
	"context"
	"fmt"

	"github.com/sigap/sigap/internal/pdq"
	"github.com/sigap/sigap/internal/video"
)

// HashFile decodes the video at path with ffmpeg (bounded by cfg),
// resampled to 15 frames per second and scaled to 64x64 RGB24 as
// tmk-hash-video's ffmpeg command does, and returns its TMK+PDQF features.
func HashFile(ctx context.Context, cfg video.Config, path string) (*Features, error) {
	// The probe refuses inputs without video and over the pixel limit
	// before ffmpeg decodes anything.
	if _, err := cfg.Probe(ctx, path); err != nil {
		return nil, err
	}
	b := NewBuilder()
	_, err := cfg.Frames(ctx, path, video.Spec{Width: FrameSize, Height: FrameSize, FPS: FramesPerSecond},
		func(fr video.Frame) error {
			feat, _, err := pdq.FloatFromImage(fr.Image)
			if err != nil {
				return fmt.Errorf("tmk: frame %d: %w", fr.Number, err)
			}
			b.Add(&feat)
			return nil
		})
	if err != nil {
		return nil, err
	}
	return b.Finish(), nil
}
