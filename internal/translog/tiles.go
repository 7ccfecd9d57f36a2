package translog

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// TileHeight is the C2SP tlog-tiles height: 256 hashes to a full tile.
const TileHeight = 8

// ErrBadTilePath is wrapped by tile path parse failures.
var ErrBadTilePath = errors.New("translog: bad tile path")

// TilePath is t's C2SP tlog-tiles path: tile/<L>/<N>[.p/<W>] for hashes and
// tile/entries/<N>[.p/<W>] for entry bundles (t.L == -1).
func TilePath(t tlog.Tile) string {
	p := strings.TrimPrefix(t.Path(), fmt.Sprintf("tile/%d/", t.H))
	if rest, ok := strings.CutPrefix(p, "data/"); ok {
		return "tile/entries/" + rest
	}
	return "tile/" + p
}

// ParseTilePath parses a C2SP tile path (as TilePath writes it), refusing any
// other spelling of the same tile. An entry bundle has L == -1.
func ParseTilePath(path string) (tlog.Tile, error) {
	rest, ok := strings.CutPrefix(path, "tile/")
	if !ok {
		return tlog.Tile{}, fmt.Errorf("%w %q: it must start with tile/", ErrBadTilePath, clip(path))
	}
	if r, ok := strings.CutPrefix(rest, "entries/"); ok {
		rest = "data/" + r
	}
	t, err := tlog.ParseTilePath(fmt.Sprintf("tile/%d/", TileHeight) + rest)
	if err != nil || TilePath(t) != path || t.L > 63 {
		return tlog.Tile{}, fmt.Errorf("%w %q: want tile/<level>/<index>[.p/<width>] or tile/entries/<index>[.p/<width>], the index in 3-digit groups (x001/234), width 1-255", ErrBadTilePath, clip(path))
	}
	return t, nil
}

// tileWidth is the number of hashes (or entries) a tile holds.
func tileWidth(t tlog.Tile) int64 {
	if t.W == 0 {
		return 1 << TileHeight
	}
	return int64(t.W)
}

// TileNeeds returns the smallest tree size that holds all of tile t, or false
// when no tree of int64 size can.
func TileNeeds(t tlog.Tile) (int64, bool) {
	end := t.N<<TileHeight + tileWidth(t) // hashes (entries) [N*256, end) at level 8L
	if t.N > (1<<62)>>TileHeight {
		return 0, false
	}
	level := TileHeight * max(t.L, 0)
	if level >= 62 || end > (1<<62)>>level {
		return 0, false
	}
	return end << level, true
}

// EncodeBundle writes entries as a C2SP entry bundle: each a big-endian
// uint16 length, then its bytes.
func EncodeBundle(entries [][]byte) []byte {
	n := 0
	for _, e := range entries {
		n += 2 + len(e)
	}
	out := make([]byte, 0, n)
	for _, e := range entries {
		out = binary.BigEndian.AppendUint16(out, uint16(len(e)))
		out = append(out, e...)
	}
	return out
}

// DecodeBundle splits an entry bundle into its entries.
func DecodeBundle(b []byte) ([][]byte, error) {
	var out [][]byte
	for len(b) > 0 {
		if len(b) < 2 {
			return nil, errors.New("translog: entry bundle ends inside a length")
		}
		n := int(binary.BigEndian.Uint16(b))
		if len(b) < 2+n {
			return nil, fmt.Errorf("translog: entry bundle: entry %d is cut short", len(out))
		}
		out = append(out, b[2:2+n])
		b = b[2+n:]
	}
	return out, nil
}
