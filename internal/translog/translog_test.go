package translog_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
	"pgregory.net/rapid"

	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
	"github.com/sigap/sigap/internal/translog"
)

func testKey(t testing.TB) translog.Key {
	t.Helper()
	k, err := translog.GenerateKey(t.TempDir(), "sigap.test/log")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestCheckpointRoundTrip(t *testing.T) {
	t.Parallel()
	k := testKey(t)
	c := translog.Checkpoint{Origin: "sigap.test/log", Size: 1234, Root: sha256.Sum256([]byte("x"))}
	msg, err := translog.SignCheckpoint(c, k.Signer)
	if err != nil {
		t.Fatal(err)
	}
	got, err := translog.OpenCheckpoint(msg, k.Verifier)
	if err != nil || got.Size != c.Size || got.Root != c.Root || got.Origin != c.Origin {
		t.Fatalf("OpenCheckpoint = %+v, %v", got, err)
	}
	lines := strings.Split(string(msg), "\n")
	if lines[0] != "sigap.test/log" || lines[1] != "1234" || lines[3] != "" || !strings.HasPrefix(lines[4], "— sigap.test/log ") {
		t.Errorf("not a C2SP checkpoint:\n%s", msg)
	}
	other := testKey(t)
	bad := map[string][]byte{
		"size edited":      bytes.Replace(msg, []byte("\n1234\n"), []byte("\n1235\n"), 1),
		"root edited":      bytes.Replace(msg, []byte(lines[2]), []byte(strings.ToLower(lines[2])), 1),
		"signature edited": bytes.Replace(msg, []byte(lines[4][len(lines[4])-8:]), []byte("AAAAAAAA"), 1),
		"unsigned":         []byte(c.Text()),
		"empty":            nil,
	}
	for name, m := range bad {
		if _, err := translog.OpenCheckpoint(m, k.Verifier); !errors.Is(err, translog.ErrBadCheckpoint) {
			t.Errorf("%s: err = %v, want ErrBadCheckpoint", name, err)
		}
	}
	if _, err := translog.OpenCheckpoint(msg, other.Verifier); !errors.Is(err, translog.ErrBadCheckpoint) {
		t.Errorf("another key verified it: %v", err)
	}
	// A key whose name is not the origin.
	skey, _, _ := note.GenerateKey(nil, "sigap.test/other")
	s, _ := note.NewSigner(skey)
	m2, _ := note.Sign(&note.Note{Text: c.Text()}, s)
	k2, _ := translog.ParseSignerKey(skey)
	if _, err := translog.OpenCheckpoint(m2, k2.Verifier); err == nil || !strings.Contains(err.Error(), "origin") {
		t.Errorf("origin not the key name: %v", err)
	}
}

func TestParseCheckpointRefuses(t *testing.T) {
	t.Parallel()
	root := "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
	for _, text := range []string{
		"", "o\n1\n" + root, "o\n1\n", "\n1\n" + root + "\n", "o\n01\n" + root + "\n", "o\n-1\n" + root + "\n",
		"o\n1x\n" + root + "\n", "o\n99999999999999999999\n" + root + "\n", "o\n1\nAAAA\n", "o\n1\n" + root + "\n\n",
		"o\n1\n" + strings.TrimSuffix(root, "=") + "\n", "o\xff\n1\n" + root + "\n",
	} {
		if _, err := translog.ParseCheckpoint(text); !errors.Is(err, translog.ErrBadCheckpoint) {
			t.Errorf("ParseCheckpoint(%q) = %v, want ErrBadCheckpoint", text, err)
		}
	}
	c, err := translog.ParseCheckpoint("o\n0\n" + root + "\next one\n")
	if err != nil || c.Size != 0 || len(c.Extensions) != 1 {
		t.Errorf("good checkpoint with an extension: %+v %v", c, err)
	}
}

func TestTilePaths(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		path string
		tile tlog.Tile
	}{
		{"tile/0/000", tlog.Tile{H: 8, L: 0, N: 0, W: 256}},
		{"tile/0/x001/234.p/5", tlog.Tile{H: 8, L: 0, N: 1234, W: 5}},
		{"tile/2/x001/x234/067", tlog.Tile{H: 8, L: 2, N: 1234067, W: 256}},
		{"tile/entries/000.p/1", tlog.Tile{H: 8, L: -1, N: 0, W: 1}},
	} {
		got, err := translog.ParseTilePath(tc.path)
		if err != nil || got != tc.tile {
			t.Errorf("ParseTilePath(%q) = %+v, %v; want %+v", tc.path, got, err, tc.tile)
		}
		if p := translog.TilePath(got); p != tc.path {
			t.Errorf("TilePath(%+v) = %q, want %q", got, p, tc.path)
		}
	}
	for _, p := range []string{"", "tile/", "tile/0", "tile/0/0", "tile/0/0000", "tile/0/000.p/0", "tile/0/000.p/256", "tile/0/000.p/", "tile/8/0/000",
		"tile/data/000", "tile/-1/000", "tile/0/x000/001", "tile/0/001/", "tile/0/1a0", "tiles/0/000", "tile/entries/000.p/01", "tile/64/000"} {
		if _, err := translog.ParseTilePath(p); !errors.Is(err, translog.ErrBadTilePath) {
			t.Errorf("ParseTilePath(%q) = %v, want ErrBadTilePath", p, err)
		}
	}
}

func TestBundleRoundTrip(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		entries := rapid.SliceOfN(rapid.SliceOfN(rapid.Byte(), 0, 300), 0, 20).Draw(t, "entries")
		got, err := translog.DecodeBundle(translog.EncodeBundle(entries))
		if err != nil || len(got) != len(entries) {
			t.Fatalf("round trip: %d entries, %v", len(got), err)
		}
		for i := range got {
			if !bytes.Equal(got[i], entries[i]) {
				t.Fatalf("entry %d differs", i)
			}
		}
	})
	for _, b := range [][]byte{{0}, {0, 5, 1, 2}} {
		if _, err := translog.DecodeBundle(b); err == nil {
			t.Errorf("DecodeBundle(%x) accepted a cut bundle", b)
		}
	}
}

// TestTreeMatchesTlog: the auditor's streaming tree gives tlog's roots, and
// tlog's proofs verify against them at every size.
func TestTreeMatchesTlog(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(0, 300).Draw(rt, "n")
		var tree translog.Tree
		var stored []tlog.Hash
		r := tlog.HashReaderFunc(func(ids []int64) ([]tlog.Hash, error) {
			out := make([]tlog.Hash, len(ids))
			for i, id := range ids {
				out[i] = stored[id]
			}
			return out, nil
		})
		roots := []tlog.Hash{tree.Root()}
		for i := range n {
			entry := []byte(fmt.Sprint(i))
			hs, err := tlog.StoredHashes(int64(i), entry, r)
			if err != nil {
				rt.Fatal(err)
			}
			stored = append(stored, hs...)
			tree.Append(translog.LeafHash(entry))
			want, _ := tlog.TreeHash(int64(i+1), r)
			if tree.Root() != want {
				rt.Fatalf("root of %d differs from tlog's", i+1)
			}
			roots = append(roots, want)
		}
		if n == 0 {
			return
		}
		size := int64(n)
		idx := rapid.Int64Range(0, size-1).Draw(rt, "index")
		p, _ := tlog.ProveRecord(size, idx, r)
		ip := translog.InclusionProof{Index: idx, Size: size, Hashes: translog.EncodeHashes(p)}
		if err := translog.VerifyInclusion(ip, roots[size], translog.LeafHash([]byte(fmt.Sprint(idx)))); err != nil {
			rt.Fatal(err)
		}
		if err := translog.VerifyInclusion(ip, roots[size], translog.LeafHash([]byte("other"))); err == nil {
			rt.Fatal("a wrong leaf verified")
		}
		old := rapid.Int64Range(1, size).Draw(rt, "old")
		tp, _ := tlog.ProveTree(size, old, r)
		cp := translog.ConsistencyProof{Old: old, New: size, Hashes: translog.EncodeHashes(tp)}
		if err := translog.VerifyConsistency(cp, roots[old], roots[size]); err != nil {
			rt.Fatal(err)
		}
		if old > 1 && translog.VerifyConsistency(cp, roots[old-1], roots[size]) == nil {
			rt.Fatal("a wrong old root verified")
		}
	})
}

func TestParseProofsRefuse(t *testing.T) {
	t.Parallel()
	h := `"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="`
	for _, b := range []string{`{`, `{"index":5,"size":5,"leaf_hash":` + h + `,"root_hash":` + h + `,"hashes":[]}`,
		`{"index":-1,"size":5,"leaf_hash":` + h + `,"root_hash":` + h + `,"hashes":[]}`,
		`{"index":0,"size":5,"leaf_hash":"AAAA","root_hash":` + h + `,"hashes":[]}`,
		`{"index":0,"size":5,"leaf_hash":` + h + `,"root_hash":` + h + `,"hashes":["x"]}`} {
		if _, err := translog.ParseInclusionProof([]byte(b)); !errors.Is(err, translog.ErrBadProof) {
			t.Errorf("ParseInclusionProof(%s) = %v", b, err)
		}
	}
	for _, b := range []string{`[]`, `{"old":0,"new":5,"old_root":` + h + `,"new_root":` + h + `,"hashes":[]}`,
		`{"old":6,"new":5,"old_root":` + h + `,"new_root":` + h + `,"hashes":[]}`,
		`{"old":1,"new":5,"old_root":` + h + `,"new_root":"","hashes":[]}`} {
		if _, err := translog.ParseConsistencyProof([]byte(b)); !errors.Is(err, translog.ErrBadProof) {
			t.Errorf("ParseConsistencyProof(%s) = %v", b, err)
		}
	}
}

// TestLogOnBothEngines appends events through the store, hashes and signs,
// and checks tiles, proofs, the audit and its findings after tampering.
func TestLogOnBothEngines(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		ctx := t.Context()
		db := storetest.Open(t, e)
		k := testKey(t)
		l, err := translog.Open(ctx, db, k, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if s := l.Latest(); s.Size != 0 || s.Note == nil {
			t.Fatalf("a fresh log signs the empty tree: %+v", s)
		}
		at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
		// 600 events in 3 writes: more than two full tiles.
		for w := range 3 {
			evs := make([]notice.Event, 200)
			for i := range evs {
				evs[i] = notice.Event{At: at, Type: "test.event", NoticeID: fmt.Sprintf("ntc_%d_%d", w, i), Data: []byte(fmt.Sprintf(`{"i":%d}`, i))}
			}
			if err := db.Write(ctx, func(tx *store.Tx) error { return tx.AppendEvents(ctx, evs) }); err != nil {
				t.Fatal(err)
			}
		}
		s, err := l.Sync(ctx)
		if err != nil || s.Size != 600 {
			t.Fatalf("Sync = %d, %v", s.Size, err)
		}
		if _, err := translog.OpenCheckpoint(s.Note, k.Verifier); err != nil {
			t.Fatal(err)
		}
		full, err := l.Tile(ctx, tlog.Tile{H: 8, L: 0, N: 1, W: 0})
		if err != nil || len(full) != 256*32 {
			t.Fatalf("full tile 0/001: %d bytes, %v", len(full), err)
		}
		if _, err := l.Tile(ctx, tlog.Tile{H: 8, L: 0, N: 2, W: 0}); !errors.Is(err, translog.ErrRange) {
			t.Errorf("tile 0/002 is not full yet: %v", err)
		}
		l1, err := l.Tile(ctx, tlog.Tile{H: 8, L: 1, N: 0, W: 2})
		if err != nil || len(l1) != 64 {
			t.Fatalf("tile 1/000.p/2: %d bytes, %v", len(l1), err)
		}
		bundle, err := l.Tile(ctx, tlog.Tile{H: 8, L: -1, N: 2, W: 88})
		entries, derr := translog.DecodeBundle(bundle)
		if err != nil || derr != nil || len(entries) != 88 {
			t.Fatalf("bundle 2.p/88: %d entries, %v %v", len(entries), err, derr)
		}
		// The level-1 hash is the subtree root of the first 256 leaves.
		var sub translog.Tree
		b0, _ := l.Tile(ctx, tlog.Tile{H: 8, L: -1, N: 0, W: 0})
		e0, _ := translog.DecodeBundle(b0)
		for _, en := range e0 {
			sub.Append(translog.LeafHash(en))
		}
		if r := sub.Root(); !bytes.Equal(r[:], l1[:32]) {
			t.Error("tile 1/000 does not hold the root of the first 256 leaves")
		}
		p, err := l.Inclusion(ctx, 599, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := translog.VerifyInclusion(p, s.Root, translog.LeafHash(entries[87])); err != nil {
			t.Error(err)
		}
		for _, bad := range [][2]int64{{600, 0}, {-1, 0}, {0, 601}, {5, 5}} {
			if _, err := l.Inclusion(ctx, bad[0], bad[1]); !errors.Is(err, translog.ErrRange) {
				t.Errorf("Inclusion(%d, %d) = %v, want ErrRange", bad[0], bad[1], err)
			}
		}
		if _, err := l.Consistency(ctx, 0, 0); !errors.Is(err, translog.ErrRange) {
			t.Errorf("Consistency(0) = %v", err)
		}
		rep, err := translog.Audit(ctx, db, s.Checkpoint, nil)
		if err != nil || !rep.OK() || rep.Events != 600 {
			t.Fatalf("audit of an honest log: %+v, %v", rep, err)
		}
		// Reopening keeps the signed checkpoint.
		l2, err := translog.Open(ctx, db, k, nil, nil)
		if err != nil || l2.Latest().Size != 600 {
			t.Fatalf("reopen: %v %d", err, l2.Latest().Size)
		}
	})
}
