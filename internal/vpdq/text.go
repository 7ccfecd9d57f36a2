package vpdq

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/sigap/sigap/internal/pdq"
)

// ErrSyntax is returned (wrapped, with the line number) for text that is
// not a vPDQ hash.
var ErrSyntax = errors.New("vpdq: malformed hash")

// ErrEmpty is returned for a hash with no frames.
var ErrEmpty = errors.New("vpdq: no frames")

// Format writes h as the reference's hash files: one line per frame,
// "frame_number,quality,pdq_hex,timestamp_seconds" with three decimals.
func Format(w io.Writer, h Hash) error {
	bw := bufio.NewWriter(w)
	for _, f := range h {
		bw.WriteString(strconv.Itoa(f.Frame))
		bw.WriteByte(',')
		bw.WriteString(strconv.Itoa(f.Quality))
		bw.WriteByte(',')
		bw.WriteString(f.Hash.String())
		bw.WriteByte(',')
		bw.WriteString(strconv.FormatFloat(f.Timestamp, 'f', timestampDecimals, 64))
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// String returns h in Format's text.
func (h Hash) String() string {
	var b strings.Builder
	_ = Format(&b, h)
	return b.String()
}

// Parse reads a vPDQ hash in either of the reference's text forms:
// lines "frame_number,quality,pdq_hex,timestamp" (vpdq-hash-video's files,
// Format's output), or python-threatexchange's compact features
// "pdq_hex,quality,timestamp", one a line or as a JSON array of such
// strings (frames are then numbered in order). Blank lines are skipped;
// at most 1,000,000 frames are read.
func Parse(s string) (Hash, error) {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "[") {
		var items []string
		if err := json.Unmarshal([]byte(t), &items); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrSyntax, err)
		}
		if len(items) > defaultMaxParsedFeatures {
			return nil, fmt.Errorf("%w: more than %d frames", ErrSyntax, defaultMaxParsedFeatures)
		}
		h := make(Hash, 0, len(items))
		for i, it := range items {
			f, err := parseLine(it, i)
			if err != nil {
				return nil, fmt.Errorf("%w: item %d: %v", ErrSyntax, i+1, err)
			}
			h = append(h, f)
		}
		return nonEmpty(h)
	}
	var h Hash
	lineNo := 0
	for line := range strings.Lines(s) {
		lineNo++
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if len(h) >= defaultMaxParsedFeatures {
			return nil, fmt.Errorf("%w: more than %d frames", ErrSyntax, defaultMaxParsedFeatures)
		}
		f, err := parseLine(line, len(h))
		if err != nil {
			return nil, fmt.Errorf("%w: line %d: %v", ErrSyntax, lineNo, err)
		}
		h = append(h, f)
	}
	return nonEmpty(h)
}

func nonEmpty(h Hash) (Hash, error) {
	if len(h) == 0 {
		return nil, ErrEmpty
	}
	return h, nil
}

// parseLine reads one 4-field or 3-field feature; ordinal numbers frames of
// the 3-field form.
func parseLine(line string, ordinal int) (Feature, error) {
	if len(line) > maxLineLength {
		return Feature{}, errors.New("line too long")
	}
	fs := strings.Split(line, ",")
	var f Feature
	var err error
	switch len(fs) {
	case 4:
		if f.Frame, err = strconv.Atoi(strings.TrimSpace(fs[0])); err != nil || f.Frame < 0 {
			return f, fmt.Errorf("frame number %q", fs[0])
		}
		fs = fs[1:]
		fs[0], fs[1] = fs[1], fs[0] // hex, quality, timestamp like the 3-field form
	case 3:
		f.Frame = ordinal
	default:
		return f, fmt.Errorf("%d fields, want 4 (frame,quality,hash,timestamp) or 3 (hash,quality,timestamp)", len(fs))
	}
	if f.Hash, err = pdq.ParseHex(strings.TrimSpace(fs[0])); err != nil {
		return f, err
	}
	if f.Quality, err = strconv.Atoi(strings.TrimSpace(fs[1])); err != nil || f.Quality < 0 || f.Quality > 100 {
		return f, fmt.Errorf("quality %q, want 0..100", fs[1])
	}
	ts, err := strconv.ParseFloat(strings.TrimSpace(fs[2]), 64)
	if err != nil || !(ts >= 0 && ts <= maxTimestamp) {
		return f, fmt.Errorf("timestamp %q, want 0..%g seconds", fs[2], float64(maxTimestamp))
	}
	f.Timestamp = ts
	return f, nil
}
