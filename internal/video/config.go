package video

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// Defaults for Config fields left zero.
const (
	DefaultFFmpeg    = "/usr/bin/ffmpeg"
	DefaultFFprobe   = "/usr/bin/ffprobe"
	DefaultTimeout   = 5 * time.Minute
	DefaultMaxMemory = 2 << 30 // address space of one ffmpeg process
	DefaultMaxFrames = 200_000 // about two hours at 30 frames per second
	DefaultMaxPixels = 8192 * 8192
	DefaultThreads   = 2
)

// DefaultFormats are the demuxers ffmpeg may use: the containers messaging
// platforms carry. Playlist and concatenation demuxers (hls, concat) stay
// out because they would open further files named inside the input.
var DefaultFormats = []string{
	"mov", "mp4", "m4a", "3gp", "3g2", "mj2", "matroska", "webm", "avi", "flv",
	"mpegts", "mpeg", "ogg", "gif", "asf", "h264", "hevc", "mjpeg", "m4v",
}

// Errors callers can test with errors.Is.
var (
	ErrNoFFmpeg = errors.New("video: ffmpeg not found (install Debian's ffmpeg package)")
	ErrNoVideo  = errors.New("video: no video stream")
	ErrTooLarge = errors.New("video: over the frame or pixel limit")
	ErrTimeout  = errors.New("video: decoding took too long")
	ErrDecode   = errors.New("video: ffmpeg could not decode the input")
)

// Config says where ffmpeg is and how far one run may go. The zero value
// uses the defaults above.
type Config struct {
	FFmpeg  string        // path of ffmpeg
	FFprobe string        // path of ffprobe
	Timeout time.Duration // wall-clock bound of one probe or decode
	// MaxMemory is the address-space limit (ulimit -v) of each child, in
	// bytes; negative means none.
	MaxMemory int64
	MaxFrames int      // frames delivered per decode
	MaxPixels int64    // width*height of the source and of the output frames
	Threads   int      // ffmpeg -threads
	Formats   []string // allowed demuxers (ffmpeg -format_whitelist)
}

func (c Config) withDefaults() Config {
	if c.FFmpeg == "" {
		c.FFmpeg = DefaultFFmpeg
	}
	if c.FFprobe == "" {
		c.FFprobe = DefaultFFprobe
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxMemory == 0 {
		c.MaxMemory = DefaultMaxMemory
	}
	if c.MaxFrames <= 0 {
		c.MaxFrames = DefaultMaxFrames
	}
	if c.MaxPixels <= 0 {
		c.MaxPixels = DefaultMaxPixels
	}
	if c.Threads <= 0 {
		c.Threads = DefaultThreads
	}
	if len(c.Formats) == 0 {
		c.Formats = DefaultFormats
	}
	return c
}

// Available reports whether the configured ffmpeg and ffprobe can be run,
// with ErrNoFFmpeg when not.
func (c Config) Available() error {
	c = c.withDefaults()
	for _, p := range []string{c.FFmpeg, c.FFprobe} {
		if _, err := exec.LookPath(p); err != nil {
			return fmt.Errorf("%w: %s: %v", ErrNoFFmpeg, p, err)
		}
	}
	return nil
}

// command builds the child process: sh sets the memory limit and execs the
// tool, so the process ctx kills is the tool itself.
func (c Config) command(tool string, args []string) (string, []string) {
	if c.MaxMemory < 0 {
		return tool, args
	}
	kib := max(c.MaxMemory>>10, 1)
	sh := []string{"-c", `ulimit -v "$0" && exec "$@"`, fmt.Sprint(kib), tool}
	return "/bin/sh", append(sh, args...)
}

// inputURL keeps ffmpeg from reading a path as a URL or an option.
func inputURL(path string) string { return "file:" + path }

func (c Config) formatList() string { return strings.Join(c.Formats, ",") }
