package video

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Info describes a file's first video stream.
type Info struct {
	Width, Height int
	// FrameRate is the stream's average frame rate, or its real base rate
	// when the container gives no average (the vPDQ reference's choice).
	FrameRate float64
	// Duration is the longer of the stream's and the container's declared
	// durations in seconds (0 when neither says), for callers that bound it.
	Duration float64
}

// Probe reads the first video stream's size and frame rate with ffprobe.
func (c Config) Probe(ctx context.Context, path string) (Info, error) {
	c = c.withDefaults()
	if err := c.Available(); err != nil {
		return Info{}, err
	}
	args := []string{"-v", "error", "-format_whitelist", c.formatList(),
		"-select_streams", "v:0", "-show_entries", "stream=width,height,avg_frame_rate,r_frame_rate,duration:format=duration",
		"-of", "json", inputURL(path)}
	out, err := c.run(ctx, c.FFprobe, args, 1<<20)
	if err != nil {
		return Info{}, fmt.Errorf("video: probe: %w", err)
	}
	var doc struct {
		Streams []struct {
			Width        int    `json:"width"`
			Height       int    `json:"height"`
			AvgFrameRate string `json:"avg_frame_rate"`
			RFrameRate   string `json:"r_frame_rate"`
			Duration     string `json:"duration"`
		} `json:"streams"`
		Format struct {
			Duration string `json:"duration"`
		} `json:"format"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		return Info{}, fmt.Errorf("video: probe: %w", err)
	}
	if len(doc.Streams) == 0 {
		return Info{}, ErrNoVideo
	}
	s := doc.Streams[0]
	if s.Width <= 0 || s.Height <= 0 {
		return Info{}, fmt.Errorf("%w: frame size %dx%d", ErrNoVideo, s.Width, s.Height)
	}
	if int64(s.Width)*int64(s.Height) > c.MaxPixels {
		return Info{}, fmt.Errorf("%w: %dx%d frames", ErrTooLarge, s.Width, s.Height)
	}
	rate, ok := parseRate(s.AvgFrameRate)
	if !ok {
		rate, ok = parseRate(s.RFrameRate)
	}
	if !ok {
		return Info{}, fmt.Errorf("%w: no frame rate", ErrNoVideo)
	}
	var dur float64
	for _, d := range []string{s.Duration, doc.Format.Duration} {
		if v, err := strconv.ParseFloat(d, 64); err == nil && v > dur {
			dur = v
		}
	}
	return Info{Width: s.Width, Height: s.Height, FrameRate: rate, Duration: dur}, nil
}

// parseRate reads ffprobe's "num/den"; a zero numerator or denominator is
// no rate, as the reference treats it.
func parseRate(s string) (float64, bool) {
	num, den, ok := strings.Cut(s, "/")
	if !ok {
		den = "1"
	}
	n, err1 := strconv.ParseInt(num, 10, 64)
	d, err2 := strconv.ParseInt(den, 10, 64)
	if err1 != nil || err2 != nil || n <= 0 || d <= 0 {
		return 0, false
	}
	return float64(n) / float64(d), true
}
