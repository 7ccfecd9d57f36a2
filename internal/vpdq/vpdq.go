package vpdq

import (
	"github.com/sigap/sigap/internal/pdq"
)

// Matching defaults of the reference (python-threatexchange's vpdq_util).
const (
	DefaultMaxDistance       = pdq.MatchThreshold   // a frame matches at distance <= 31
	DefaultMinQuality        = pdq.QualityThreshold // frames below quality 50 are not compared
	DefaultQueryMatchPercent = 80.0                 // an index match needs 80% of the query's frames
	DefaultIndexMatchPercent = 0.0                  // and any share of the banked video's
	timestampDecimals        = 3
	maxLineLength            = 256
	maxTimestamp             = 1e9 // seconds, about 31 years: keeps formatted lines short
	defaultMaxParsedFeatures = 1_000_000
)

// Feature is one hashed frame.
type Feature struct {
	Frame     int // decoded-frame number, from 0
	Quality   int // PDQ quality, 0..100
	Hash      pdq.Hash
	Timestamp float64 // seconds from the start
}

// Hash is a video's vPDQ hash: its hashed frames in frame order.
type Hash []Feature

// MatchOptions are the thresholds of Match and Index.
type MatchOptions struct {
	MaxDistance int // inclusive Hamming distance for a frame match
	MinQuality  int // frames below this quality are left out on both sides
}

// DefaultMatchOptions returns the reference's thresholds.
func DefaultMatchOptions() MatchOptions {
	return MatchOptions{MaxDistance: DefaultMaxDistance, MinQuality: DefaultMinQuality}
}

// Prepare returns the distinct hashes of h's frames of at least minQuality,
// in first-seen order: the reference drops low-quality frames and then
// repeated hashes (a still scene hashes the same many times) before
// matching, so matching percentages count distinct frames.
func Prepare(h Hash, minQuality int) []pdq.Hash {
	seen := make(map[pdq.Hash]struct{}, len(h))
	out := make([]pdq.Hash, 0, len(h))
	for _, f := range h {
		if f.Quality < minQuality {
			continue
		}
		if _, dup := seen[f.Hash]; dup {
			continue
		}
		seen[f.Hash] = struct{}{}
		out = append(out, f.Hash)
	}
	return out
}

// Match compares two videos frame by frame, as the reference's brute-force
// matcher: queryPct is the share of q's prepared frames within
// opt.MaxDistance of some frame of c, comparedPct the share of c's frames
// near some frame of q. Either is 0 when a side has no frame of enough
// quality.
func Match(q, c Hash, opt MatchOptions) (queryPct, comparedPct float64) {
	qh, ch := Prepare(q, opt.MinQuality), Prepare(c, opt.MinQuality)
	if len(qh) == 0 || len(ch) == 0 {
		return 0, 0
	}
	return percentIn(qh, ch, opt.MaxDistance), percentIn(ch, qh, opt.MaxDistance)
}

func percentIn(a, b []pdq.Hash, maxDist int) float64 {
	n := 0
	for i := range a {
		for j := range b {
			if pdq.Distance(a[i], b[j]) <= maxDist {
				n++
				break
			}
		}
	}
	return float64(n) * 100 / float64(len(a))
}
