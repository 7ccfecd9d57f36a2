package scan

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"math"
	"runtime"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/tmk"
	"github.com/sigap/sigap/internal/video"
	"github.com/sigap/sigap/internal/vpdq"
)

// Defaults of the video limits (VideoLimits) and of the decode semaphore.
const (
	DefaultVideoMaxBytes    = 64 << 20
	DefaultVideoMaxDuration = 10 * time.Minute
	DefaultVideoMaxFrames   = 18_000 // ten minutes at 30 frames per second
	DefaultVideoTimeout     = 60 * time.Second
	DefaultMaxDecodes       = 2
)

// VideoLimits bound one video of a scan or hash request. Zero fields take
// the defaults above.
type VideoLimits struct {
	MaxBytes    int64         // size of the file
	MaxDuration time.Duration // duration its container or stream declares
	MaxFrames   int           // frames decoded for vPDQ
	Timeout     time.Duration // wall-clock bound of one ffmpeg run
}

func (l VideoLimits) withDefaults() VideoLimits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultVideoMaxBytes
	}
	if l.MaxDuration <= 0 {
		l.MaxDuration = DefaultVideoMaxDuration
	}
	if l.MaxFrames <= 0 {
		l.MaxFrames = DefaultVideoMaxFrames
	}
	if l.Timeout <= 0 {
		l.Timeout = DefaultVideoTimeout
	}
	return l
}

// ErrVideoTooLarge wraps a video over a size, duration or frame limit; the
// API answers it 422 video_too_large, other VideoErrors bad_video.
var ErrVideoTooLarge = errors.New("scan: video too large")

// VideoError wraps a media item's video that cannot be hashed (not a video,
// truncated, over a limit). ffmpeg's absence (video.ErrNoFFmpeg) and a run
// cut short by the request's end are not the post's fault: callers test for
// them with errors.Is.
type VideoError struct {
	Index int
	Err   error
}

func (e *VideoError) Error() string { return fmt.Sprintf("media[%d]: %v", e.Index, e.Err) }
func (e *VideoError) Unwrap() error { return e.Err }

// IsVideo reports whether data starts like a video container ffmpeg may
// open here (MP4/MOV/3GP, Matroska/WebM, AVI, FLV, MPEG-TS and -PS, Ogg,
// ASF). Images (GIF among them) are not videos: they take the PDQ path.
func IsVideo(data []byte) bool {
	switch {
	case len(data) >= 12 && string(data[4:8]) == "ftyp" && imageBrands[string(data[8:12])]:
		return false // HEIF and AVIF still images share MP4's box format
	case len(data) >= 12 && (string(data[4:8]) == "ftyp" || string(data[4:8]) == "moov" || string(data[4:8]) == "mdat" ||
		string(data[4:8]) == "free" || string(data[4:8]) == "wide"):
		return true
	case bytes.HasPrefix(data, []byte{0x1a, 0x45, 0xdf, 0xa3}): // EBML: Matroska, WebM
		return true
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "AVI ":
		return true
	case bytes.HasPrefix(data, []byte("FLV\x01")), bytes.HasPrefix(data, []byte("OggS")):
		return true
	case bytes.HasPrefix(data, []byte{0x00, 0x00, 0x01, 0xba}): // MPEG program stream
		return true
	case bytes.HasPrefix(data, []byte{0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11}): // ASF
		return true
	case len(data) >= 3*188 && data[0] == 0x47 && data[188] == 0x47 && data[376] == 0x47: // MPEG transport stream
		return true
	}
	return false
}

// imageBrands are the ftyp brands of still images.
var imageBrands = map[string]bool{"heic": true, "heix": true, "mif1": true, "msf1": true, "avif": true, "heim": true, "heis": true}

// VideoInfo is what hashing a video gave.
type VideoInfo struct {
	MD5, SHA256 string
	VPDQ        vpdq.Hash
	TMK         *tmk.Features // nil unless asked for
	Frames      int
	Duration    float64
}

// videoConfig is the ffmpeg configuration of one video under the limits.
func (c Config) videoConfig() video.Config {
	vc := c.Video
	vc.Timeout = c.VideoLimits.Timeout
	vc.MaxFrames = c.VideoLimits.MaxFrames
	return vc
}

// HashVideo hashes a video's bytes within the configured limits: MD5 and
// SHA-256 of the whole file, its vPDQ (every frame at its own size, as the
// reference's defaults), and its TMK+PDQF features when withTMK. It holds
// one of the scanner's decode slots while ffmpeg runs.
func (s *Scanner) HashVideo(ctx context.Context, data []byte, withTMK bool) (VideoInfo, error) {
	lim := s.cfg.VideoLimits
	m5, s256 := md5.Sum(data), sha256.Sum256(data)
	vi := VideoInfo{MD5: hex.EncodeToString(m5[:]), SHA256: hex.EncodeToString(s256[:])}
	if int64(len(data)) > lim.MaxBytes {
		return vi, fmt.Errorf("%w: %d bytes, the limit is %d", ErrVideoTooLarge, len(data), lim.MaxBytes)
	}
	release, err := s.acquire(ctx)
	if err != nil {
		return vi, err
	}
	defer release()
	path, remove, err := video.Spool(bytes.NewReader(data), lim.MaxBytes)
	if err != nil {
		return vi, err
	}
	defer remove()
	vc := s.cfg.videoConfig()
	info, err := vc.Probe(ctx, path)
	if err != nil {
		return vi, videoErr(err)
	}
	vi.Duration = info.Duration
	if math.IsInf(info.Duration, 0) || math.IsNaN(info.Duration) || info.Duration > lim.MaxDuration.Seconds() {
		return vi, fmt.Errorf("%w: it declares %.0f seconds, the limit is %.0f", ErrVideoTooLarge, info.Duration, lim.MaxDuration.Seconds())
	}
	if info.Duration*info.FrameRate > float64(lim.MaxFrames)*1.05+30 {
		return vi, fmt.Errorf("%w: about %.0f frames, the limit is %d", ErrVideoTooLarge, info.Duration*info.FrameRate, lim.MaxFrames)
	}
	h, err := vpdq.HashFile(ctx, vc, path, vpdq.HashOptions{})
	if err != nil {
		return vi, videoErr(err)
	}
	vi.VPDQ, vi.Frames = h, len(h)
	if withTMK {
		f, err := tmk.HashFile(ctx, vc, path)
		if err != nil {
			return vi, videoErr(err)
		}
		vi.TMK = f
	}
	return vi, nil
}

// videoErr says an over-the-limit decode is too large.
func videoErr(err error) error {
	if errors.Is(err, video.ErrTooLarge) {
		return fmt.Errorf("%w: %w", ErrVideoTooLarge, err)
	}
	return err
}

// acquire takes one of the MaxDecodes decode slots, images and videos
// alike, so that a burst of large uploads decodes a few at a time instead
// of all at once; it gives up when ctx ends.
func (s *Scanner) acquire(ctx context.Context) (release func(), err error) {
	select {
	case s.decodes <- struct{}{}:
		return func() { <-s.decodes }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("scan: waiting for a decode slot: %w", ctx.Err())
	}
}

// vpdqPercent rounds a percentage to two decimals for answers.
func vpdqPercent(p float64) *float64 {
	r := math.Round(p*100) / 100
	return &r
}

// hashedMedia is a media item hashed before matching.
type hashedMedia struct {
	info MediaInfo
	tmk  *tmk.Features
}

// hashMedia hashes the post's media bytes (images and videos, each under a
// decode slot) and parses its vpdq hashes, before the matchers run: the
// matchers then need no context and hold no slot. Items given as hashes
// only are left nil.
func (s *Scanner) hashMedia(ctx context.Context, snap *snapshot, p *Post) ([]*hashedMedia, error) {
	var out []*hashedMedia
	for i, m := range p.Media {
		var hm *hashedMedia
		switch {
		case len(m.Data) > 0 && IsVideo(m.Data):
			vi, err := s.HashVideo(ctx, m.Data, len(snap.tmks) > 0)
			if err != nil {
				if ctx.Err() != nil || errors.Is(err, video.ErrNoFFmpeg) {
					return nil, err
				}
				return nil, &VideoError{Index: i, Err: err}
			}
			hm = &hashedMedia{info: MediaInfo{MD5: vi.MD5, SHA256: vi.SHA256, Kind: "video", Frames: vi.Frames, vpdq: vi.VPDQ}, tmk: vi.TMK}
		case len(m.Data) > 0:
			release, err := s.acquire(ctx)
			if err != nil {
				return nil, err
			}
			hi, err := HashImage(m.Data, s.cfg.Image)
			collectAfterLarge(m.Data)
			release()
			if err != nil {
				return nil, &ImageError{Index: i, Err: err}
			}
			hm = &hashedMedia{info: hi}
		case m.VPDQ != "":
			h, err := vpdq.Parse(m.VPDQ)
			if err != nil { // validate refused it already
				return nil, &VideoError{Index: i, Err: err}
			}
			hm = &hashedMedia{info: MediaInfo{MD5: strings.ToLower(m.MD5), SHA256: strings.ToLower(m.SHA256), Kind: "video", Frames: len(h), vpdq: h}}
		}
		if hm != nil {
			if out == nil {
				out = make([]*hashedMedia, len(p.Media))
			}
			out[i] = hm
		}
	}
	return out, nil
}

// HashImageBounded is HashImage under one of the scanner's decode slots,
// for callers outside a scan (POST /v1/hash, /v1/match).
func (s *Scanner) HashImageBounded(ctx context.Context, data []byte) (MediaInfo, error) {
	release, err := s.acquire(ctx)
	if err != nil {
		return MediaInfo{}, err
	}
	defer release()
	defer collectAfterLarge(data)
	return HashImage(data, s.cfg.Image)
}

// largeImagePixels is the decoded size from which a decode's garbage is
// collected before its slot goes to the next one.
const largeImagePixels = 16_000_000

// collectAfterLarge runs the garbage collector after a large image was
// decoded (hundreds of MB for 50 megapixels at 16 bits), while the decode
// slot is still held: otherwise the heap grows to twice the live decodes
// before the collector runs, and the next decodes take fresh memory rather
// than reusing this one's. Four 7000x7000 16-bit PNGs at once peak at about
// 1.2 GB with two slots instead of 2.2 GB (docs/benchmarks.md).
func collectAfterLarge(data []byte) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err == nil && int64(cfg.Width)*int64(cfg.Height) >= largeImagePixels {
		runtime.GC()
	}
}
