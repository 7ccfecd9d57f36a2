package scanstream

import (
	"bytes"

	"github.com/nats-io/nats.go"

	"github.com/sigap/sigap/internal/scan"
)

// EachPost decodes the posts of one stream message as the live worker does
// (one JSON post, or NDJSON under BatchContentType) and hands each to fn
// with its line number (1 for a single post) or the reason it is not a
// post. It stops at fn's first error and returns it. A retroactive scan
// reads the retained messages with it.
func EachPost(data []byte, h nats.Header, maxBytes int, fn func(line int, p scan.Post, bad error) error) error {
	if maxBytes <= 0 {
		maxBytes = Config{}.withDefaults().MaxPostBytes
	}
	if !isBatch(h) {
		var p scan.Post
		err := decode(data, maxBytes, &p)
		return fn(1, p, err)
	}
	return eachLine(data, func(n int, line []byte) error {
		var p scan.Post
		err := decode(line, maxBytes, &p)
		return fn(n, p, err)
	})
}

// eachLine hands fn each non-blank line of an NDJSON batch, trimmed, with
// its line number, and stops at fn's first error.
func eachLine(data []byte, fn func(n int, line []byte) error) error {
	for n := 1; len(data) > 0; n++ {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if err := fn(n, line); err != nil {
			return err
		}
	}
	return nil
}

// Permanent reports whether err is about the post itself (malformed,
// refused, an image or video that cannot be read), so that no retry can fix
// it: the live worker dead-letters such a post, a retroactive scan skips it.
func Permanent(err error) bool { return permanent(err) }
