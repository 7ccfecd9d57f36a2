package video

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Spool copies r, at most maxBytes, into a new private temporary file for
// ffmpeg, which needs a seekable file for MP4 (its index may sit at the
// end). remove deletes it; call it once the file is hashed.
func Spool(r io.Reader, maxBytes int64) (path string, remove func(), err error) {
	dir, err := os.MkdirTemp("", "sigap-video-")
	if err != nil {
		return "", nil, fmt.Errorf("video: spool: %w", err)
	}
	remove = func() { os.RemoveAll(dir) }
	path = filepath.Join(dir, "input")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		remove()
		return "", nil, fmt.Errorf("video: spool: %w", err)
	}
	n, err := io.Copy(f, io.LimitReader(r, maxBytes+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > maxBytes {
		err = fmt.Errorf("%w: input over %d bytes", ErrTooLarge, maxBytes)
	}
	if err != nil {
		remove()
		return "", nil, fmt.Errorf("video: spool: %w", err)
	}
	return path, remove, nil
}
