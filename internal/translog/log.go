package translog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/store"
)

// ErrRange is wrapped when an index, size or tile lies outside the signed tree.
var ErrRange = errors.New("translog: out of range")

// integrateChunk bounds how many entries one hashing transaction covers.
const integrateChunk = 4096

// Signed is a signed checkpoint: its parsed body and the note as served.
type Signed struct {
	Checkpoint
	Note []byte
}

// Log is the running transparency log over a store. Entries are appended by
// the store with every event; Log hashes them into the tree off the hot path
// and signs checkpoints.
type Log struct {
	db    *store.DB
	keys  *Keys
	clock clock.Clock
	log   *slog.Logger

	fence    Fence      // nil: this process alone writes the log
	mu       sync.Mutex // serialises Sync
	latest   Signed
	latestBy string       // the keys that signed latest, for noticing a rotation
	rmu      sync.RWMutex // guards latest
}

// Fence lets one process of several on a database hash and sign the log
// (a lease.Keeper): the others follow the checkpoints it stores.
type Fence interface {
	// Held tells whether this process may write the log now.
	Held() bool
	// Check fails, inside the write's own transaction, unless it still may.
	Check(ctx context.Context, tx *store.Tx) error
}

// Open loads the log's state, backfills events that predate the log, and
// signs a checkpoint of the current tree.
func Open(ctx context.Context, db *store.DB, key Key, clk clock.Clock, log *slog.Logger) (*Log, error) {
	return OpenFenced(ctx, db, key, clk, log, nil)
}

// OpenFenced is Open for one of several processes on a database: only while
// fence is held does this one hash and sign; otherwise Sync reads the
// checkpoint the holder stored.
func OpenFenced(ctx context.Context, db *store.DB, key Key, clk clock.Clock, log *slog.Logger, fence Fence) (*Log, error) {
	if clk == nil {
		clk = clock.System{}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	keys := key.ring
	if keys == nil {
		keys = fixedKeys(key)
	}
	l := &Log{db: db, keys: keys, clock: clk, log: log, fence: fence}
	var n int
	if err := db.Write(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.BackfillLog(ctx)
		return err
	}); err != nil {
		return nil, fmt.Errorf("translog: %w", err)
	}
	if n > 0 {
		log.Info("transparency log: appended the events that predate it", "events", n)
	}
	if sc, err := db.LatestCheckpoint(ctx); err == nil {
		if c, by, err := OpenCheckpointKeys([]byte(sc.Note), keys.Verifiers()); err == nil {
			l.latest = Signed{Checkpoint: c, Note: []byte(sc.Note)}
			l.latestBy = strings.Join(by, " ")
		} else {
			log.Warn("transparency log: the stored checkpoint does not verify with the log's keys; signing a new one", "err", err)
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("translog: %w", err)
	}
	if _, err := l.Sync(ctx); err != nil {
		return nil, err
	}
	return l, nil
}

// Key returns the log's key pair that signs now.
func (l *Log) Key() Key { return l.keys.Current(l.clock.Now()) }

// Keys lists every key of the log's ring with its validity now: checkpoints
// signed by any of them verify.
func (l *Log) Keys() []KeyInfo { return l.keys.List(l.clock.Now()) }

// ReloadKeys rereads the log's key ring now rather than at the next
// periodic check; the next Sync signs with what it finds.
func (l *Log) ReloadKeys(ctx context.Context) error { return l.keys.Reload(ctx, l.clock.Now()) }

// Verifiers is every key of the log's ring as a note verifier.
func (l *Log) Verifiers() []note.Verifier { return l.keys.Verifiers() }

// Latest is the newest signed checkpoint.
func (l *Log) Latest() Signed {
	l.rmu.RLock()
	defer l.rmu.RUnlock()
	return l.latest
}

// Run hashes new entries and signs a checkpoint every interval while the tree
// grows, until ctx ends.
func (l *Log) Run(ctx context.Context, interval time.Duration) {
	clock.Every(ctx, interval, func() {
		if _, err := l.Sync(ctx); err != nil && ctx.Err() == nil {
			l.log.Warn("transparency log: sync failed; retrying", "err", err)
		}
	})
}

// Sync hashes every appended entry into the tree and, when the tree grew,
// signs and stores a new checkpoint. It returns the newest checkpoint. A
// process that does not hold the log's fence reads the newest stored
// checkpoint instead.
func (l *Log) Sync(ctx context.Context) (Signed, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fence != nil && !l.fence.Held() {
		return l.follow(ctx)
	}
	if l.fence != nil {
		// A new holder starts from its predecessor's newest checkpoint.
		if _, err := l.follow(ctx); err != nil {
			return Signed{}, err
		}
	}
	s, err := l.sync(ctx)
	if errors.Is(err, store.ErrNotLeader) {
		return l.follow(ctx)
	}
	return s, err
}

// follow takes the newest checkpoint another process stored, if newer.
func (l *Log) follow(ctx context.Context) (Signed, error) {
	cur := l.Latest()
	sc, err := l.db.LatestCheckpoint(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return cur, nil
	}
	if err != nil {
		return cur, fmt.Errorf("translog: %w", err)
	}
	if cur.Note != nil && sc.Size <= cur.Size {
		return cur, nil
	}
	if err := l.keys.refresh(ctx, l.clock.Now()); err != nil {
		l.log.Warn("transparency log: the key ring does not load; checking with the keys loaded before", "err", err)
	}
	c, by, err := OpenCheckpointKeys([]byte(sc.Note), l.keys.Verifiers())
	if err != nil {
		return cur, fmt.Errorf("translog: the stored checkpoint of %d entries: %w", sc.Size, err)
	}
	s := Signed{Checkpoint: c, Note: []byte(sc.Note)}
	l.rmu.Lock()
	l.latest = s
	l.rmu.Unlock()
	l.latestBy = strings.Join(by, " ")
	return s, nil
}

// check fences a write of the log, where there is a fence.
func (l *Log) check(ctx context.Context, tx *store.Tx) error {
	if l.fence == nil {
		return nil
	}
	return l.fence.Check(ctx, tx)
}

func (l *Log) sync(ctx context.Context) (Signed, error) {
	size, hashed, err := l.db.LogState(ctx)
	if err != nil {
		return Signed{}, fmt.Errorf("translog: %w", err)
	}
	for hashed < size {
		to := min(size, hashed+integrateChunk)
		if err := l.integrate(ctx, hashed, to); err != nil {
			if errors.Is(err, store.ErrConflict) {
				// Another server on the same database hashed them first.
				if size, hashed, err = l.db.LogState(ctx); err != nil {
					return Signed{}, fmt.Errorf("translog: %w", err)
				}
				continue
			}
			return Signed{}, err
		}
		hashed = to
	}
	now := l.clock.Now()
	if err := l.keys.refresh(ctx, now); err != nil {
		l.log.Warn("transparency log: the key ring does not load; signing with the keys loaded before", "err", err)
	}
	signing := l.keys.Signing(now)
	signers := make([]note.Signer, len(signing))
	ids := make([]string, len(signing))
	for i, k := range signing {
		signers[i], ids[i] = k.Signer, keyID(k.Verifier)
	}
	by := strings.Join(ids, " ")
	cur := l.Latest()
	// A rotation (a key announced, or taking over) re-signs the same tree,
	// so the served checkpoint always carries the signature of the key
	// GET /v1/log/key names.
	if cur.Note != nil && cur.Size >= hashed && l.latestBy == by {
		return cur, nil
	}
	root, err := tlog.TreeHash(hashed, l.reader(ctx))
	if err != nil {
		return Signed{}, fmt.Errorf("translog: tree hash of %d: %w", hashed, err)
	}
	c := Checkpoint{Origin: signing[0].Verifier.Name(), Size: hashed, Root: root}
	msg, err := SignCheckpoint(c, signers...)
	if err != nil {
		return Signed{}, err
	}
	if err := l.db.Write(ctx, func(tx *store.Tx) error {
		if err := l.check(ctx, tx); err != nil {
			return err
		}
		return tx.SaveCheckpoint(ctx, store.StoredCheckpoint{Size: c.Size, Root: c.Root, Note: string(msg), SignedAt: l.clock.Now().UnixMilli()})
	}); err != nil {
		return Signed{}, fmt.Errorf("translog: %w", err)
	}
	s := Signed{Checkpoint: c, Note: msg}
	l.rmu.Lock()
	l.latest = s
	l.rmu.Unlock()
	l.latestBy = by
	return s, nil
}

// integrate stores the tree hashes of entries [from, to).
func (l *Log) integrate(ctx context.Context, from, to int64) error {
	entries, err := l.db.LogEntries(ctx, from, to)
	if err != nil {
		return fmt.Errorf("translog: %w", err)
	}
	fresh := make(map[int64]tlog.Hash, 2*len(entries))
	db := l.reader(ctx)
	r := tlog.HashReaderFunc(func(ids []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(ids))
		var missing []int64
		for i, id := range ids {
			h, ok := fresh[id]
			if !ok {
				missing = append(missing, id)
			}
			out[i] = h
		}
		if len(missing) == 0 {
			return out, nil
		}
		got, err := db.ReadHashes(missing)
		if err != nil {
			return nil, err
		}
		for i, id := range missing {
			fresh[id] = got[i]
		}
		for i, id := range ids {
			out[i] = fresh[id]
		}
		return out, nil
	})
	for i, e := range entries {
		n := from + int64(i)
		hs, err := tlog.StoredHashesForRecordHash(n, LeafHash(e), r)
		if err != nil {
			return fmt.Errorf("translog: hash entry %d: %w", n, err)
		}
		base := tlog.StoredHashIndex(0, n)
		for j, h := range hs {
			fresh[base+int64(j)] = h
		}
	}
	// Keep only this range's own hashes; the others were read, not made.
	own := make(map[int64]tlog.Hash, len(fresh))
	lo, hi := tlog.StoredHashIndex(0, from), tlog.StoredHashCount(to)
	for id, h := range fresh {
		if id >= lo && id < hi {
			own[id] = h
		}
	}
	if err := l.db.Write(ctx, func(tx *store.Tx) error {
		if err := l.check(ctx, tx); err != nil {
			return err
		}
		return tx.StoreLogHashes(ctx, from, to, own)
	}); err != nil {
		return fmt.Errorf("translog: %w", err)
	}
	return nil
}

// reader reads stored hashes from the database.
func (l *Log) reader(ctx context.Context) tlog.HashReader {
	return tlog.HashReaderFunc(func(ids []int64) ([]tlog.Hash, error) { return l.db.LogHashes(ctx, ids) })
}

// Tile returns the data of a hash tile or an entry bundle (t.L == -1) of the
// tree of the latest checkpoint.
func (l *Log) Tile(ctx context.Context, t tlog.Tile) ([]byte, error) {
	need, ok := TileNeeds(t)
	size := l.latestCovering(ctx, need).Size
	if !ok || need > size {
		return nil, fmt.Errorf("%w: %s is beyond the signed tree of %d entries", ErrRange, TilePath(t), size)
	}
	if t.L == -1 {
		start := t.N << TileHeight
		entries, err := l.db.LogEntries(ctx, start, start+tileWidth(t))
		if err != nil {
			return nil, fmt.Errorf("translog: %w", err)
		}
		return EncodeBundle(entries), nil
	}
	b, err := tlog.ReadTileData(t, l.reader(ctx))
	if err != nil {
		return nil, fmt.Errorf("translog: tile %s: %w", TilePath(t), err)
	}
	return b, nil
}

// latestCovering returns the newest checkpoint this process knows; when need
// entries are beyond it, it first reads the newest one stored. Several
// replicas are one log, and a client that read a checkpoint from the replica
// that signed it may ask another for its tiles or proofs before that one's
// own sync has caught up (sigapcheck cluster did, and got a 404).
func (l *Log) latestCovering(ctx context.Context, need int64) Signed {
	if s := l.Latest(); need <= s.Size {
		return s
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	s, err := l.follow(ctx)
	if err != nil {
		l.log.Warn("transparency log: reading the newest checkpoint failed; answering from this replica's", "err", err)
	}
	return s
}

// resolveSize turns 0 into the latest checkpoint's size and refuses sizes beyond it.
func (l *Log) resolveSize(ctx context.Context, size int64) (int64, error) {
	latest := l.latestCovering(ctx, size).Size
	if size == 0 {
		size = latest
	}
	if size < 0 || size > latest {
		return 0, fmt.Errorf("%w: size %d: the latest signed tree has %d entries", ErrRange, size, latest)
	}
	return size, nil
}

// Inclusion proves the entry at index is in the tree of size entries (0: the
// latest checkpoint's).
func (l *Log) Inclusion(ctx context.Context, index, size int64) (InclusionProof, error) {
	size, err := l.resolveSize(ctx, size)
	if err != nil {
		return InclusionProof{}, err
	}
	if index < 0 || index >= size {
		return InclusionProof{}, fmt.Errorf("%w: index %d is not inside the tree of %d entries", ErrRange, index, size)
	}
	r := l.reader(ctx)
	p, err := tlog.ProveRecord(size, index, r)
	if err != nil {
		return InclusionProof{}, fmt.Errorf("translog: prove %d in %d: %w", index, size, err)
	}
	hs, err := r.ReadHashes([]int64{tlog.StoredHashIndex(0, index)})
	if err != nil {
		return InclusionProof{}, fmt.Errorf("translog: %w", err)
	}
	root, err := tlog.TreeHash(size, r)
	if err != nil {
		return InclusionProof{}, fmt.Errorf("translog: %w", err)
	}
	return InclusionProof{Index: index, Size: size, LeafHash: EncodeHashes(hs)[0], RootHash: EncodeHashes([]tlog.Hash{root})[0],
		Hashes: EncodeHashes(p)}, nil
}

// Consistency proves the tree of old entries is a prefix of the tree of new
// entries (0: the latest checkpoint's).
func (l *Log) Consistency(ctx context.Context, old, new int64) (ConsistencyProof, error) {
	new, err := l.resolveSize(ctx, new)
	if err != nil {
		return ConsistencyProof{}, err
	}
	if old < 1 || old > new {
		return ConsistencyProof{}, fmt.Errorf("%w: old size %d: want 1 <= old <= new (%d)", ErrRange, old, new)
	}
	r := l.reader(ctx)
	p, err := tlog.ProveTree(new, old, r)
	if err != nil {
		return ConsistencyProof{}, fmt.Errorf("translog: prove %d to %d: %w", old, new, err)
	}
	oldRoot, err := tlog.TreeHash(old, r)
	if err != nil {
		return ConsistencyProof{}, fmt.Errorf("translog: %w", err)
	}
	newRoot, err := tlog.TreeHash(new, r)
	if err != nil {
		return ConsistencyProof{}, fmt.Errorf("translog: %w", err)
	}
	return ConsistencyProof{Old: old, New: new, OldRoot: EncodeHashes([]tlog.Hash{oldRoot})[0],
		NewRoot: EncodeHashes([]tlog.Hash{newRoot})[0], Hashes: EncodeHashes(p)}, nil
}
