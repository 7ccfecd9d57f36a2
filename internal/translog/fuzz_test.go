package translog_test

import (
	"bytes"
	"testing"

	"github.com/sigap/sigap/internal/translog"
)

// The seed corpora live in testdata/fuzz/FuzzXxx.

func FuzzParseCheckpoint(f *testing.F) {
	f.Fuzz(func(t *testing.T, text string) {
		c, err := translog.ParseCheckpoint(text)
		if err != nil {
			return
		}
		// Whatever parses writes back to the same text.
		if c.Text() != text {
			t.Fatalf("ParseCheckpoint(%q).Text() = %q", text, c.Text())
		}
	})
}

func FuzzOpenCheckpoint(f *testing.F) {
	k, err := translog.ParseSignerKey("PRIVATE+KEY+sigap.test/log+270aa828+AbsMLuIBS3ZM4fUG85SXjtquR2/CbhQsGNCsgM1vTEOk")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		c, err := translog.OpenCheckpoint(msg, k.Verifier)
		if err == nil && c.Origin != "sigap.test/log" {
			t.Fatalf("verified a checkpoint of origin %q", c.Origin)
		}
	})
}

func FuzzParseTilePath(f *testing.F) {
	f.Fuzz(func(t *testing.T, path string) {
		tile, err := translog.ParseTilePath(path)
		if err != nil {
			return
		}
		if translog.TilePath(tile) != path {
			t.Fatalf("ParseTilePath(%q) = %+v, which writes as %q", path, tile, translog.TilePath(tile))
		}
		if tile.W < 1 || tile.W > 256 || tile.N < 0 || tile.L < -1 || tile.L > 63 {
			t.Fatalf("ParseTilePath(%q) = %+v: out of range", path, tile)
		}
		translog.TileNeeds(tile) // never panics
	})
}

func FuzzParseInclusionProof(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := translog.ParseInclusionProof(b)
		if err != nil {
			return
		}
		if p.Index < 0 || p.Index >= p.Size {
			t.Fatalf("accepted index %d of size %d", p.Index, p.Size)
		}
		leaf, _ := translog.DecodeHash(p.LeafHash)
		root, _ := translog.DecodeHash(p.RootHash)
		_ = translog.VerifyInclusion(p, root, leaf) // never panics
	})
}

func FuzzParseConsistencyProof(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := translog.ParseConsistencyProof(b)
		if err != nil {
			return
		}
		if p.Old < 1 || p.New < p.Old {
			t.Fatalf("accepted sizes %d -> %d", p.Old, p.New)
		}
		o, _ := translog.DecodeHash(p.OldRoot)
		n, _ := translog.DecodeHash(p.NewRoot)
		_ = translog.VerifyConsistency(p, o, n) // never panics
	})
}

func FuzzDecodeBundle(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, err := translog.DecodeBundle(b)
		if err != nil {
			return
		}
		if !bytes.Equal(translog.EncodeBundle(entries), b) {
			t.Fatal("a decoded bundle does not encode back to itself")
		}
	})
}
