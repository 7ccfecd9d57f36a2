package enforce

import (
	"context"
	"errors"
	"time"

	"github.com/sigap/sigap/internal/document"
	"github.com/sigap/sigap/internal/jobs"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// Documents lists a notice's documents with how long each is kept, for a
// caller who may see the notice (the platform's roles and the org that sent
// it; anyone else gets store.ErrNotFound).
func (s *Service) Documents(ctx context.Context, c org.Caller, noticeID string) ([]document.Kept, error) {
	scope := c.OrgID
	if c.Platform() {
		scope = ""
	}
	n, err := s.DB.Notice(ctx, noticeID, scope)
	if err != nil {
		return nil, err
	}
	return s.DB.NoticeDocumentsKept(ctx, n.ID)
}

// HoldDocument puts one of a notice's documents under a legal hold until a
// time, as Hold does for evidence: its bytes are purged only after both the
// hold and its retention end. The authority that sent the notice and the
// platform's admin may hold it.
func (s *Service) HoldDocument(ctx context.Context, c org.Caller, noticeID string, position int, until time.Time, reason string) (*document.Kept, error) {
	docs, err := s.Documents(ctx, c, noticeID)
	if err != nil {
		return nil, err
	}
	if position < 0 || position >= len(docs) {
		return nil, store.ErrNotFound
	}
	d := docs[position]
	now := s.Clock.Now()
	until, err = holdable(c, now, until, d.PurgedAt != nil, document.ErrPurged)
	if err != nil {
		return nil, err
	}
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		if err := tx.HoldNoticeDocument(ctx, noticeID, position, until, c.OrgID+"/"+who(c), reason); err != nil {
			return err
		}
		if until.After(d.KeepUntil) {
			if err := jobs.EnqueueTx(ctx, tx, now, jobs.Spec{Kind: document.JobPurge, Key: document.PurgeKey(noticeID, until), RunAt: until}); err != nil {
				return err
			}
		}
		return tx.AppendEvents(ctx, []notice.Event{{At: now, Type: document.EventHold, NoticeID: noticeID, OrgID: c.OrgID,
			Data: jsonOf(map[string]any{"position": position, "sha256": d.SHA256, "until": until, "by": who(c), "org_id": c.OrgID, "reason": reason})}})
	})
	if err != nil {
		return nil, err
	}
	docs, err = s.DB.NoticeDocumentsKept(ctx, noticeID)
	if err != nil {
		return nil, err
	}
	return &docs[position], nil
}

// purgeDocuments drops the bytes of a notice's documents whose retention and
// hold have ended; their name, size and SHA-256 stay, and the purge goes on
// the notice's timeline (and so the log). A document still held waits for
// the job its hold enqueued.
func (s *Service) purgeDocuments(ctx context.Context, j *jobs.Job) error {
	noticeID, _, _ := cut(jobKeyID(j), ':')
	now := s.Clock.Now()
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		docs, err := tx.LockNoticeDocuments(ctx, noticeID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		var evs []notice.Event
		for _, d := range docs {
			if !d.Due(now) {
				continue
			}
			if err := tx.PurgeNoticeDocument(ctx, noticeID, d.Position, now); err != nil {
				return err
			}
			evs = append(evs, notice.Event{At: now, Type: document.EventPurged, NoticeID: noticeID,
				Data: jsonOf(map[string]any{"position": d.Position, "name": d.Name, "size": d.Size, "sha256": d.SHA256, "kept_until": d.KeepUntil})})
		}
		if len(evs) == 0 {
			return nil
		}
		return tx.AppendEvents(ctx, evs)
	})
}
