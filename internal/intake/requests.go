package intake

import (
	"context"

	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/store"
)

// storeRequest keeps what a preservation or emergency needs beside the
// notice: a preservation's days, and the page an emergency sends at once.
func (s *Service) storeRequest(ctx context.Context, tx *store.Tx, n *notice.Notice) error {
	if n.Kind == notice.KindPreservation {
		if err := tx.InsertPreservation(ctx, n.ID, n.PreserveDays); err != nil {
			return err
		}
	}
	if spec, _ := notice.Spec(n.Kind); spec.PageAtOnce && s.Page != nil {
		return s.Page(ctx, tx, n)
	}
	return nil
}
