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

// auditWindow is how many entries the auditor holds at once.
const auditWindow = 1 << 16

// Audit checks the database against a verified checkpoint cp (and, when
// previous is not nil, an earlier verified checkpoint): every event row must
// recompute to its log entry, every entry must have its event, the entries
// must hash to cp's root (and to previous's root at its size, which proves
// consistency), and the stored tree hashes the server serves must agree.
func Audit(ctx context.Context, db *store.DB, cp Checkpoint, previous *Checkpoint) (*Report, error) {
	r := &Report{Checkpoint: cp}
	size, _, err := db.LogState(ctx)
	if err != nil {
		return nil, fmt.Errorf("translog: audit: %w", err)
	}
	if previous != nil && previous.Size > cp.Size {
		r.add(Finding{LogIndex: -1, Problem: fmt.Sprintf("stale checkpoint: it covers %d entries, fewer than the previous checkpoint's %d", cp.Size, previous.Size)})
	}
	if cp.Size > size {
		r.add(Finding{LogIndex: -1, Problem: fmt.Sprintf("the checkpoint covers %d entries but the database holds %d: entries were deleted, or this is another log's checkpoint", cp.Size, size)})
	}
	var (
		tree     Tree
		win      [][]byte // entries [wa, wa+len(win))
		wa       int64
		next     int64 // the next log index an event should claim
		prevRoot *tlog.Hash
		cpRoot   *tlog.Hash
	)
	root := func() {
		h := tree.Root()
		if previous != nil && tree.Size() == previous.Size {
			prevRoot = &h
		}
		if tree.Size() == cp.Size {
			cpRoot = &h
		}
	}
	root()
	load := func() error { // the next window, fed to the tree
		wa += int64(len(win))
		var err error
		if win, err = db.LogEntries(ctx, wa, min(size, wa+auditWindow)); err != nil {
			return err
		}
		for _, e := range win {
			tree.Append(LeafHash(e))
			root()
		}
		r.Entries += int64(len(win))
		return nil
	}
	if err := load(); err != nil {
		return nil, fmt.Errorf("translog: audit: %w", err)
	}
	missing := func(from, to int64) {
		for i := from; i < to; i++ {
			r.add(Finding{LogIndex: i, Problem: fmt.Sprintf("log entry %d has no event: its event row was deleted or its log_index changed", i)})
		}
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
		missing(next, e.LogIndex)
		next = e.LogIndex + 1
		for e.LogIndex >= wa+int64(len(win)) {
			if err := load(); err != nil {
				return err
			}
		}
		c, err := leaf.Commit(e.Salt, e.Leaf)
		switch {
		case err != nil:
			f.Problem = fmt.Sprintf("its stored fields cannot be committed to (%v): the row was edited", err)
		case !bytes.Equal(c, win[e.LogIndex-wa]):
			f.Problem = "the event was altered after it was logged: it no longer hashes to its log entry"
		default:
			return nil
		}
		r.add(f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("translog: audit: %w", err)
	}
	missing(next, size)
	for wa+int64(len(win)) < size {
		if err := load(); err != nil {
			return nil, fmt.Errorf("translog: audit: %w", err)
		}
	}
	if cp.Size <= size {
		r.Unsigned = size - cp.Size
		if cpRoot == nil || *cpRoot != cp.Root {
			r.add(Finding{LogIndex: -1, Problem: fmt.Sprintf("the log's first %d entries do not hash to the checkpoint's root: log entries were altered", cp.Size)})
		}
		stored, err := tlog.TreeHash(cp.Size, tlog.HashReaderFunc(func(ids []int64) ([]tlog.Hash, error) { return db.LogHashes(ctx, ids) }))
		if err != nil || stored != cp.Root {
			r.add(Finding{LogIndex: -1, Problem: fmt.Sprintf("the stored tree hashes (which tiles and proofs are served from) do not give the checkpoint's root at size %d (%v)", cp.Size, err)})
		}
	}
	if previous != nil && previous.Size <= min(cp.Size, size) && (prevRoot == nil || *prevRoot != previous.Root) {
		r.add(Finding{LogIndex: -1, Problem: fmt.Sprintf("the previous checkpoint (size %d) is not consistent with the log: its root differs from the log's first %d entries, so history was rewritten", previous.Size, previous.Size)})
	}
	return r, nil
}
