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

	"github.com/sigap/sigap/internal/pdq"
)

// runHash is `sigap hash [--dihedral] [--md5] [--sha256] FILE...`: one line
// per file, "<PDQ hash> <quality> [md5] [sha256] <file>", or with --dihedral
// eight lines per file prefixed by the transform name (upstream's order and
// spelling: orig rot90 rot180 rot270 flipx flipy flipplus1 flipminus1). The
// file name stays last so names with spaces parse. "-" reads standard input.
// A file that cannot be read or decoded gets an error line on stderr; the
// others are still hashed and the command then fails.
func runHash(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("hash", env)
	dihedral := fs.Bool("dihedral", false, "print the 8 rotation/mirror hashes of each file, one line each")
	withMD5 := fs.Bool("md5", false, "add the file's MD5 column")
	withSHA := fs.Bool("sha256", false, "add the file's SHA-256 column")
	maxBytes := fs.Int64("max-bytes", pdq.DefaultMaxBytes, "refuse files larger than this many bytes")
	maxPixels := fs.Int64("max-pixels", pdq.DefaultMaxPixels, "refuse images with more pixels than this (checked before decoding)")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "usage: sigap hash [--dihedral] [--md5] [--sha256] FILE...\n\n"+
			"Prints \"<PDQ hash, 64 hex digits> <quality 0-100> <file>\" per file (full-resolution PDQ,\n"+
			"as python-threatexchange/HMA compute it). Quality below 50 should not be matched.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}
	lim := pdq.Limits{MaxBytes: *maxBytes, MaxPixels: *maxPixels}
	failed := 0
	for _, name := range fs.Args() {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("hash: %w", err)
		}
		err := func() error {
			var r io.Reader = env.Stdin
			if name != "-" {
				f, err := os.Open(name)
				if err != nil {
					return err
				}
				defer f.Close()
				r = f
			}
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
		return fmt.Errorf("%d of %d files could not be hashed", failed, fs.NArg())
	}
	return nil
}
