package scan

import (
	"context"
	"fmt"
	"time"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/store"
)

// Filed is a notice a scan filed, or found filed before, for a post's hits
// on one bank or list.
type Filed struct {
	SetID    string
	NoticeID string
	CaseID   string
	Post     string
	// RetroJob is the retroactive scan that filed it; "" for a live scan.
	RetroJob string
	At       time.Time
}

// FiledHook is told of a filing inside the transaction that records it, so
// what it writes (the incident lane, the retroactive mark) commits with the
// filing or not at all. It may run more than once for one filing (a
// redelivered post) and must then change nothing more.
type FiledHook func(ctx context.Context, tx *store.Tx, f Filed) error

// OnFiled adds a hook told of every filing. Call it before the first scan:
// the hooks are read without a lock.
func (s *Scanner) OnFiled(h FiledHook) { s.filed = append(s.filed, h) }

func (s *Scanner) tellFiled(ctx context.Context, tx *store.Tx, f Filed) error {
	for _, h := range s.filed {
		if err := h(ctx, tx, f); err != nil {
			return fmt.Errorf("scan: after filing %s: %w", f.NoticeID, err)
		}
	}
	return nil
}

// Retro scans posts made before some entries existed against those entries
// alone: a snapshot of its own, so the live scan's is neither rebuilt nor
// slowed, and hits that flow into the same records, notices and actions as
// live ones, marked retroactive.
type Retro struct {
	s    *Scanner
	snap *snapshot
}

// Retro builds the matcher of a retroactive scan job over the live entries
// among entryIDs (removed or unknown ones are left out; Entries says how
// many are left).
func (s *Scanner) Retro(ctx context.Context, jobID string, entryIDs []string) (*Retro, error) {
	want := make(map[string]bool, len(entryIDs))
	for _, e := range entryIDs {
		want[e] = true
	}
	sets, err := allSets(ctx, s.db)
	if err != nil {
		return nil, fmt.Errorf("scan: retro sets: %w", err)
	}
	snap, err := compile(0, sets, func(fn func(store.LiveEntry) error) error {
		keep := func(e store.LiveEntry) error {
			if !want[e.ID] {
				return nil
			}
			return fn(e)
		}
		if err := s.db.LiveFilterEntries(ctx, store.FamilyBank, keep); err != nil {
			return err
		}
		return s.db.LiveFilterEntries(ctx, store.FamilyList, keep)
	}, s.cfg.NearDup, s.log)
	if err != nil {
		return nil, fmt.Errorf("scan: retro matcher: %w", err)
	}
	snap.retroJob = jobID
	return &Retro{s: s, snap: snap}, nil
}

// Entries is how many entries the retroactive scan matches.
func (r *Retro) Entries() int { return len(r.snap.refs) }

// Scan matches one earlier post, made at postedAt, against the job's
// entries and acts on the hits as Scanner.Scan does, marking them
// retroactive and recording them at postedAt.
func (r *Retro) Scan(ctx context.Context, p Post, postedAt time.Time) (Result, error) {
	vp, err := r.s.validate(&p)
	if err != nil {
		return Result{}, err
	}
	vp.postedAt = clock.Milli(postedAt)
	return r.s.scanWith(ctx, r.snap, vp, p)
}
