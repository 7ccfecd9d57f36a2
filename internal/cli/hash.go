package cli

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/pdq"
	"github.com/sigap/sigap/internal/tmk"
	"github.com/sigap/sigap/internal/video"
	"github.com/sigap/sigap/internal/vpdq"
)

// runHash is `sigap hash [--dihedral] [--md5] [--sha256] FILE...`: one line
// per file, "<PDQ hash> <quality> [md5] [sha256] <file>", or with --dihedral
// eight lines per file prefixed by the transform name (upstream's order and
// spelling: orig rot90 rot180 rot270 flipx flipy flipplus1 flipminus1). The
// file name stays last so names with spaces parse. "-" reads standard input.
// A file that cannot be read or decoded gets an error line on stderr; the
// others are still hashed and the command then fails. With --vpdq or --tmk
// the one FILE is a video, hashed through ffmpeg (see runHashVideo).
func runHash(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("hash", env)
	dihedral := fs.Bool("dihedral", false, "print the 8 rotation/mirror hashes of each file, one line each")
	withMD5 := fs.Bool("md5", false, "add the file's MD5 column")
	withSHA := fs.Bool("sha256", false, "add the file's SHA-256 column")
	maxBytes := fs.Int64("max-bytes", pdq.DefaultMaxBytes, "refuse files larger than this many bytes")
	maxPixels := fs.Int64("max-pixels", pdq.DefaultMaxPixels, "refuse images with more pixels than this (checked before decoding)")
	var vf videoFlags
	vf.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "usage: sigap hash [--dihedral] [--md5] [--sha256] FILE...\n"+
			"       sigap hash --vpdq [--seconds-per-hash S] [--downsample N] VIDEO\n"+
			"       sigap hash --tmk VIDEO --out OUT.tmk\n\n"+
			"Prints \"<PDQ hash, 64 hex digits> <quality 0-100> <file>\" per file (full-resolution PDQ,\n"+
			"as python-threatexchange/HMA compute it). Quality below 50 should not be matched.\n"+
			"--vpdq prints \"frame_number,quality,pdq_hex,timestamp_seconds\" per hashed frame, as\n"+
			"vpdq-hash-video; --tmk writes the TMK+PDQF features as tmk-hash-video's .tmk file.\n"+
			"Videos are decoded by ffmpeg (Debian's ffmpeg package).\n\nFlags:")
		fs.PrintDefaults()
	}
	files, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if len(files) == 0 {
		fs.Usage()
		return errUsage
	}
	if vf.vpdq || vf.tmk {
		if *dihedral || *withMD5 || *withSHA {
			fmt.Fprintln(env.Stderr, "sigap hash: --dihedral, --md5 and --sha256 are for images, not with --vpdq or --tmk")
			return errUsage
		}
		return runHashVideo(ctx, env, &vf, files)
	}
	lim := pdq.Limits{MaxBytes: *maxBytes, MaxPixels: *maxPixels}
	failed := 0
	for _, name := range files {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("hash: %w", err)
		}
		err := func() error {
			r, err := openInput(env, name)
			if err != nil {
				return err
			}
			defer r.Close()
			// Read one byte past the limit so an oversized file is refused
			// by the decoder rather than silently truncated.
			data, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
			if err != nil {
				return fmt.Errorf("read: %w", err)
			}
			img, _, err := pdq.DecodeBytes(data, lim)
			if err != nil {
				return err
			}
			var extra strings.Builder
			if *withMD5 {
				sum := md5.Sum(data)
				extra.WriteString(hex.EncodeToString(sum[:]) + " ")
			}
			if *withSHA {
				sum := sha256.Sum256(data)
				extra.WriteString(hex.EncodeToString(sum[:]) + " ")
			}
			if *dihedral {
				hashes, q, err := pdq.Dihedral(img)
				if err != nil {
					return err
				}
				for i, h := range hashes {
					fmt.Fprintf(env.Stdout, "%s %s %d %s%s\n", pdq.DihedralNames[i], h, q, extra.String(), name)
				}
				return nil
			}
			res, err := pdq.FromImage(img)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "%s %d %s%s\n", res.Hash, res.Quality, extra.String(), name)
			return nil
		}()
		if err != nil {
			failed++
			fmt.Fprintf(env.Stderr, "sigap hash: %s: %v\n", name, err)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files could not be hashed", failed, len(files))
	}
	return nil
}

// parseInterspersed parses flags wherever they stand among the file
// arguments, so the contract's `sigap hash --tmk FILE --out OUT.tmk`
// parses; "--" ends the flags.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return files, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(files, rest...), nil
		}
		files = append(files, rest[0])
		args = rest[1:]
	}
}

// maxStdinVideo bounds a video read from standard input (it is spooled to
// a temporary file because ffmpeg needs to seek in MP4 files).
const maxStdinVideo = 4 << 30

// videoFlags are sigap hash's flags for videos.
type videoFlags struct {
	vpdq, tmk      bool
	secondsPerHash float64
	downsample     int
	out            string
	ffmpeg         string
	ffprobe        string
	timeout        time.Duration
}

func (v *videoFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&v.vpdq, "vpdq", false, "hash the video FILE with vPDQ: one line per frame, frame_number,quality,pdq_hex,timestamp_seconds")
	fs.BoolVar(&v.tmk, "tmk", false, "compute the video FILE's TMK+PDQF features into --out (the reference's binary .tmk format)")
	fs.Float64Var(&v.secondsPerHash, "seconds-per-hash", 0, "with --vpdq: hash one frame per this many seconds (0: every frame)")
	fs.IntVar(&v.downsample, "downsample", 0, "with --vpdq: scale frames to NxN before hashing (0: the video's own size)")
	fs.StringVar(&v.out, "out", "", "with --tmk: the .tmk file to write")
	fs.StringVar(&v.ffmpeg, "ffmpeg", video.DefaultFFmpeg, "ffmpeg to decode videos with")
	fs.StringVar(&v.ffprobe, "ffprobe", video.DefaultFFprobe, "ffprobe to read video stream information with")
	fs.DurationVar(&v.timeout, "video-timeout", video.DefaultTimeout, "give up on a video after this long")
}

// runHashVideo hashes one video FILE ("-" spools standard input to a
// temporary file) with vPDQ or TMK+PDQF.
func runHashVideo(ctx context.Context, env *Env, vf *videoFlags, args []string) error {
	switch {
	case vf.vpdq && vf.tmk:
		fmt.Fprintln(env.Stderr, "sigap hash: give one of --vpdq and --tmk")
		return errUsage
	case len(args) != 1:
		fmt.Fprintln(env.Stderr, "sigap hash: --vpdq and --tmk hash one video FILE")
		return errUsage
	case vf.tmk && vf.out == "":
		fmt.Fprintln(env.Stderr, "sigap hash: --tmk needs --out OUT.tmk")
		return errUsage
	case vf.tmk && (vf.secondsPerHash != 0 || vf.downsample != 0):
		fmt.Fprintln(env.Stderr, "sigap hash: --seconds-per-hash and --downsample are vPDQ options")
		return errUsage
	}
	cfg := video.Config{FFmpeg: vf.ffmpeg, FFprobe: vf.ffprobe, Timeout: vf.timeout}
	path := args[0]
	if path == "-" {
		tmp, remove, err := video.Spool(env.Stdin, maxStdinVideo)
		if err != nil {
			return fmt.Errorf("hash: %w", err)
		}
		defer remove()
		path = tmp
	}
	if vf.tmk {
		f, err := tmk.HashFile(ctx, cfg, path)
		if err != nil {
			return fmt.Errorf("hash: %s: %w", args[0], err)
		}
		data, err := f.MarshalBinary()
		if err != nil {
			return fmt.Errorf("hash: %w", err)
		}
		if err := os.WriteFile(vf.out, data, 0o644); err != nil {
			return fmt.Errorf("hash: %w", err)
		}
		return nil
	}
	// vpdq-hash-video reads --seconds-per-hash with std::stof: the float
	// decides which frames int(S*rate) selects (0.7 s at 30 fps: every 20th).
	opt := vpdq.HashOptions{SecondsPerHash: float64(float32(vf.secondsPerHash)), Downsample: vf.downsample}
	h, err := vpdq.HashFile(ctx, cfg, path, opt)
	if err != nil {
		return fmt.Errorf("hash: %s: %w", args[0], err)
	}
	return vpdq.Format(env.Stdout, h)
}
