package video

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/video/videotest"
)

func TestProbe(t *testing.T) {
	t.Parallel()
	videotest.RequireFFmpeg(t, Config{}.Available())
	dir := videotest.SharedDir(t)
	tests := []struct {
		file string
		want Info
	}{
		{"chair-19-sd-bar.mp4", Info{Width: 480, Height: 720, FrameRate: 30, Duration: 18.816}},
		{"test-padded-dimensions.mp4", Info{Width: 1080, Height: 1080, FrameRate: 30, Duration: 5}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			got, err := Config{}.Probe(t.Context(), filepath.Join(dir, "videos", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("Probe = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestFrames(t *testing.T) {
	t.Parallel()
	videotest.RequireFFmpeg(t, Config{}.Available())
	path := filepath.Join(videotest.SharedDir(t), "videos", "test-padded-dimensions.mp4") // 150 frames at 30 fps
	tests := []struct {
		name       string
		spec       Spec
		wantCount  int
		wantStride int // between frame numbers
		slack      int // frames more than wantCount that are still right
	}{
		{"every frame", Spec{Width: 16, Height: 24}, 150, 1, 0},
		{"every 7th", Spec{Width: 16, Height: 24, Every: 7}, 22, 7, 0},
		// 5 s at 15 fps; ffmpeg's constant-rate output may repeat the last
		// frame or two (5.1 gives 77), and Every is ignored.
		{"resampled to 15 fps", Spec{Width: 64, Height: 64, FPS: 15, Every: 7}, 75, 1, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			next := 0
			n, err := Config{}.Frames(t.Context(), path, tc.spec, func(f Frame) error {
				if f.Number != next {
					t.Fatalf("frame number %d, want %d", f.Number, next)
				}
				if b := f.Image.Bounds(); b.Dx() != tc.spec.Width || b.Dy() != tc.spec.Height {
					t.Fatalf("frame size %v", b)
				}
				next += tc.wantStride
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if n < tc.wantCount || n > tc.wantCount+tc.slack {
				t.Errorf("%d frames, want %d (+%d)", n, tc.wantCount, tc.slack)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	videotest.RequireFFmpeg(t, Config{}.Available())
	dir := videotest.SharedDir(t)
	sample := filepath.Join(dir, "videos", "test-padded-dimensions.mp4")
	tmp := t.TempDir()
	text := filepath.Join(tmp, "notes.mp4")
	if err := os.WriteFile(text, []byte("not a video at all\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A playlist naming the sample: the hls demuxer would open it, but
	// playlists are not among the allowed formats.
	playlist := filepath.Join(tmp, "list.m3u8")
	m3u := "#EXTM3U\n#EXT-X-TARGETDURATION:5\n#EXTINF:5.0,\n" + sample + "\n#EXT-X-ENDLIST\n"
	if err := os.WriteFile(playlist, []byte(m3u), 0o600); err != nil {
		t.Fatal(err)
	}
	stop := errors.New("enough")
	small := Spec{Width: 16, Height: 16}
	tests := []struct {
		name  string
		cfg   Config
		path  string
		spec  Spec
		fn    func(Frame) error
		probe bool
		want  error
	}{
		{name: "no ffmpeg", cfg: Config{FFmpeg: filepath.Join(tmp, "ffmpeg")}, path: sample, spec: small, want: ErrNoFFmpeg},
		{name: "no ffprobe", cfg: Config{FFprobe: filepath.Join(tmp, "ffprobe")}, path: sample, probe: true, want: ErrNoFFmpeg},
		{name: "not a video", path: text, spec: small, want: ErrDecode},
		{name: "probe not a video", path: text, probe: true, want: ErrDecode},
		{name: "missing file", path: filepath.Join(tmp, "missing.mp4"), spec: small, want: ErrDecode},
		{name: "playlist refused", path: playlist, probe: true, want: ErrDecode},
		{name: "frame limit", cfg: Config{MaxFrames: 10}, path: sample, spec: small, want: ErrTooLarge},
		{name: "source pixel limit", cfg: Config{MaxPixels: 1000 * 1000}, path: sample, probe: true, want: ErrTooLarge},
		{name: "output pixel limit", cfg: Config{MaxPixels: 100}, path: sample, spec: small, want: ErrTooLarge},
		{name: "timeout", cfg: Config{Timeout: time.Millisecond}, path: sample, spec: small, want: ErrTimeout},
		{name: "memory limit", cfg: Config{MaxMemory: 1 << 20}, path: sample, spec: small, want: ErrDecode},
		{name: "callback stops", path: sample, spec: small, fn: func(Frame) error { return stop }, want: stop},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var err error
			if tc.probe {
				_, err = tc.cfg.Probe(t.Context(), tc.path)
			} else {
				fn := tc.fn
				if fn == nil {
					fn = func(Frame) error { return nil }
				}
				_, err = tc.cfg.Frames(t.Context(), tc.path, tc.spec, fn)
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			t.Logf("%v", err)
		})
	}
}

func TestCancelledContext(t *testing.T) {
	t.Parallel()
	videotest.RequireFFmpeg(t, Config{}.Available())
	sample := filepath.Join(videotest.SharedDir(t), "videos", "test-padded-dimensions.mp4")
	ctx, cancel := context.WithCancel(t.Context())
	n := 0
	_, err := Config{}.Frames(ctx, sample, Spec{Width: 16, Height: 16}, func(Frame) error {
		if n++; n == 3 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestParseRate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"30/1", 30, true},
		{"30000/1001", 30000.0 / 1001, true},
		{"25", 25, true},
		{"0/0", 0, false},
		{"1/0", 0, false},
		{"x/1", 0, false},
		{"", 0, false},
	}
	for _, tc := range tests {
		got, ok := parseRate(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRate(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
