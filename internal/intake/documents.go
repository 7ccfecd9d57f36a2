package intake

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/document"
	"github.com/sigap/sigap/internal/jobs"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// EventDocuments is the timeline (and so log) event naming a new notice's
// documents by their SHA-256, beside the receipt that names them too.
const EventDocuments = "notice.documents"

// documentLister reads a stored notice's documents: the DB, or the write transaction.
type documentLister interface {
	NoticeDocuments(ctx context.Context, noticeID string) ([]document.Upload, error)
}

// sameRequest tells whether a replayed Idempotency-Key carries the first
// notice's body and its documents from outside the body; ErrIdempotencyMismatch if not.
func sameRequest(ctx context.Context, db documentLister, prev *notice.Notice, bodyHash string, outside []document.Upload) error {
	if prev.BodySHA256 != bodyHash {
		return ErrIdempotencyMismatch
	}
	stored, err := db.NoticeDocuments(ctx, prev.ID)
	if err != nil {
		return fmt.Errorf("intake: %w", err)
	}
	// The outside documents are the stored ones' tail: the body's own come first.
	if len(outside) > len(stored) {
		return ErrIdempotencyMismatch
	}
	hashes := func(ds []document.Upload) []string {
		out := make([]string, len(ds))
		for i, d := range ds {
			out[i] = d.SHA256
		}
		return out
	}
	if !slices.Equal(hashes(stored[len(stored)-len(outside):]), hashes(outside)) {
		return ErrIdempotencyMismatch
	}
	return nil
}

// storeDocuments keeps a new notice's documents and puts their hashes on its timeline.
func storeDocuments(ctx context.Context, tx *store.Tx, n *notice.Notice) error {
	if len(n.Documents) == 0 {
		return nil
	}
	// Documents are kept under the evidence rules: purged after their
	// retention unless held (internal/enforce runs the job).
	keep := document.KeepUntil(n.ReceivedAt)
	if err := tx.InsertNoticeDocuments(ctx, n.ID, n.Documents, keep); err != nil {
		return err
	}
	if err := jobs.EnqueueTx(ctx, tx, n.ReceivedAt, jobs.Spec{Kind: document.JobPurge, Key: document.PurgeKey(n.ID, keep), RunAt: keep}); err != nil {
		return err
	}
	data, err := json.Marshal(map[string]any{"documents": n.Documents})
	if err != nil {
		return fmt.Errorf("intake: documents event: %w", err)
	}
	return tx.AppendEvents(ctx, []notice.Event{{At: n.ReceivedAt, Type: EventDocuments, NoticeID: n.ID, OrgID: n.OrgID, Data: data}})
}

// EventDocumentRead is the timeline event of a document's bytes being read.
const EventDocumentRead = "document.accessed"

// Document reads a notice's document at position (0-based), bytes and all,
// for a caller who may see the notice (the platform's roles, and the org
// that sent it; anyone else gets store.ErrNotFound), and puts the read on
// the notice's timeline, as a read of preserved evidence is.
func (s *Service) Document(ctx context.Context, c org.Caller, noticeID string, position int) (document.Upload, error) {
	scope := c.OrgID
	if c.Platform() {
		scope = ""
	}
	n, err := s.DB.Notice(ctx, noticeID, scope)
	if err != nil {
		return document.Upload{}, err
	}
	d, err := s.DB.NoticeDocument(ctx, n.ID, position)
	if err != nil {
		return document.Upload{}, err
	}
	by := c.KeyID
	if c.UserID != "" {
		by = c.UserID
	}
	data, err := json.Marshal(map[string]any{"position": position, "sha256": d.SHA256, "by": by, "org_id": c.OrgID, "role": c.Role})
	if err != nil {
		return document.Upload{}, fmt.Errorf("intake: document read event: %w", err)
	}
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		return tx.AppendEvents(ctx, []notice.Event{{At: clock.NowMilli(s.Clock), Type: EventDocumentRead, NoticeID: n.ID, OrgID: c.OrgID, Data: data}})
	})
	if err != nil {
		return document.Upload{}, err
	}
	return d, nil
}
