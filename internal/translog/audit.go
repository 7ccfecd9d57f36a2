package translog

import (
	"bytes"
	"context"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/translog/leaf"
)

// Finding is one thing an audit found wrong. Seq, Type and NoticeID name the
// event when the finding is about one (Seq 0 otherwise).
type Finding struct {
	Seq      int64  `json:"seq,omitempty"`
	LogIndex int64  `json:"log_index"`
	Type     string `json:"type,omitempty"`
	NoticeID string `json:"notice_id,omitempty"`
	Problem  string `json:"problem"`
}

func (f Finding) String() string {
	if f.Seq == 0 {
		return f.Problem
	}
	s := fmt.Sprintf("event seq %d (%s", f.Seq, f.Type)
	if f.NoticeID != "" {
		s += ", notice " + f.NoticeID
	}
	if f.LogIndex >= 0 {
		s += fmt.Sprintf(", log index %d", f.LogIndex)
	}
	return s + "): " + f.Problem
}

// Report is the outcome of an audit.
type Report struct {
	Checkpoint Checkpoint `json:"-"`
	Events     int64      `json:"events"`
	Entries    int64      `json:"entries"`
	// Unsigned counts entries after the checkpoint, not yet covered by it.
	Unsigned int64     `json:"unsigned"`
	Findings []Finding `json:"findings"`
	// Truncated counts findings left out of Findings.
	Truncated int `json:"truncated,omitempty"`
}

// OK reports whether the audit found nothing wrong.
func (r *Report) OK() bool { return len(r.Findings) == 0 && r.Truncated == 0 }

// maxFindings bounds the report: a wholesale edit names the first ones.
const maxFindings = 1000

func (r *Report) add(f Finding) {
	if len(r.Findings) >= maxFindings {
		r.Truncated++
		return
	}
	r.Findings = append(r.Findings, f)
}

// auditWindow is how many stored leaf hashes the auditor holds at once.
const auditWindow = 1 << 14

// Audit checks the database against a verified checkpoint cp (and, when
// previous is not nil, an earlier verified checkpoint): every event row must
// recompute to its log entry, the entry must match the leaf hash stored in the
// tree, no log index may be missing or claimed twice, the entries must hash to
// cp's root (and to previous's root at its size, which proves consistency),
// and the stored tree hashes the server serves from must agree.
func Audit(ctx context.Context, db *store.DB, cp Checkpoint, previous *Checkpoint) (*Report, error) {
	r := &Report{Checkpoint: cp}
	size, hashed, err := db.LogState(ctx)
	if err != nil {
		return nil, fmt.Errorf("translog: audit: %w", err)
	}
	// Deleting the last events shrinks MAX(log_index); the stored hashes remember.
	size = max(size, hashed)
	if previous != nil && previous.Size > cp.Size {
		r.add(Finding{LogIndex: -1, Problem: fmt.Sprintf("stale checkpoint: it covers %d entries, fewer than the previous checkpoint's %d", cp.Size, previous.Size)})
	}
	if cp.Size > size {
		r.add(Finding{LogIndex: -1, Problem: fmt.Sprintf("the checkpoint covers %d entries but the database holds %d: entries were deleted, or this is another log's checkpoint", cp.Size, size)})
	}
	hashReader := tlog.HashReaderFunc(func(ids []int64) ([]tlog.Hash, error) { return db.LogHashes(ctx, ids) })
	var (
		tree     Tree
		broken   bool // a leaf could not be recovered: roots are unknown from here
		stored   []tlog.Hash
		sa       int64 = -1 // stored holds the leaf hashes of [sa, sa+len(stored))
		next     int64      // the next log index to feed the tree
		prevRoot *tlog.Hash
		cpRoot   *tlog.Hash
	)
	storedLeaf := func(i int64) (tlog.Hash, bool, error) {
		if i >= hashed {
			return tlog.Hash{}, false, nil
		}
		if sa < 0 || i < sa || i >= sa+int64(len(stored)) {
			sa = i - i%auditWindow
			ids := make([]int64, 0, auditWindow)
			for j := sa; j < min(hashed, sa+auditWindow); j++ {
				ids = append(ids, tlog.StoredHashIndex(0, j))
			}
			var err error
			if stored, err = hashReader.ReadHashes(ids); err != nil {
				return tlog.Hash{}, false, err
			}
		}
		return stored[i-sa], true, nil
	}
	feed := func(h tlog.Hash, ok bool) {
		if !ok {
			broken = true
		}
		tree.Append(h)
		if broken {
			return
		}
		root := tree.Root()
		if previous != nil && tree.Size() == previous.Size {
			prevRoot = &root
		}
		if tree.Size() == cp.Size {
			cpRoot = &root
		}
	}
	if cp.Size == 0 {
		h := tree.Root()
		cpRoot = &h
	}
	// skip feeds the stored leaf hashes of indexes [next, to), which have no event.
	skip := func(to int64) error {
		for ; next < to; next++ {
			r.add(Finding{LogIndex: next, Problem: fmt.Sprintf("log entry %d has no event: its event row was deleted or its log_index changed", next)})
			h, ok, err := storedLeaf(next)
			if err != nil {
				return err
			}
			feed(h, ok)
		}
		return nil
	}
	err = db.EachLoggedEvent(ctx, func(e store.LoggedEvent) error {
		r.Events++
		f := Finding{Seq: e.Seq, LogIndex: e.LogIndex, Type: e.Leaf.Type, NoticeID: e.Leaf.NoticeID}
		switch {
		case e.LogIndex < 0:
			f.Problem = "the event is not in the log (no log index): it was inserted outside sigap"
		case e.LogIndex >= size:
			f.Problem = fmt.Sprintf("its log index is beyond the log's %d entries: the row was edited", size)
		case e.LogIndex < next:
			f.Problem = "another event already claims this log index: the row was edited or copied"
		}
		if f.Problem != "" {
			r.add(f)
			return nil
		}
		if err := skip(e.LogIndex); err != nil {
			return err
		}
		next++
		r.Entries++
		lh := LeafHash(e.Entry)
		sh, ok, err := storedLeaf(e.LogIndex)
		if err != nil {
			return err
		}
		c, cerr := leaf.Commit(e.Salt, e.Leaf)
		switch {
		case cerr != nil:
			f.Problem = fmt.Sprintf("its stored salt cannot be used (%v): the row was edited", cerr)
		case !bytes.Equal(c, e.Entry):
			f.Problem = "the event was altered after it was logged: it no longer hashes to its log entry"
		case ok && sh != lh:
			f.Problem = "the event and its log entry were both rewritten: the entry no longer matches the log's tree"
		}
		if f.Problem != "" {
			r.add(f)
		}
		if ok {
			lh = sh // the tree as stored; the finding above names any difference
		}
		feed(lh, true)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("translog: audit: %w", err)
	}
	if err := skip(size); err != nil {
		return nil, fmt.Errorf("translog: audit: %w", err)
	}
	if cp.Size <= size {
		r.Unsigned = size - cp.Size
		if !broken && (cpRoot == nil || *cpRoot != cp.Root) {
			r.add(Finding{LogIndex: -1, Problem: fmt.Sprintf("the log's first %d entries do not hash to the checkpoint's root: the stored tree was altered", cp.Size)})
		}
		if st, err := tlog.TreeHash(cp.Size, hashReader); err != nil || st != cp.Root {
			r.add(Finding{LogIndex: -1, Problem: fmt.Sprintf("the stored tree hashes (which tiles and proofs are served from) do not give the checkpoint's root at size %d (%v)", cp.Size, err)})
		}
	}
	if previous != nil && previous.Size > 0 && !broken && previous.Size <= min(cp.Size, size) && (prevRoot == nil || *prevRoot != previous.Root) {
		r.add(Finding{LogIndex: -1, Problem: fmt.Sprintf("the previous checkpoint (size %d) is not consistent with the log: its root differs from the log's first %d entries, so history was rewritten", previous.Size, previous.Size)})
	}
	return r, nil
}
